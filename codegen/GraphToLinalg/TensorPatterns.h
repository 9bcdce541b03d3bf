//===- TensorPatterns.h - pieces of the data-movement lowering -*- C++ -*-===//
//
// The data-movement family is spread over TensorLowering.cpp (shapes,
// reshapes, permutations, concatenation), PadSliceLowering.cpp and
// GatherLowering.cpp; populateTensorLoweringPatterns collects all three.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_GRAPHTOLINALG_TENSORPATTERNS_H
#define KILN_CODEGEN_GRAPHTOLINALG_TENSORPATTERNS_H

#include "codegen/GraphToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace kiln::codegen {

void populatePadSliceLoweringPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
void populateGatherLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);

/// Static offsets, sizes or strides for the tensor slice ops.
inline llvm::SmallVector<mlir::OpFoldResult> indexAttrs(mlir::OpBuilder &b,
                                                        llvm::ArrayRef<int64_t> values) {
  return mlir::getAsIndexOpFoldResult(b.getContext(), values);
}

/// A tensor with no elements needs no computation (and linalg ops over
/// zero-trip loops trip the static bounds verifier): when `type` has none,
/// replaces `op` by a `tensor.empty` and returns true.
inline bool replaceIfNoElements(mlir::Operation *op, mlir::RankedTensorType type,
                                mlir::ConversionPatternRewriter &rewriter) {
  if (type.getNumElements() != 0)
    return false;
  rewriter.replaceOp(op, createEmptyTensor(rewriter, op->getLoc(), type));
  return true;
}

/// The scalar held by a one-element tensor of any rank (Pad's constant_value,
/// Range's bounds).
inline mlir::Value extractOnlyElement(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Value tensor) {
  auto type = mlir::cast<mlir::RankedTensorType>(tensor.getType());
  llvm::SmallVector<mlir::Value> indices;
  if (type.getRank() > 0)
    indices.assign(type.getRank(), b.create<mlir::arith::ConstantIndexOp>(loc, 0));
  return b.create<mlir::tensor::ExtractOp>(loc, tensor, indices);
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_GRAPHTOLINALG_TENSORPATTERNS_H
