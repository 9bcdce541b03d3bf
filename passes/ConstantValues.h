//===- ConstantValues.h - f32 weights read and built by graph passes -*- C++ -*-===//
//
// Graph passes that compute new weights at compile time (BatchNormalization
// folding, concatenating sibling MatMul weights) read graph.constant values
// as floats and create new constants the same way the importer stores a
// model's initializers.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CONSTANTVALUES_H
#define KILN_PASSES_CONSTANTVALUES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace kiln {

/// The f32 values of a statically shaped graph.constant, when the compiler
/// holds them (a dump printed without its weights has none).
std::optional<llvm::SmallVector<float>> readF32Constant(mlir::Value value);

/// A new f32 graph.constant of `type` holding `values`: inline when small, a
/// resource blob named `blobName` (like the model's weights) otherwise.
mlir::Value createF32Constant(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::RankedTensorType type, llvm::ArrayRef<float> values,
                              llvm::StringRef blobName);

} // namespace kiln

#endif // KILN_PASSES_CONSTANTVALUES_H
