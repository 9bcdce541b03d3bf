//===- OpHelpers.h - shared verifier and inference code for op families -*- C++ -*-===//
//
// Families of graph ops (broadcasting binaries, reductions, pooling) share
// their result-type inference and verification; the ODS base classes call
// these from each op's generated methods.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPHELPERS_H
#define KILN_IR_OPHELPERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace kiln::graph::detail {

using mlir::LogicalResult;

/// The attributes every sliding-window op (conv, pooling) carries.
struct WindowParams {
  llvm::ArrayRef<int64_t> kernelShape;
  llvm::ArrayRef<int64_t> strides;
  llvm::ArrayRef<int64_t> dilations;
  llvm::ArrayRef<int64_t> pads;
  llvm::StringRef autoPad;
  bool ceilMode = false;
};

LogicalResult inferBroadcastBinary(std::optional<mlir::Location> loc, mlir::Value lhs,
                                   mlir::Value rhs, bool boolResult,
                                   llvm::SmallVectorImpl<mlir::Type> &types);
LogicalResult verifyBroadcastBinary(mlir::Operation *op, bool sameElementTypes);

LogicalResult inferReduction(std::optional<mlir::Location> loc, mlir::Value data,
                             mlir::Value axes, bool keepdims, bool noopWithEmptyAxes,
                             llvm::SmallVectorImpl<mlir::Type> &types);
LogicalResult verifyReduction(mlir::Operation *op, mlir::Value data, mlir::Value axes);
LogicalResult inferArgReduction(std::optional<mlir::Location> loc, mlir::Value data,
                                int64_t axis, bool keepdims,
                                llvm::SmallVectorImpl<mlir::Type> &types);

/// Spatial output sizes of a window op over `input` (N x C x spatial...).
/// Dimension 1 of the result is left to the caller.
LogicalResult inferWindowShape(std::optional<mlir::Location> loc,
                               mlir::RankedTensorType input, const WindowParams &window,
                               llvm::SmallVectorImpl<int64_t> &shape);
LogicalResult inferPooling(std::optional<mlir::Location> loc, mlir::Value input,
                           const WindowParams &window,
                           llvm::SmallVectorImpl<mlir::Type> &types);
LogicalResult inferGlobalPooling(mlir::Value input, llvm::SmallVectorImpl<mlir::Type> &types);
LogicalResult verifyWindow(mlir::Operation *op, int64_t inputRank,
                           const WindowParams &window);

/// Checks that a non-negative `axis` is below `rank`.
LogicalResult verifyAxis(mlir::Operation *op, int64_t axis, int64_t rank);

/// Diagnoses through `loc` when present; always returns failure.
LogicalResult inferError(std::optional<mlir::Location> loc, const llvm::Twine &message);

} // namespace kiln::graph::detail

#endif // KILN_IR_OPHELPERS_H
