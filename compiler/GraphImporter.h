//===- GraphImporter.h - state of one ONNX graph import ---------*- C++ -*-===//

#ifndef KILN_COMPILER_GRAPHIMPORTER_H
#define KILN_COMPILER_GRAPHIMPORTER_H

#include "compiler/Importer.h"
#include "compiler/TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/StringMap.h"

namespace onnx {
class GraphProto;
class NodeProto;
class TensorProto;
class TypeProto;
} // namespace onnx

namespace kiln {

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &context, LoadedModel &model, const ImportOptions &options);

  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>> run();

  mlir::OpBuilder &builder() { return bodyBuilder; }
  const std::string &modelPath() const;

  /// The value bound to an ONNX name, creating initializer constants on first
  /// use. Null if the name is unknown.
  mlir::Value lookup(llvm::StringRef name);
  mlir::LogicalResult bind(llvm::StringRef name, mlir::Value value, mlir::Location loc);
  /// The ranked type ONNX shape inference recorded for a value name, or null.
  mlir::RankedTensorType inferredType(llvm::StringRef name);

  /// Imports an If/Loop/Scan body into `region` as one block whose arguments
  /// are the subgraph's inputs and which ends in graph.yield of its outputs.
  /// `argTypes[i]`, when given, is input i's type from the outer op (used
  /// where the subgraph declares none, or a less static one). Outer values
  /// stay visible by name (ONNX lexical scoping); names the subgraph defines
  /// go out of scope afterwards.
  mlir::LogicalResult importSubgraph(const onnx::GraphProto &subgraph, mlir::Region &region,
                                     llvm::ArrayRef<mlir::Type> argTypes,
                                     mlir::Location loc);

  /// Converts a TensorProto at the given location (attributes, initializers).
  mlir::FailureOr<mlir::ElementsAttr> convertTensor(onnx::TensorProto &tensor,
                                                    mlir::Location loc);

private:
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  mlir::Location nodeLocation(const onnx::NodeProto &node, size_t index);

  mlir::MLIRContext &context;
  LoadedModel &model;
  const ImportOptions &options;
  onnx::GraphProto &graph;
  mlir::OpBuilder bodyBuilder;
  mlir::OpBuilder constantBuilder; ///< inserts at the top of the entry block
  TensorConverter tensors;
  llvm::StringMap<mlir::Value> values;
  /// Names bound inside each subgraph being imported, innermost last.
  llvm::SmallVector<llvm::SmallVector<std::string>> scopes;
  llvm::StringMap<onnx::TensorProto *> initializers;
  llvm::StringMap<const onnx::TypeProto *> valueTypes;
  mlir::Location fileLoc;
};

} // namespace kiln

#endif // KILN_COMPILER_GRAPHIMPORTER_H
