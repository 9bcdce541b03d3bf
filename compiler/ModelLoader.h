//===- ModelLoader.h - read and check an ONNX model file -------*- C++ -*-===//
//
// Reads a .onnx file with ONNX's protobuf classes, checks the parts kiln
// relies on, and runs ONNX shape inference so the importer sees every shape
// ONNX can derive. This layer has no MLIR in it: ONNX reports problems with
// C++ exceptions, which are caught here and turned into llvm::Error.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_MODELLOADER_H
#define KILN_COMPILER_MODELLOADER_H

#include "llvm/Support/Error.h"
#include <map>
#include <memory>
#include <vector>
#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace kiln {

/// The oldest and newest default-domain opsets kiln imports. Forms that
/// differ below opset 7 (opt-in legacy broadcasting, `is_test`, attributes
/// that became inputs) are normalized by the importer's handlers; above 17,
/// ONNX 1.12 (kiln's shape inference) does not know the operators.
constexpr int64_t kMinOpset = 1;
constexpr int64_t kMaxOpset = 17;

struct LoadedModel {
  LoadedModel();
  ~LoadedModel();
  std::string path;      ///< the file as the user named it
  std::string directory; ///< where external-data locations are resolved
  std::unique_ptr<onnx::ModelProto> proto;
  int64_t opset = 0;     ///< default-domain ("" / "ai.onnx") opset
};

struct LoadOptions {
  /// Run ONNX shape inference (with data propagation) after parsing.
  bool inferShapes = true;
  /// Shapes that replace the declared shapes of graph inputs (to specialize
  /// symbolic dimensions), applied before shape inference.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Parses and checks `path`. Errors name the file and the problem.
llvm::Expected<std::unique_ptr<LoadedModel>> loadModel(const std::string &path,
                                                       const LoadOptions &options = {});

/// Parses a model from memory (for tests and tools); `name` is used in errors.
llvm::Expected<std::unique_ptr<LoadedModel>>
loadModelFromBuffer(llvm::StringRef bytes, const std::string &name,
                    const std::string &directory, const LoadOptions &options = {});

} // namespace kiln

#endif // KILN_COMPILER_MODELLOADER_H
