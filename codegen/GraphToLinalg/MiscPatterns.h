//===- MiscPatterns.h - pieces of the misc-op lowering ----------*- C++ -*-===//
//
// The ops of GraphMiscOps.td lower in MiscLowering.cpp (masks, constructors,
// CumSum, Einsum), LossLowering.cpp (NegativeLogLikelihoodLoss) and
// ScatterLowering.cpp (ScatterElements, ScatterND, TopK);
// populateMiscLoweringPatterns collects all three. Ops with a sequential
// dependence (scans, scatters with repeated indices, selection) become
// scf.for loops over scalars that carry the result tensor, which one-shot
// bufferization updates in place.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_GRAPHTOLINALG_MISCPATTERNS_H
#define KILN_CODEGEN_GRAPHTOLINALG_MISCPATTERNS_H

#include "codegen/GraphToLinalg/TensorPatterns.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace kiln::codegen {

void populateLossLoweringPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateScatterLoweringPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);

/// An `index` constant.
inline mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t value) {
  return b.create<mlir::arith::ConstantIndexOp>(loc, value);
}

/// scf.for over [0, count) carrying `inits`; `body` receives the induction
/// variable and the carried values and returns their next values.
inline llvm::SmallVector<mlir::Value> createCountedLoop(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value count, mlir::ValueRange inits,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location,
                                                      mlir::Value, mlir::ValueRange)>
        body) {
  auto loop = b.create<mlir::scf::ForOp>(
      loc, indexConstant(b, loc, 0), count, indexConstant(b, loc, 1), inits,
      [&](mlir::OpBuilder &nested, mlir::Location nestedLoc, mlir::Value iv,
          mlir::ValueRange args) {
        nested.create<mlir::scf::YieldOp>(nestedLoc, body(nested, nestedLoc, iv, args));
      });
  return llvm::SmallVector<mlir::Value>(loop.getResults());
}

inline llvm::SmallVector<mlir::Value> createCountedLoop(
    mlir::OpBuilder &b, mlir::Location loc, int64_t count, mlir::ValueRange inits,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location,
                                                      mlir::Value, mlir::ValueRange)>
        body) {
  return createCountedLoop(b, loc, indexConstant(b, loc, count), inits, body);
}

/// The row-major multi-index of `flat` in a tensor of static `shape`.
inline llvm::SmallVector<mlir::Value> delinearizeIndex(mlir::OpBuilder &b,
                                                       mlir::Location loc, mlir::Value flat,
                                                       llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<mlir::Value> indices(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    mlir::Value size = indexConstant(b, loc, shape[d]);
    indices[d] = d == 0 ? flat : b.create<mlir::arith::RemUIOp>(loc, flat, size).getResult();
    if (d > 0)
      flat = b.create<mlir::arith::DivUIOp>(loc, flat, size);
  }
  return indices;
}

/// An ONNX index (any integer type, negative counting from the back) as an
/// `index` into a dimension of `size`. Out-of-range values are undefined in
/// ONNX; they are clamped so that compiled code never leaves the tensor.
inline mlir::Value createClampedIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value raw,
                                      int64_t size, bool isUnsigned = false) {
  mlir::Value index =
      isUnsigned ? b.create<mlir::arith::IndexCastUIOp>(loc, b.getIndexType(), raw).getResult()
                 : b.create<mlir::arith::IndexCastOp>(loc, b.getIndexType(), raw).getResult();
  mlir::Value zero = indexConstant(b, loc, 0);
  mlir::Value negative =
      b.create<mlir::arith::CmpIOp>(loc, mlir::arith::CmpIPredicate::slt, index, zero);
  mlir::Value fromBack = b.create<mlir::arith::AddIOp>(loc, index, indexConstant(b, loc, size));
  index = b.create<mlir::arith::SelectOp>(loc, negative, fromBack, index);
  index = b.create<mlir::arith::MaxSIOp>(loc, index, zero);
  return b.create<mlir::arith::MinSIOp>(loc, index, indexConstant(b, loc, size - 1));
}

/// Combines an existing element with an update for a scatter `reduction`
/// ("add", "mul", "max", "min"; "none" returns the update).
inline mlir::Value combineScatter(mlir::OpBuilder &b, mlir::Location loc,
                                  llvm::StringRef reduction, mlir::Value current,
                                  mlir::Value update, bool isUnsigned) {
  bool isFloat = mlir::isa<mlir::FloatType>(current.getType());
  if (reduction == "add")
    return isFloat ? b.create<mlir::arith::AddFOp>(loc, current, update).getResult()
                   : b.create<mlir::arith::AddIOp>(loc, current, update).getResult();
  if (reduction == "mul")
    return isFloat ? b.create<mlir::arith::MulFOp>(loc, current, update).getResult()
                   : b.create<mlir::arith::MulIOp>(loc, current, update).getResult();
  if (reduction == "max") {
    if (isFloat)
      return b.create<mlir::arith::MaximumFOp>(loc, current, update);
    return isUnsigned ? b.create<mlir::arith::MaxUIOp>(loc, current, update).getResult()
                      : b.create<mlir::arith::MaxSIOp>(loc, current, update).getResult();
  }
  if (reduction == "min") {
    if (isFloat)
      return b.create<mlir::arith::MinimumFOp>(loc, current, update);
    return isUnsigned ? b.create<mlir::arith::MinUIOp>(loc, current, update).getResult()
                      : b.create<mlir::arith::MinSIOp>(loc, current, update).getResult();
  }
  return update;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_GRAPHTOLINALG_MISCPATTERNS_H
