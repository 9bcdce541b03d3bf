//===- ImportCommands.cpp - kiln import and kiln compile ------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"

#include "compiler/Importer.h"
#include "passes/Passes.h"
#include "tools/kiln/CompileDriver.h"
#include "tools/kiln/CrossBuild.h"

#include "codegen/EntrySignature.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fmt/format.h>

namespace cl = llvm::cl;
using namespace mlir;

namespace kiln {

static cl::opt<std::string> importInput(cl::Positional, cl::desc("<model.onnx>"),
                                        cl::Required, cl::sub(importCommand));
static cl::opt<std::string> importOutput("o", cl::desc("Write the IR here (default: stdout)"),
                                         cl::value_desc("file"), cl::init("-"),
                                         cl::sub(importCommand));
static cl::opt<bool> importPrintWeights(
    "print-weights", cl::desc("Print large weights in full instead of eliding them"),
    cl::sub(importCommand), cl::sub(compileCommand));
static cl::opt<bool> printLocations("print-locations",
                                    cl::desc("Print op locations (the ONNX node names)"),
                                    cl::sub(importCommand), cl::sub(compileCommand));

static cl::opt<std::string> compileInput(cl::Positional, cl::desc("<model.onnx>"),
                                         cl::Required, cl::sub(compileCommand));
static cl::opt<std::string> compileOutput(
    "o",
    cl::desc("Output directory for the object and header (default: .); with --emit=STAGE "
             "other than obj, the file to print to (default: stdout)"),
    cl::value_desc("path"), cl::sub(compileCommand));
/// --emit=runner is not a pipeline stage: the pipeline runs to an object,
/// then kiln links NAME-run for the target around it.
static constexpr codegen::Stage kEmitRunner =
    static_cast<codegen::Stage>(static_cast<int>(codegen::Stage::Obj) + 1);
static cl::opt<codegen::Stage> emitStage(
    "emit", cl::desc("What to produce"), cl::init(codegen::Stage::Obj),
    cl::values(
        clEnumValN(codegen::Stage::Graph, "graph", "the graph dialect right after import"),
        clEnumValN(codegen::Stage::GraphOpt, "graph-opt",
                   "the graph dialect after graph-level simplification"),
        clEnumValN(codegen::Stage::Linalg, "linalg", "linalg/tensor ops on tensors"),
        clEnumValN(codegen::Stage::Tiled, "tiled", "after elementwise fusion (tiling and vectorization will go here)"),
        clEnumValN(codegen::Stage::Buffers, "buffers",
                   "after bufferization and the static memory plan"),
        clEnumValN(codegen::Stage::LLVMDialect, "llvm-dialect", "the LLVM dialect"),
        clEnumValN(codegen::Stage::LLVMIR, "llvm", "LLVM IR, optimized"),
        clEnumValN(codegen::Stage::Asm, "asm", "target assembly"),
        clEnumValN(codegen::Stage::Obj, "obj", "an object file and a C header (default)"),
        clEnumValN(kEmitRunner, "runner",
                   "the object and header, and NAME-run: a static executable for the target "
                   "that runs the model on .npy files (--bench N times it)")),
    cl::sub(compileCommand));
static cl::opt<std::string> compileName(
    "name", cl::desc("NAME of NAME.o, NAME.h and NAME_run (default: the model file's stem)"),
    cl::sub(compileCommand));
static cl::opt<unsigned> compileOptLevel("O", cl::desc("Optimization level 0..3 (default 2)"),
                                         cl::Prefix, cl::init(2), cl::sub(compileCommand));
static cl::opt<std::string> compileWeights(
    "weights",
    cl::desc("Write the weights to OUT/NAME.weights instead of the object; 'file' is the only "
             "value (NAME_run then takes the weights)"),
    cl::value_desc("file"), cl::sub(compileCommand));
static cl::opt<std::string> compileTriple("target",
                                          cl::desc("Target triple (default: this machine)"),
                                          cl::sub(compileCommand));
static cl::opt<std::string> compileCpu("cpu", cl::desc("Target CPU (default: this machine's)"),
                                       cl::sub(compileCommand));
static cl::opt<codegen::Stage> compileFrom(
    "from", cl::desc("The input is a .mlir dump at this stage: continue the pipeline from it"),
    cl::init(codegen::Stage::Graph),
    cl::values(clEnumValN(codegen::Stage::Graph, "graph", "after import"),
               clEnumValN(codegen::Stage::GraphOpt, "graph-opt", "after graph passes"),
               clEnumValN(codegen::Stage::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(codegen::Stage::Tiled, "tiled", "after fusion"),
               clEnumValN(codegen::Stage::Buffers, "buffers", "bufferized, memory planned")),
    cl::sub(compileCommand));
static cl::opt<std::string> compileDumpIR(
    "dump-ir", cl::desc("Write every stage to DIR/NN-STAGE.mlir (and .ll, .s) in pipeline order"),
    cl::value_desc("DIR"), cl::sub(compileCommand));
static cl::opt<bool> compilePrintIRAfterAll("print-ir-after-all",
                                            cl::desc("Print the IR after every pass (stderr)"),
                                            cl::sub(compileCommand));
static cl::list<std::string> compilePrintIRAfter(
    "print-ir-after", cl::desc("Print the IR after the pass with this argument (repeatable)"),
    cl::value_desc("PASS"), cl::sub(compileCommand));
static cl::list<std::string> compilePrintIRBefore(
    "print-ir-before", cl::desc("Print the IR before the pass with this argument (repeatable)"),
    cl::value_desc("PASS"), cl::sub(compileCommand));
static cl::opt<std::string> compileIRFilter(
    "ir-filter", cl::desc("Print only the function with this name in --print-ir-* output"),
    cl::value_desc("NAME"), cl::sub(compileCommand));
static cl::opt<std::string> compileFeatures(
    "features", cl::desc("Target features, e.g. +avx2,-avx512f"), cl::sub(compileCommand));

static cl::opt<bool> compileProfile(
    "profile",
    cl::desc("Time each kernel through kiln_profile_begin/end (see kiln_rt.h); off by default, "
             "so plain builds have no profiling code"),
    cl::sub(compileCommand));

static int printModule(ModuleOp module, const std::string &path) {
  return printModuleTo(module, path, importPrintWeights, printLocations);
}

static std::unique_ptr<MLIRContext> makeContext() { return makeCompilerContext(); }

int runImport() {
  auto context = makeContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module = loadAndImport(*context, importInput, model);
  if (!module)
    return kExitUserError;
  return printModule(*module, importOutput);
}

std::string getDefaultModelName(llvm::StringRef modelPath) {
  return codegen::sanitizeIdentifier(llvm::sys::path::stem(modelPath));
}

int runCompile() {
  if (compileOptLevel > 3)
    return reportUserError("-O" + std::to_string(compileOptLevel) + " is not a level (use -O0..-O3)");
  if (!compileWeights.empty() && compileWeights != "file")
    return reportUserError("--weights takes 'file' (write OUT/NAME.weights), not '" +
                           compileWeights + "'");
  // The target is checked before the model is loaded: a typo in --cpu
  // fails at once, not after a long import.
  CompileRequest request;
  request.target.triple = compileTriple;
  request.target.cpu = compileCpu;
  request.target.features = compileFeatures;
  codegen::TargetDescription target;
  if (int code = applyTargetDescription(request, &target))
    return code;

  auto context = makeContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module;
  bool fromDump = compileFrom.getNumOccurrences() > 0 ||
                  llvm::StringRef(compileInput).ends_with(".mlir");
  if (fromDump) {
    // A dump written by --dump-ir or --emit (with --print-weights, so the
    // weights are in it).
    module = parseSourceFile<ModuleOp>(compileInput.getValue(), context.get());
  } else {
    module = loadAndImport(*context, compileInput, model);
  }
  if (!module)
    return kExitUserError;

  request.from = compileFrom;
  request.sourceName = llvm::sys::path::filename(compileInput).str();
  bool emitRunner = emitStage == kEmitRunner;
  request.emit = emitRunner ? codegen::Stage::Obj : emitStage.getValue();
  if (emitRunner && !compileWeights.empty())
    return reportUserError("--emit=runner needs the weights in the object (drop --weights)");
  request.outputDirectory = compileOutput.empty() ? "." : compileOutput.getValue();
  request.stagePath = compileOutput.empty() ? "-" : compileOutput.getValue();
  request.pipeline.symbolName =
      compileName.empty() ? getDefaultModelName(compileInput) : compileName.getValue();
  if (codegen::sanitizeIdentifier(request.pipeline.symbolName) != request.pipeline.symbolName)
    return reportUserError("--name '" + request.pipeline.symbolName +
                           "' is not a C identifier");
  request.pipeline.optLevel = static_cast<int>(compileOptLevel);
  request.pipeline.externalWeights = !compileWeights.empty();
  request.printWeights = importPrintWeights;
  request.printLocations = printLocations;
  request.dumpDirectory = compileDumpIR;
  request.printIRAfterAll = compilePrintIRAfterAll;
  request.printIRAfter.assign(compilePrintIRAfter.begin(), compilePrintIRAfter.end());
  request.printIRBefore.assign(compilePrintIRBefore.begin(), compilePrintIRBefore.end());
  request.irFilter = compileIRFilter;
  request.pipeline.profile = compileProfile;

  CompileResult result;
  if (int code = compileModule(module, request, result))
    return code;
  if (request.emit != codegen::Stage::Obj)
    return kExitOk;
  auto codeSize = getCodeSize(result.objectPath);
  if (!codeSize)
    return reportUserError(result.objectPath + ": " + llvm::toString(codeSize.takeError()));
  llvm::outs() << fmt::format(
      "kiln: wrote {} and {}{}{} for {} ({})\n"
      "  code      {:>12} bytes\n"
      "  weights   {:>12} bytes{}\n"
      "  workspace {:>12} bytes (lower bound {})\n"
      "  link: {}\n",
      result.objectPath, result.headerPath, result.weightsPath.empty() ? "" : " and ",
      result.weightsPath, target.info ? target.info->name : request.target.triple,
      request.target.cpu, *codeSize, result.weightsSize,
      result.weightsPath.empty() ? " (in the object)" : "", result.workspaceSize,
      result.workspaceLowerBound,
      getLinkLine(target, result.objectPath, request.outputDirectory));
  if (compileProfile)
    llvm::outs() << fmt::format("  profiling: {} kernels ({}_PROFILE_KERNEL_*_TABLE in {})\n",
                                result.profileKernels.size(),
                                llvm::StringRef(request.pipeline.symbolName).upper(),
                                result.headerPath);
  if (emitRunner) {
    std::string runnerPath;
    if (int code = buildRunner(target, result.signature, request.pipeline.symbolName,
                               result.objectPath, request.outputDirectory, runnerPath))
      return code;
  }
  return kExitOk;
}


} // namespace kiln
