//===- ShapeInference.h - shape rules shared by ops and lowering -*- C++ -*-===//
//
// Each ONNX shape rule is written once here. Op verifiers and result-type
// inference call these, and so do the lowerings that need the same arithmetic
// (output sizes of windows, broadcasting, reshape targets).
// Dimensions use mlir::ShapedType::kDynamic for "unknown".
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_SHAPEINFERENCE_H
#define KILN_IR_SHAPEINFERENCE_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace kiln::graph {

using Shape = llvm::SmallVector<int64_t, 6>;

/// Numpy broadcasting of two shapes; std::nullopt when they are incompatible.
std::optional<Shape> broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                                     llvm::ArrayRef<int64_t> rhs);

/// Output length of one spatial dimension of a sliding window (conv/pool).
/// Returns kDynamic for a dynamic input, and a value < 1 when the window does
/// not fit (callers report that).
int64_t windowOutputSize(int64_t inputSize, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode);

/// Explicit pads for ONNX auto_pad "SAME_UPPER"/"SAME_LOWER"/"VALID" given
/// static spatial sizes; std::nullopt if a size is dynamic. Pads are laid out
/// as all begins then all ends.
std::optional<Shape> resolveAutoPad(llvm::StringRef autoPad,
                                    llvm::ArrayRef<int64_t> spatialSizes,
                                    llvm::ArrayRef<int64_t> kernel,
                                    llvm::ArrayRef<int64_t> strides,
                                    llvm::ArrayRef<int64_t> dilations);

/// The integer contents of a value produced by a constant op (any integer
/// element type), or std::nullopt if it is not a constant.
std::optional<llvm::SmallVector<int64_t>> getConstantIntValues(mlir::Value value);

/// The floating-point contents of a constant value, or std::nullopt.
std::optional<llvm::SmallVector<double>> getConstantFloatValues(mlir::Value value);

/// ONNX Reshape's target shape for `input` given the requested `target`
/// (0 copies a dimension unless allowZero, -1 is inferred). Returns
/// std::nullopt when the request is malformed (e.g. two -1 entries or an
/// element-count mismatch between static shapes); `error` then says why.
std::optional<Shape> inferReshape(llvm::ArrayRef<int64_t> input,
                                  llvm::ArrayRef<int64_t> target, bool allowZero,
                                  std::string *error = nullptr);

/// Normalizes an axis in [-rank, rank) to [0, rank); std::nullopt if out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Result length of slicing a dimension of `size` with ONNX Slice semantics
/// (clamping, negative indices and steps). kDynamic if size is dynamic.
int64_t slicedLength(int64_t size, int64_t start, int64_t end, int64_t step);

} // namespace kiln::graph

#endif // KILN_IR_SHAPEINFERENCE_H
