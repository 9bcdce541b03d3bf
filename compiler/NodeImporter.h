//===- NodeImporter.h - what an op handler sees of its ONNX node -*- C++ -*-===//
//
// The importer is table-driven: each (op type, opset range) has a handler that
// receives a NodeImporter. The NodeImporter gives typed access to the node's
// inputs and attributes (with errors that name the node, op and attribute),
// builds ops at the node's location, and binds the node's outputs.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_NODEIMPORTER_H
#define KILN_COMPILER_NODEIMPORTER_H

#include "ir/GraphOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace onnx {
class GraphProto;
class NodeProto;
class AttributeProto;
class TensorProto;
} // namespace onnx

namespace kiln {

class GraphImporter;
class NodeImporter;

using OpImportFn = mlir::LogicalResult (*)(NodeImporter &);

/// One row of the importer table: `handler` imports `opType` for default-domain
/// opsets in [minOpset, maxOpset].
struct OpImporterEntry {
  const char *opType;
  int64_t minOpset;
  int64_t maxOpset;
  OpImportFn handler;
};

/// The per-family tables, defined next to their handlers.
llvm::ArrayRef<OpImporterEntry> elementwiseImporters();
llvm::ArrayRef<OpImporterEntry> nnImporters();
llvm::ArrayRef<OpImporterEntry> tensorImporters();
/// Forms of opsets 1..6 that differ from the current ones (LegacyImporters.cpp).
llvm::ArrayRef<OpImporterEntry> legacyImporters();
/// HannWindow, HammingWindow, BlackmanWindow (SignalImporters.cpp).
llvm::ArrayRef<OpImporterEntry> signalImporters();
llvm::ArrayRef<OpImporterEntry> miscImporters();
/// GridSample, RoiAlign (SamplingImporters.cpp).
llvm::ArrayRef<OpImporterEntry> samplingImporters();
llvm::ArrayRef<OpImporterEntry> quantImporters();
llvm::ArrayRef<OpImporterEntry> compositeImporters();
llvm::ArrayRef<OpImporterEntry> recurrentImporters();
/// NonZero, Compress, Unique, NonMaxSuppression (DynamicImporters.cpp).
llvm::ArrayRef<OpImporterEntry> dynamicImporters();
/// If, Loop, Scan (ControlFlowImporters.cpp).
llvm::ArrayRef<OpImporterEntry> controlFlowImporters();

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, int64_t opset,
               mlir::Location loc);

  mlir::OpBuilder &builder();
  mlir::MLIRContext *context() { return builder().getContext(); }
  mlir::Location loc() const { return location; }
  int64_t opset() const { return opsetVersion; }
  const onnx::NodeProto &proto() const { return node; }
  llvm::StringRef opType() const;

  /// Diagnostics at the node; the caller returns failure() after it.
  mlir::InFlightDiagnostic emitError();

  //===-- Inputs -----------------------------------------------------------===//
  /// Number of inputs listed, counting empty (omitted optional) ones.
  size_t numInputs() const;
  /// Whether input `i` is listed and not empty.
  bool hasInput(size_t i) const;
  /// Input `i`, or a null Value when it is absent.
  mlir::Value input(size_t i);
  /// Input `i`, diagnosing when it is absent.
  mlir::FailureOr<mlir::Value> requiredInput(size_t i, llvm::StringRef what);
  mlir::RankedTensorType inputType(size_t i);

  //===-- Attributes -------------------------------------------------------===//
  bool hasAttr(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> getInt(llvm::StringRef name, std::optional<int64_t> fallback);
  mlir::FailureOr<float> getFloat(llvm::StringRef name, std::optional<float> fallback);
  mlir::FailureOr<std::string> getString(llvm::StringRef name,
                                         std::optional<std::string> fallback);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getInts(llvm::StringRef name, std::optional<llvm::SmallVector<int64_t>> fallback);
  mlir::FailureOr<llvm::SmallVector<float>>
  getFloats(llvm::StringRef name, std::optional<llvm::SmallVector<float>> fallback);
  mlir::FailureOr<mlir::ElementsAttr> getTensor(llvm::StringRef name);
  /// A GRAPH attribute (a subgraph of If, Loop, Scan).
  mlir::FailureOr<const onnx::GraphProto *> getGraph(llvm::StringRef name);
  /// Imports `subgraph` into `region` (see GraphImporter::importSubgraph).
  mlir::LogicalResult importSubgraph(const onnx::GraphProto &subgraph, mlir::Region &region,
                                     llvm::ArrayRef<mlir::Type> argTypes);
  /// Rejects a node whose attribute has a value kiln does not implement.
  mlir::LogicalResult unsupportedAttrValue(llvm::StringRef name, llvm::StringRef value);

  //===-- Outputs ----------------------------------------------------------===//
  size_t numOutputs() const;
  /// Whether output `i` is listed with a name (an optional output in use).
  bool outputUsed(size_t i) const;
  /// The type ONNX shape inference gives output `i`, if it is a ranked tensor.
  mlir::RankedTensorType inferredOutputType(size_t i);
  /// Binds the node's outputs to `values` (in order), refining result types
  /// with ONNX's shape inference where that is more precise.
  mlir::LogicalResult setResults(mlir::ValueRange values);
  mlir::LogicalResult setResult(mlir::Value value) { return setResults(value); }
  /// Binds the single result of `op`; a null op (its build failed and was
  /// diagnosed) is a failure.
  template <typename OpTy,
            typename = std::enable_if_t<std::is_base_of_v<mlir::OpState, OpTy>>>
  mlir::LogicalResult setResult(OpTy op) {
    if (!op)
      return mlir::failure();
    return setResults(op->getResults());
  }

  //===-- Building ---------------------------------------------------------===//
  /// Builds an op at the node's location. For ops that infer their result
  /// types, inference failure (e.g. shapes that do not broadcast) is a
  /// diagnostic at the node and a null op, never an abort; callers check.
  template <typename OpTy, typename... Args>
  OpTy create(Args &&...args) {
    if constexpr (OpTy::template hasTrait<graph::OpTrait::RefinableResultTypes>()) {
      mlir::OperationState state(location, OpTy::getOperationName());
      mlir::Type placeholder = mlir::NoneType::get(context());
      OpTy::build(builder(), state, mlir::TypeRange(placeholder),
                  std::forward<Args>(args)...);
      state.types.clear();
      llvm::SmallVector<mlir::Type, 1> types;
      if (mlir::failed(OpTy::inferReturnTypes(
              context(), location, state.operands,
              state.attributes.getDictionary(context()), state.getRawProperties(),
              state.regions, types)))
        return OpTy();
      state.addTypes(types);
      return mlir::cast<OpTy>(builder().create(state));
    } else {
      return builder().create<OpTy>(location, std::forward<Args>(args)...);
    }
  }
  /// A 1-D i64 constant.
  mlir::Value constI64(llvm::ArrayRef<int64_t> values);
  /// A rank-0 constant of `elementType` holding `value`.
  mlir::Value constScalar(mlir::Type elementType, double value);

private:
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  mlir::LogicalResult attrTypeError(const onnx::AttributeProto &attr, llvm::StringRef expected);

  GraphImporter &graph;
  const onnx::NodeProto &node;
  int64_t opsetVersion;
  mlir::Location location;
};

} // namespace kiln

#endif // KILN_COMPILER_NODEIMPORTER_H
