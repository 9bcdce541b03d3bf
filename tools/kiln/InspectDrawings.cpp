//===- InspectDrawings.cpp - kiln inspect --graph and --memory ------------===//
//
// Both drawings are Graphviz graphs. The fused graph is the graph-opt stage
// (one box per ONNX node, edges labeled with tensor shapes) with the nodes
// that the tiled stage computes in one kernel drawn inside one cluster;
// which nodes those are is read from the kernels' locations. The memory
// plan is the buffers stage's arena: one box per buffer, placed by neato at
// fixed coordinates (time across, workspace offset up).
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/InspectDrawings.h"
#include "tools/kiln/Commands.h"
#include "tools/kiln/CompileDriver.h"
#include "tools/kiln/Diagnostics.h"

#include "codegen/BufferLiveness.h"
#include "codegen/KernelSources.h"
#include "ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

#include <map>

using namespace mlir;
using kiln::codegen::Stage;

namespace kiln {
namespace {

/// A string as a DOT quoted string.
std::string quote(llvm::StringRef text) {
  std::string result = "\"";
  for (char c : text) {
    if (c == '\n') {
      result += "\\n"; // a centered line break
      continue;
    }
    if (c == '"' || c == '\\')
      result += '\\';
    result += c;
  }
  return result + "\"";
}

std::string describeType(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return "";
  std::string text;
  for (int64_t d : shaped.getShape())
    text += (text.empty() ? "" : "x") + (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
  std::string element;
  llvm::raw_string_ostream os(element);
  shaped.getElementType().print(os);
  return (text.empty() ? std::string("scalar") : text) + " " + element;
}

/// Checks, before any compiling, that `path` names a format kiln can write
/// and a file it can create, and that Graphviz's `layout` program is there
/// when the format needs it. Returns the program (empty for .dot).
llvm::Expected<std::string> checkOutput(const std::string &path, llvm::StringRef layout) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  bool rendered = extension == ".svg" || extension == ".png";
  if (!rendered && extension != ".dot" && extension != ".gv")
    return llvm::createStringError(
        std::errc::invalid_argument,
        "'%s': the drawing's format comes from its extension: use .dot, .svg or .png",
        path.c_str());
  {
    std::error_code error;
    llvm::raw_fd_ostream os(path, error);
    if (error)
      return llvm::createStringError(error, "cannot write '%s': %s", path.c_str(),
                                     error.message().c_str());
  }
  if (!rendered)
    return std::string();
  auto program = llvm::sys::findProgramByName(layout);
  if (!program)
    return llvm::createStringError(
        program.getError(),
        "Graphviz's '%s' is not on PATH, so '%s' cannot be rendered (Debian: apt-get install "
        "graphviz); a .dot file needs no Graphviz",
        layout.str().c_str(), path.c_str());
  return *program;
}

/// Writes `dot` to `path` (.dot), or renders it with `program`, Graphviz's
/// `layout` program (.svg, .png); `checkOutput` has vetted both.
int writeGraphviz(const std::string &dot, const std::string &path, llvm::StringRef layout,
                  const std::string &program) {
  if (program.empty()) {
    std::error_code error;
    llvm::raw_fd_ostream os(path, error);
    if (error)
      return reportUserError("cannot write '" + path + "': " + error.message());
    os << dot;
    return kExitOk;
  }
  llvm::StringRef extension = llvm::sys::path::extension(path);
  llvm::SmallString<128> input;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("kiln-inspect", "dot", input))
    return reportUserError("cannot create a temporary file: " + error.message());
  auto removeInput = llvm::make_scope_exit([&] { llvm::sys::fs::remove(input); });
  {
    std::error_code error;
    llvm::raw_fd_ostream os(input, error);
    if (error)
      return reportUserError("cannot write '" + std::string(input) + "': " + error.message());
    os << dot;
  }
  std::string format = "-T" + extension.drop_front().str();
  llvm::SmallVector<llvm::StringRef> arguments{program, format, "-o", path, input};
  if (layout == "neato")
    arguments.insert(arguments.begin() + 1, "-n2"); // positions are given
  std::string message;
  int status = llvm::sys::ExecuteAndWait(program, arguments, std::nullopt, {}, 0, 0, &message);
  if (status != 0)
    return reportUserError(fmt::format("{} failed to render '{}'{}", layout.str(), path,
                                       message.empty() ? "" : ": " + message));
  return kExitOk;
}

//===----------------------------------------------------------------------===//
// The fused graph
//===----------------------------------------------------------------------===//

/// Which kernel of the tiled stage computes each node. Kernels are the
/// top-level linalg ops and loop nests, grouped as the profiler groups them.
/// Fusion may put a node into several kernels: a cheap elementwise producer
/// is recomputed in each consumer, and a BatchNormalization's per-channel
/// factors are a small kernel of their own. A node is drawn in the kernel
/// where it does the most work (the largest result), the first on a tie.
struct KernelAssignment {
  std::map<std::string, int> owner;
  std::map<std::string, int> kernelCount;
  std::map<int, int> ownedNodes;
  bool isComputed(const std::string &node) const { return owner.count(node); }
};

KernelAssignment assignKernels(func::FuncOp func) {
  auto isKernelOp = [](Operation *op) {
    return isa<linalg::LinalgOp>(op) || op->getNumRegions() > 0;
  };
  auto kernels = codegen::groupKernels(func.getBody().front(), isKernelOp);
  std::map<std::string, std::pair<int64_t, int>> best; // node -> (size, kernel)
  KernelAssignment assignment;
  for (auto [index, kernel] : llvm::enumerate(kernels)) {
    int64_t size = 0;
    SmallVector<codegen::SourceNode> nodes;
    for (Operation *op : kernel) {
      for (Type type : op->getResultTypes())
        if (auto shaped = dyn_cast<ShapedType>(type); shaped && shaped.hasStaticShape())
          size = std::max(size, shaped.getNumElements());
      for (codegen::SourceNode &node : codegen::getSourceNodes(op))
        if (!llvm::is_contained(nodes, node))
          nodes.push_back(std::move(node));
    }
    for (const codegen::SourceNode &node : nodes) {
      ++assignment.kernelCount[node.name];
      auto [it, inserted] = best.try_emplace(node.name, size, static_cast<int>(index));
      if (!inserted && size > it->second.first)
        it->second = {size, static_cast<int>(index)};
    }
  }
  for (const auto &[node, choice] : best) {
    assignment.owner[node] = choice.second;
    ++assignment.ownedNodes[choice.second];
  }
  return assignment;
}

std::string drawGraph(func::FuncOp graphOpt, const KernelAssignment &kernels,
                      llvm::StringRef title) {
  // Vertices: the function's arguments and results, and each non-constant op.
  DenseMap<Value, std::string> producer;
  std::map<int, std::vector<std::string>> clusterMembers; // kernel -> vertices
  std::string vertices, edges;
  for (BlockArgument arg : graphOpt.getArguments()) {
    std::string id = fmt::format("in{}", arg.getArgNumber());
    auto name = graphOpt.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name");
    vertices += fmt::format("  {} [shape=ellipse, style=filled, fillcolor=\"#e8f5e9\", "
                            "label={}];\n",
                            id, quote(name ? name.str() : "input"));
    producer[arg] = id;
  }
  int index = 0;
  for (Operation &op : graphOpt.getBody().front()) {
    if (matchPattern(&op, m_Constant()))
      continue;
    auto emitEdges = [&](const std::string &to) {
      llvm::SmallPtrSet<Value, 4> seen;
      for (Value operand : op.getOperands())
        if (producer.count(operand) && seen.insert(operand).second)
          edges += fmt::format("  {} -> {} [label={}];\n", producer[operand], to,
                               quote(describeType(operand.getType())));
    };
    if (op.hasTrait<OpTrait::ReturnLike>()) {
      for (auto [i, operand] : llvm::enumerate(op.getOperands())) {
        std::string id = fmt::format("out{}", i);
        auto name = graphOpt.getResultAttrOfType<StringAttr>(i, "graph.name");
        vertices += fmt::format("  {} [shape=ellipse, style=filled, fillcolor=\"#e8f5e9\", "
                                "label={}];\n",
                                id, quote(name ? name.str() : "output"));
        if (producer.count(operand))
          edges += fmt::format("  {} -> {} [label={}];\n", producer[operand], id,
                               quote(describeType(operand.getType())));
      }
      continue;
    }
    std::string id = fmt::format("n{}", index++);
    SmallVector<codegen::SourceNode> nodes = codegen::getSourceNodes(&op);
    std::string label, style = "filled";
    std::string color = "#fff3e0";
    if (nodes.empty()) {
      label = op.getName().getStringRef().str();
    } else {
      for (const codegen::SourceNode &node : nodes)
        label += (label.empty() ? "" : "\n") + node.opType + "\n" + node.name;
    }
    // A node in no kernel is only a view (a reshape, a flatten) by then.
    bool computed = !nodes.empty() && kernels.isComputed(nodes.front().name);
    if (!computed && !nodes.empty()) {
      style = "dashed";
      label += "\n(no kernel: a view)";
    }
    if (computed) {
      int count = kernels.kernelCount.at(nodes.front().name);
      if (count > 1) {
        label += fmt::format("\n(computed in {} kernels)", count);
        color = "#ffe0b2";
      }
      clusterMembers[kernels.owner.at(nodes.front().name)].push_back(id);
    }
    vertices += fmt::format("  {} [label={}, style={}, fillcolor={}];\n", id, quote(label),
                            quote(style), quote(color));
    for (Value result : op.getResults())
      producer[result] = id;
    emitEdges(id);
  }

  std::string dot = "digraph kiln {\n";
  dot += fmt::format("  label={};\n  labelloc=t;\n  fontname=\"Helvetica\";\n", quote(title));
  dot += "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
         "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#546e7a\"];\n";
  dot += vertices;
  int clusterIndex = 0;
  for (const auto &[kernel, members] : clusterMembers) {
    if (members.size() < 2)
      continue;
    dot += fmt::format("  subgraph cluster_{} {{\n    label=\"fused kernel\";\n    "
                       "style=\"rounded,filled\";\n    fillcolor=\"#e3f2fd\";\n    "
                       "color=\"#1e88e5\";\n    fontsize=9;\n",
                       clusterIndex++);
    for (const std::string &member : members)
      dot += "    " + member + ";\n";
    dot += "  }\n";
  }
  dot += edges + "}\n";
  return dot;
}

//===----------------------------------------------------------------------===//
// The memory plan
//===----------------------------------------------------------------------===//

struct DrawnBuffer {
  int64_t offset, size, first, last;
  std::string name;
};

std::string formatBytes(int64_t bytes) {
  if (bytes >= (1 << 20))
    return fmt::format("{:.1f} MiB", bytes / double(1 << 20));
  if (bytes >= 1024)
    return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string drawMemory(const std::vector<DrawnBuffer> &buffers, int64_t steps,
                       int64_t workspace, int64_t lowerBound, llvm::StringRef title) {
  // Plot area in points; neato -n2 takes positions as given.
  const double width = 960, height = 540, left = 90, bottom = 60;
  double xScale = width / std::max<int64_t>(1, steps);
  double yScale = height / std::max<int64_t>(1, workspace);
  static const char *palette[] = {"#90caf9", "#a5d6a7", "#ffcc80", "#ce93d8", "#80cbc4",
                                  "#ef9a9a", "#fff59d", "#b0bec5", "#f48fb1", "#c5e1a5"};
  std::string dot = "graph memory {\n";
  dot += fmt::format("  label={};\n  labelloc=t;\n  fontname=\"Helvetica\";\n  "
                     "bgcolor=white;\n  splines=line;\n",
                     quote(title));
  dot += "  node [shape=box, style=filled, fixedsize=true, fontname=\"Helvetica\", "
         "fontsize=8, penwidth=0.5, color=\"#37474f\"];\n";
  auto point = [&](const std::string &id, double x, double y) {
    dot += fmt::format("  {} [shape=point, width=0.01, label=\"\", pos=\"{:.1f},{:.1f}!\"];\n",
                       id, x, y);
  };
  auto text = [&](const std::string &id, double x, double y, const std::string &label,
                  int size = 9) {
    dot += fmt::format("  {} [shape=plaintext, style=\"\", fixedsize=false, fontsize={}, "
                       "label={}, pos=\"{:.1f},{:.1f}!\"];\n",
                       id, size, quote(label), x, y);
  };
  for (auto [i, buffer] : llvm::enumerate(buffers)) {
    double w = (buffer.last - buffer.first + 1) * xScale;
    double h = std::max(1.0, buffer.size * yScale);
    double x = left + buffer.first * xScale + w / 2;
    double y = bottom + buffer.offset * yScale + h / 2;
    std::string label = (w > 46 && h > 11) ? formatBytes(buffer.size) : "";
    std::string tooltip =
        fmt::format("{}: {} bytes at offset {}, steps {}..{}",
                    buffer.name.empty() ? "buffer" : buffer.name, buffer.size, buffer.offset,
                    buffer.first, buffer.last);
    dot += fmt::format("  b{} [pos=\"{:.1f},{:.1f}!\", width={:.3f}, height={:.3f}, "
                       "fillcolor=\"{}\", label={}, tooltip={}];\n",
                       i, x, y, w / 72, h / 72, palette[i % std::size(palette)], quote(label),
                       quote(tooltip));
  }
  // Axes, ticks and the lower bound.
  point("origin", left, bottom);
  point("xend", left + width, bottom);
  point("yend", left, bottom + height);
  dot += "  origin -- xend;\n  origin -- yend;\n";
  for (int tick = 0; tick <= 4; ++tick) {
    int64_t bytes = workspace * tick / 4;
    text(fmt::format("ytick{}", tick), left - 34, bottom + bytes * yScale, formatBytes(bytes));
  }
  int64_t stride = std::max<int64_t>(1, (steps + 9) / 10);
  for (int64_t step = 0; step < steps; step += stride)
    text(fmt::format("xtick{}", step), left + (step + 0.5) * xScale, bottom - 12,
         std::to_string(step));
  text("xtitle", left + width / 2, bottom - 34,
       "time: steps of the entry function (loop nests, copies) in execution order",
       10);
  text("ytitle", left - 34, bottom + height + 16, "workspace offset", 10);
  point("lb0", left, bottom + lowerBound * yScale);
  point("lb1", left + width, bottom + lowerBound * yScale);
  dot += "  lb0 -- lb1 [style=dashed, color=\"#c62828\"];\n";
  text("lblabel", left + width - 70, bottom + lowerBound * yScale + 9,
       "lower bound " + formatBytes(lowerBound));
  dot += "}\n";
  return dot;
}

/// The planned buffers of the buffers stage, with their lifetimes in
/// kernels (memory-touching top-level ops) rather than in ops.
std::vector<DrawnBuffer> getPlannedBuffers(func::FuncOp func, int64_t &steps) {
  Block &body = func.getBody().front();
  DenseMap<Operation *, int64_t> position;
  std::vector<int64_t> stepAt;
  steps = 0;
  for (auto [index, op] : llvm::enumerate(body)) {
    position[&op] = static_cast<int64_t>(index);
    stepAt.push_back(steps);
    if (codegen::touchesMemory(&op))
      ++steps;
  }
  std::vector<DrawnBuffer> buffers;
  for (Operation &op : body) {
    auto slot = dyn_cast<lowlevel::ArenaSlotOp>(op);
    if (!slot)
      continue;
    auto type = cast<MemRefType>(slot.getType());
    int64_t bytes =
        type.getNumElements() * std::max<int64_t>(1, (type.getElementTypeBitWidth() + 7) / 8);
    int64_t first = position[&op];
    int64_t last = std::max(first, codegen::getLastUse(slot.getResult(), body, position));
    DrawnBuffer buffer;
    buffer.offset = static_cast<int64_t>(slot.getOffset());
    buffer.size = llvm::alignTo(bytes, 64);
    buffer.first = stepAt[first];
    // The kernel that last uses the buffer: the op at `last` when that is a
    // kernel, otherwise the kernel before it.
    Operation *lastOp = &*std::next(body.begin(), last);
    buffer.last = std::max(buffer.first,
                           stepAt[last] - (codegen::touchesMemory(lastOp) ? 0 : 1));
    buffer.name = codegen::joinNodeNames(codegen::getSourceNodes(slot));
    buffers.push_back(buffer);
  }
  steps = std::max<int64_t>(steps, 1);
  return buffers;
}

} // namespace

int drawModel(const std::string &modelPath, const std::string &graphPath,
              const std::string &memoryPath) {
  std::string graphProgram, memoryProgram;
  for (auto [path, layout, program] :
       {std::tuple(&graphPath, "dot", &graphProgram), {&memoryPath, "neato", &memoryProgram}}) {
    if (path->empty())
      continue;
    auto found = checkOutput(*path, layout);
    if (!found)
      return reportUserError(llvm::toString(found.takeError()));
    *program = *found;
  }
  auto context = makeCompilerContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module = loadAndImport(*context, modelPath, model);
  if (!module)
    return kExitUserError;
  CompileRequest request;
  if (int code = applyTargetDescription(request))
    return code;
  std::string modelName = llvm::sys::path::filename(modelPath).str();
  auto runTo = [&](Stage from, Stage to) {
    PassManager pm(context.get());
    codegen::addPipelineStages(pm, from, to, request.pipeline);
    return pm.run(*module);
  };
  auto getEntry = [&] {
    return module->lookupSymbol<func::FuncOp>(request.pipeline.entryName);
  };

  if (failed(runTo(Stage::Graph, Stage::GraphOpt)))
    return kExitUserError;
  if (!getEntry())
    return reportUserError("the model has no function '" + request.pipeline.entryName + "'");
  // The graph is drawn as graph-opt has it; the clusters come from the tiled
  // stage of a copy.
  OwningOpRef<ModuleOp> graphOpt = module->clone();
  if (failed(runTo(Stage::GraphOpt, Stage::Tiled)))
    return kExitUserError;
  if (!graphPath.empty()) {
    KernelAssignment kernels = assignKernels(getEntry());
    auto graphFunc = graphOpt->lookupSymbol<func::FuncOp>(request.pipeline.entryName);
    size_t nodes = kernels.owner.size(), clusters = 0;
    for (auto [kernel, owned] : kernels.ownedNodes)
      clusters += owned > 1;
    std::string title =
        fmt::format("{} after fusion: {} computed nodes, {} fused kernel{} of several nodes",
                    modelName, nodes, clusters, clusters == 1 ? "" : "s");
    if (int code =
            writeGraphviz(drawGraph(graphFunc, kernels, title), graphPath, "dot", graphProgram))
      return code;
    llvm::outs() << fmt::format("kiln: wrote {} ({})\n", graphPath, title);
  }
  graphOpt = nullptr;
  if (memoryPath.empty())
    return kExitOk;

  if (failed(runTo(Stage::Tiled, Stage::Buffers)))
    return kExitUserError;
  func::FuncOp func = getEntry();
  int64_t steps = 0;
  std::vector<DrawnBuffer> buffers = getPlannedBuffers(func, steps);
  auto sizeAttr = func->getAttrOfType<IntegerAttr>("kiln.workspace_size");
  auto boundAttr = func->getAttrOfType<IntegerAttr>("kiln.workspace_lower_bound");
  int64_t workspace = sizeAttr ? sizeAttr.getInt() : 0;
  int64_t lowerBound = boundAttr ? boundAttr.getInt() : 0;
  double ratio = lowerBound > 0 ? double(workspace) / lowerBound : 1.0;
  std::string summary =
      fmt::format("workspace {} bytes, lower bound {} bytes (ratio {:.3f}), {} buffers", workspace,
                  lowerBound, ratio, buffers.size());
  std::string title = fmt::format("{} memory plan: {}", modelName, summary);
  if (int code = writeGraphviz(drawMemory(buffers, steps, workspace, lowerBound, title),
                               memoryPath, "neato", memoryProgram))
    return code;
  llvm::outs() << fmt::format("kiln: wrote {}\n{}\n", memoryPath, summary);
  return kExitOk;
}

} // namespace kiln
