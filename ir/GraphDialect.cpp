//===- GraphDialect.cpp - kiln graph dialect registration -----------------===//

#include "ir/GraphDialect.h"
#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace kiln::graph;

#include "ir/GraphDialect.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/GraphOps.cpp.inc"
      >();
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                             Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, elements);
}

bool kiln::graph::areCompatibleReturnTypes(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [i, a] : llvm::zip(inferred, actual)) {
    if (getElementTypeOrSelf(i) != getElementTypeOrSelf(a) ||
        failed(verifyCompatibleShape(i, a)))
      return false;
  }
  return true;
}

bool kiln::graph::isMoreRefinedType(Type candidate, Type current) {
  auto a = dyn_cast<RankedTensorType>(candidate);
  auto b = dyn_cast<RankedTensorType>(current);
  if (!a || !b || a == b || !areCompatibleReturnTypes(b, a))
    return false;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    if (ShapedType::isDynamic(x) && !ShapedType::isDynamic(y))
      return false;
  return true;
}

#define GET_OP_CLASSES
#include "ir/GraphOps.cpp.inc"
