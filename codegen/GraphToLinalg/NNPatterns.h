//===- NNPatterns.h - internals shared by the NN lowering files -*- C++ -*-===//
//
// The neural-network lowerings are split over NNLowering.cpp (matrix products,
// softmax family), ConvLowering.cpp, PoolLowering.cpp, NormLowering.cpp,
// ResizeLowering.cpp and SignalLowering.cpp. This header declares their population functions and the
// few builders more than one of them uses (padding, reductions along some
// dimensions, scalar arithmetic that works on floats and integers alike).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_GRAPHTOLINALG_NNPATTERNS_H
#define KILN_CODEGEN_GRAPHTOLINALG_NNPATTERNS_H

#include "codegen/GraphToLinalg/LoweringUtils.h"

namespace kiln::codegen {

void populateConvLoweringPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populatePoolLoweringPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateNormLoweringPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateResizeLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
void populateSignalLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
void populateSpectralLoweringPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);

/// `lhs + rhs` / `lhs * rhs` for float or integer scalars of one type.
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);

/// `tensor.pad` of `input` by `low`/`high` elements per dimension with the
/// scalar `padValue`; returns `input` itself when nothing is padded.
mlir::Value createPadded(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                         llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                         mlir::Value padValue);

/// Converts every element of `input` to `elementType` (float widths only).
mlir::Value createFloatCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                            mlir::Type elementType);

/// Reduces over `reducedDims` of the iteration space `shape` with one
/// linalg.generic. Each input is broadcast to `shape` (numpy rules, so
/// keep-dims tensors of earlier reductions work); there is one accumulator
/// per element of `initValues`, starting at that scalar. `body` gets the
/// input scalars and the accumulators and returns the new accumulators. The
/// results keep the reduced dimensions as size 1.
llvm::SmallVector<mlir::Value> createReduction(
    mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
    llvm::ArrayRef<int64_t> reducedDims, mlir::ValueRange inputs,
    mlir::ValueRange initValues,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location,
                                                       mlir::ValueRange inputs,
                                                       mlir::ValueRange accumulators)>
        body);

/// Explicit begin-then-end pads of a window op: `pads` as stored, or, if the
/// op still carries an auto_pad mode (the importer resolves it whenever the
/// shapes are static), the pads that mode gives for `spatialSizes`.
llvm::SmallVector<int64_t> resolveWindowPads(llvm::StringRef autoPad,
                                             llvm::ArrayRef<int64_t> pads,
                                             llvm::ArrayRef<int64_t> spatialSizes,
                                             llvm::ArrayRef<int64_t> kernel,
                                             llvm::ArrayRef<int64_t> strides,
                                             llvm::ArrayRef<int64_t> dilations);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_GRAPHTOLINALG_NNPATTERNS_H
