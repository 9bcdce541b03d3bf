//===- ConstantValues.cpp - f32 weights read and built by graph passes ----===//

#include "passes/ConstantValues.h"

#include "ir/ConstantData.h"
#include "ir/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace kiln {

std::optional<SmallVector<float>> readF32Constant(Value value) {
  auto constant = value.getDefiningOp<graph::ConstantOp>();
  if (!constant)
    return std::nullopt;
  ElementsAttr attr = constant.getValue();
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    return SmallVector<float>(count, splat.getSplatValue<float>());
  std::optional<ArrayRef<char>> bytes = getConstantBytes(attr);
  if (!bytes || static_cast<int64_t>(bytes->size()) != count * 4)
    return std::nullopt;
  const auto *data = reinterpret_cast<const float *>(bytes->data());
  return SmallVector<float>(data, data + count);
}

Value createF32Constant(OpBuilder &builder, Location loc, RankedTensorType type,
                        ArrayRef<float> values, StringRef blobName) {
  ElementsAttr attr;
  if (values.size() <= 64) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(values.data()), values.size() * 4),
        alignof(float));
    attr = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  }
  return builder.create<graph::ConstantOp>(loc, attr);
}

} // namespace kiln
