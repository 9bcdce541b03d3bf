//===- GraphDialect.h - kiln graph dialect ----------------------*- C++ -*-===//
//
// kiln's high-level dialect: ONNX operators on ranked tensors.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHDIALECT_H
#define KILN_IR_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ir/GraphDialect.h.inc"

#endif // KILN_IR_GRAPHDIALECT_H
