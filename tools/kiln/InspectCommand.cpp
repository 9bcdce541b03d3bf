//===- InspectCommand.cpp - kiln inspect ----------------------------------===//
//
// A summary of a model as ONNX sees it: interface, opsets, operator histogram,
// parameters, and which operators kiln cannot import yet.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"
#include "tools/kiln/InspectDrawings.h"

#include "compiler/Importer.h"
#include "compiler/ModelLoader.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>
#include <functional>
#include <map>

#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace kiln {

static cl::opt<std::string> inspectInput(cl::Positional, cl::desc("<model.onnx>"),
                                         cl::Required, cl::sub(inspectCommand));
static cl::opt<std::string> inspectGraph(
    "graph",
    cl::desc("Draw the graph after fusion (fused kernels as clusters, shapes on edges) to "
             "FILE: .svg or .png through Graphviz, or .dot"),
    cl::value_desc("FILE"), cl::sub(inspectCommand));
static cl::opt<std::string> inspectMemory(
    "memory",
    cl::desc("Draw the static memory plan (buffers as boxes over time and workspace offset) "
             "to FILE (.png, .svg or .dot) and print its size against the lower bound"),
    cl::value_desc("FILE"), cl::sub(inspectCommand));

static std::string dtypeName(int32_t type) {
  if (!onnx::TensorProto::DataType_IsValid(type))
    return "type" + std::to_string(type);
  std::string name = onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(type));
  for (char &c : name)
    c = static_cast<char>(std::tolower(c));
  if (name == "float")
    return "float32";
  if (name == "double")
    return "float64";
  return name;
}

static int64_t dtypeBytes(int32_t type) {
  switch (type) {
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64: return 8;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32: return 4;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16: return 2;
  default: return 1;
  }
}

static std::string describeValue(const onnx::ValueInfoProto &info) {
  const auto &type = info.type();
  if (!type.has_tensor_type())
    return "(not a tensor)";
  std::string text = dtypeName(type.tensor_type().elem_type());
  if (!type.tensor_type().has_shape())
    return text + " (unknown shape)";
  std::vector<std::string> dims;
  for (const auto &d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() ? std::to_string(d.dim_value())
                                     : (d.dim_param().empty() ? "?" : d.dim_param()));
  return text + " [" + fmt::format("{}", fmt::join(dims, ", ")) + "]";
}

static std::string humanBytes(int64_t bytes) {
  if (bytes >= (1 << 20))
    return fmt::format("{:.1f} MiB", double(bytes) / (1 << 20));
  if (bytes >= 1024)
    return fmt::format("{:.1f} KiB", double(bytes) / 1024);
  return fmt::format("{} B", bytes);
}

int runInspect() {
  LoadOptions options;
  if (!parseInputShapes(options.inputShapes))
    return kExitUserError;
  auto loaded = loadModel(inspectInput, options);
  if (!loaded) {
    llvm::errs() << llvm::toString(loaded.takeError()) << "\n";
    return kExitUserError;
  }
  const onnx::ModelProto &model = *(*loaded)->proto;
  const onnx::GraphProto &graph = model.graph();
  std::string out;
  auto line = [&](const std::string &s) { out += s + "\n"; };

  line(fmt::format("model:     {}", inspectInput.getValue()));
  line(fmt::format("graph:     {}", graph.name().empty() ? "(unnamed)" : graph.name()));
  line(fmt::format("producer:  {} {}", model.producer_name(), model.producer_version()));
  line(fmt::format("ir:        version {}", model.ir_version()));
  std::vector<std::string> opsets;
  for (const auto &opset : model.opset_import())
    opsets.push_back(fmt::format("{} {}", opset.domain().empty() ? "ai.onnx" : opset.domain(),
                                 opset.version()));
  line(fmt::format("opsets:    {}", fmt::join(opsets, ", ")));

  std::map<std::string, bool> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames[init.name()] = true;
  line("inputs:");
  for (const auto &input : graph.input())
    if (!initializerNames.count(input.name()))
      line(fmt::format("  {:<24} {}", input.name(), describeValue(input)));
  line("outputs:");
  for (const auto &output : graph.output())
    line(fmt::format("  {:<24} {}", output.name(), describeValue(output)));

  std::map<std::string, int> histogram;
  std::map<std::string, int> unsupported;
  int subgraphNodes = 0;
  // The bodies of If, Loop and Scan (GRAPH attributes) are imported too.
  std::function<void(const onnx::GraphProto &, bool)> countNodes =
      [&](const onnx::GraphProto &body, bool nested) {
        for (const auto &node : body.node()) {
          std::string key = node.domain().empty() || node.domain() == "ai.onnx"
                                ? node.op_type()
                                : node.domain() + "." + node.op_type();
          ++histogram[key];
          subgraphNodes += nested;
          if (!isOperatorSupported(node.domain(), node.op_type(), (*loaded)->opset))
            ++unsupported[key];
          for (const auto &attr : node.attribute()) {
            if (attr.has_g())
              countNodes(attr.g(), true);
            for (const auto &g : attr.graphs())
              countNodes(g, true);
          }
        }
      };
  countNodes(graph, false);
  line(fmt::format("nodes:     {} ({} operator types{})", graph.node_size() + subgraphNodes,
                   histogram.size(),
                   subgraphNodes ? fmt::format("; {} in subgraphs", subgraphNodes) : ""));
  std::vector<std::pair<std::string, int>> sorted(histogram.begin(), histogram.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto &a, const auto &b) { return a.second > b.second; });
  for (const auto &[op, count] : sorted)
    line(fmt::format("  {:<24} {}", op, count));

  int64_t parameters = 0, bytes = 0, external = 0;
  for (const auto &init : graph.initializer()) {
    int64_t count = 1;
    for (int64_t d : init.dims())
      count *= d;
    parameters += count;
    bytes += count * dtypeBytes(init.data_type());
    if (init.data_location() == onnx::TensorProto::EXTERNAL)
      ++external;
  }
  line(fmt::format("parameters: {} in {} initializers ({}{})", parameters,
                   graph.initializer_size(), humanBytes(bytes),
                   external ? fmt::format(", {} in external data", external) : ""));
  if (unsupported.empty()) {
    line("unsupported: none (kiln imports every operator in this model)");
  } else {
    std::vector<std::string> names;
    for (const auto &[op, count] : unsupported)
      names.push_back(fmt::format("{} (x{})", op, count));
    line(fmt::format("unsupported: {}", fmt::join(names, ", ")));
  }
  llvm::outs() << out;
  if (!inspectGraph.empty() || !inspectMemory.empty()) {
    // The drawings compile the model; the summary above needs none of that.
    loaded->reset();
    return drawModel(inspectInput, inspectGraph, inspectMemory);
  }
  return kExitOk;
}

} // namespace kiln
