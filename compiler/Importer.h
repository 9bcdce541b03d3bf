//===- Importer.h - ONNX model to graph dialect -----------------*- C++ -*-===//

#ifndef KILN_COMPILER_IMPORTER_H
#define KILN_COMPILER_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

namespace kiln {

struct LoadedModel;

struct ImportOptions {
  /// Constants above this many bytes become `dense_resource` blobs that refer
  /// to the model's memory instead of inline `dense` attributes.
  int64_t inlineConstantLimit = 1024;
  /// Name of the generated entry function.
  std::string functionName = "main";
};

/// Imports `model` into a new module holding one `func.func` whose arguments
/// and results are the graph's inputs and outputs. Problems are reported
/// through the context's diagnostic handler at the ONNX node's location; the
/// result is failure() after the first one. The module keeps references to
/// `model`'s weight memory, so `model` must outlive it.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext &context, LoadedModel &model, const ImportOptions &options = {});

/// Whether kiln imports `opType` of `domain` at `opset`.
bool isOperatorSupported(llvm::StringRef domain, llvm::StringRef opType, int64_t opset);

/// Registers every dialect an imported module uses.
void registerImportDialects(mlir::MLIRContext &context);

} // namespace kiln

#endif // KILN_COMPILER_IMPORTER_H
