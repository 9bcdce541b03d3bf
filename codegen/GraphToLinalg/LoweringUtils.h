//===- LoweringUtils.h - helpers shared by graph-to-linalg patterns -*- C++ -*-===//
//
// The graph-to-linalg patterns are split by op family (one file each); this
// header holds what they share: the population entry points, static-shape
// checks that report at the ONNX node, and builders for the linalg idioms
// every family uses (empty/filled tensors, broadcasting maps, scalar
// constants).
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_GRAPHTOLINALG_LOWERINGUTILS_H
#define KILN_CODEGEN_GRAPHTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace kiln::codegen {

/// Element types kiln computes in: unsigned integers become signless (their
/// meaning is kept by the ops that care, which read the original type).
class GraphTypeConverter : public mlir::TypeConverter {
public:
  GraphTypeConverter();
};

void populateElementwiseLoweringPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
void populateNNLoweringPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);
void populateTensorLoweringPatterns(const mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns);
void populateReductionLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateRecurrentLoweringPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
void populateMiscLoweringPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
/// GridSample and RoiAlign (SamplingLowering.cpp).
void populateSamplingLoweringPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
/// NonZero, Compress, Unique (DataDependentLowering.cpp) and
/// NonMaxSuppression (NonMaxSuppressionLowering.cpp).
void populateDataDependentLoweringPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);
void populateNonMaxSuppressionPattern(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
/// Elementwise ops, Transpose and Gather on leading slices of static buffers (the
/// results of data-dependent ops) computed at the bound (SliceSinking.cpp).
void populateSliceSinkingPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

/// If, Loop and Scan to scf (ControlFlowLowering.cpp).
void populateControlFlowLoweringPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);

/// The converted (signless) ranked tensor type of `type`.
mlir::RankedTensorType convertTensorType(const mlir::TypeConverter &converter,
                                         mlir::Type type);

/// Whether an original (unconverted) element type is an unsigned integer.
bool isUnsignedInteger(mlir::Type elementType);

/// Fails the match, with an error at the op's location, unless every operand
/// and result of `op` is a tensor with a static shape (code generation is
/// static-shape only; `kiln compile --input-shape` specializes a model).
mlir::LogicalResult requireStaticShapes(mlir::Operation *op,
                                        mlir::ConversionPatternRewriter &rewriter);

/// The integer contents of a constant operand (e.g. Slice starts, Pad pads,
/// reduction axes). When it is not a constant, reports an error at `op`
/// naming `what` and returns std::nullopt.
std::optional<llvm::SmallVector<int64_t>>
requireConstantInts(mlir::Operation *op, mlir::Value value, llvm::StringRef what);

/// Same, for floating-point contents.
std::optional<llvm::SmallVector<double>>
requireConstantFloats(mlir::Operation *op, mlir::Value value, llvm::StringRef what);

/// `tensor.empty` of a static type.
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type);

/// A tensor of `type` filled with `value` (linalg.fill over tensor.empty).
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type, mlir::Value value);

/// A scalar constant of `type` (float, integer or index) holding `value`.
/// Integers take the truncated value; i1 is `value != 0`.
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// The smallest / largest finite-or-infinite value of a scalar type, used as
/// the identity of max / min reductions (-inf / +inf for floats).
mlir::Value createLowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                              bool isUnsigned);
mlir::Value createHighestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                               bool isUnsigned);

/// The indexing map that reads an operand of `operandShape` inside a loop
/// nest over `resultRank` dimensions under numpy broadcasting: trailing
/// alignment, and size-1 dimensions that broadcast read index 0.
mlir::AffineMap getBroadcastIndexingMap(llvm::ArrayRef<int64_t> operandShape,
                                        int64_t resultRank,
                                        llvm::ArrayRef<int64_t> resultShape,
                                        mlir::MLIRContext *context);

/// A parallel `linalg.generic` producing `resultType` (a fresh tensor) from
/// `inputs` read through `inputMaps` (none for ops that only look at loop
/// indices); `body` receives the input scalars and returns the element.
mlir::Value createParallelGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> inputMaps,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>
        body);

/// `linalg.generic` computing `resultType` elementwise from `inputs` (each
/// broadcast to the result shape) with the scalar function `body`, which
/// receives the input scalars and returns the result scalar.
mlir::Value createElementwiseGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange inputs,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>
        body);

/// Converts a scalar between numeric types with ONNX Cast semantics
/// (float<->int truncates toward zero, int widening honours signedness,
/// to-bool is `!= 0`).
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                       mlir::Type targetType, bool sourceUnsigned, bool targetUnsigned);

/// Reassociation indices that collapse `from` into `to` (or expand `to` into
/// `from`) when one is a grouping of the other's dimensions; std::nullopt
/// otherwise.
std::optional<llvm::SmallVector<mlir::ReassociationIndices>>
getReassociationForReshape(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Reshapes a static tensor to `resultType` (same element count), using
/// collapse/expand_shape when possible and tensor.reshape otherwise.
mlir::Value createStaticReshape(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value input, mlir::RankedTensorType resultType);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_GRAPHTOLINALG_LOWERINGUTILS_H
