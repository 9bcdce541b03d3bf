//===- GraphFolds.cpp - folders of graph ops -------------------------------===//
//
// Folders let the shape arithmetic that PyTorch's exporter emits (Shape ->
// Gather -> Concat -> Reshape) collapse into constants once shapes are static.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace kiln::graph {

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  RankedTensorType input = getInput().getType();
  auto resultType = cast<RankedTensorType>(getOutput().getType());
  if (!resultType.hasStaticShape())
    return {};
  int64_t rank = input.getRank();
  int64_t start = getStart() < 0 ? getStart() + rank : getStart();
  start = std::clamp<int64_t>(start, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < start + resultType.getDimSize(0); ++i) {
    if (input.isDynamicDim(i))
      return {};
    dims.push_back(input.getDimSize(i));
  }
  return DenseElementsAttr::get(resultType, ArrayRef<int64_t>(dims));
}

} // namespace kiln::graph
