//===- KilnDialect.cpp - kiln's low-level dialect --------------------------===//

#include "ir/KilnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

#include "ir/KilnDialect.cpp.inc"

#define GET_OP_CLASSES
#include "ir/KilnOps.cpp.inc"

void kiln::lowlevel::KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/KilnOps.cpp.inc"
      >();
}
