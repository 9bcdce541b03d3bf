//===- ConstantLayout.cpp - weights rearranged at compile time ------------===//

#include "codegen/ConstantLayout.h"
#include "ir/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Blobs this file creates; the resource manager makes each name unique by
/// appending a counter.
constexpr llvm::StringLiteral kRearrangedBlobName = "kiln_rearranged";

} // namespace

Value createPermutedConstant(OpBuilder &builder, Location loc, Value value,
                             ArrayRef<int64_t> view, ArrayRef<int64_t> permutation) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  ElementsAttr constant;
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape() ||
      !matchPattern(value, m_Constant(&constant)))
    return nullptr;
  int64_t rank = static_cast<int64_t>(view.size());
  int64_t count = type.getNumElements();
  SmallVector<int64_t> shape;
  for (int64_t source : permutation)
    shape.push_back(view[source]);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (resultType.getNumElements() != count)
    return nullptr;
  if (auto splat = dyn_cast<SplatElementsAttr>(constant))
    return builder.create<arith::ConstantOp>(
        loc, SplatElementsAttr::get(resultType, splat.getSplatValue<Attribute>()));
  std::optional<ArrayRef<char>> bytes = getConstantBytes(constant);
  if (!bytes || static_cast<int64_t>(bytes->size()) != count * 4)
    return nullptr;

  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocate(count * 4, alignof(float), /*dataIsMutable=*/true);
  auto *out = reinterpret_cast<float *>(blob.getMutableData().data());
  const auto *in = reinterpret_cast<const float *>(bytes->data());
  SmallVector<int64_t> viewStrides(rank, 1);
  for (int64_t d = rank - 1; d > 0; --d)
    viewStrides[d - 1] = viewStrides[d] * view[d];
  // Walk the result in order, stepping the source offset incrementally.
  SmallVector<int64_t> index(rank, 0);
  int64_t source = 0;
  for (int64_t linear = 0; linear < count; ++linear) {
    out[linear] = in[source];
    for (int64_t d = rank - 1; d >= 0; --d) {
      source += viewStrides[permutation[d]];
      if (++index[d] < shape[d])
        break;
      source -= viewStrides[permutation[d]] * shape[d];
      index[d] = 0;
    }
  }
  // Weights stay in the form they came in: a resource blob (a model's
  // initializers) or an inline dense attribute (small, readable in tests).
  if (isa<DenseElementsAttr>(constant))
    return builder.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(resultType, ArrayRef<float>(out, count)));
  return builder.create<arith::ConstantOp>(
      loc, DenseResourceElementsAttr::get(resultType, kRearrangedBlobName, std::move(blob)));
}

Value createReshapedConstant(OpBuilder &builder, Location loc, Value value,
                             ArrayRef<int64_t> shape) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  ElementsAttr constant;
  if (!type || !type.getElementType().isF32() || !matchPattern(value, m_Constant(&constant)))
    return nullptr;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (resultType.getNumElements() != type.getNumElements())
    return nullptr;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant))
    return builder.create<arith::ConstantOp>(loc, dense.reshape(resultType));
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant))
    return builder.create<arith::ConstantOp>(
        loc, DenseResourceElementsAttr::get(resultType, resource.getRawHandle()));
  return nullptr;
}

void eraseIfUnused(RewriterBase &rewriter, Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant || !constant->use_empty())
    return;
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  rewriter.eraseOp(constant);
  if (resource && resource.getRawHandle().getKey().starts_with(kRearrangedBlobName))
    resource.getRawHandle().getResource()->setBlob(AsmResourceBlob());
}

} // namespace kiln::codegen
