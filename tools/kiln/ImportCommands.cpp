//===- ImportCommands.cpp - kiln import and kiln compile ------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"

#include "compiler/Importer.h"
#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

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
    "o", cl::desc("Output directory for the object and header; with --emit=STAGE other than "
                  "obj, the file to print to (default: stdout)"),
    cl::value_desc("path"), cl::init("-"), cl::sub(compileCommand));
enum class Stage { Graph, GraphOpt, Obj };
static cl::opt<Stage> emitStage(
    "emit", cl::desc("What to produce"), cl::init(Stage::Obj),
    cl::values(clEnumValN(Stage::Graph, "graph", "the graph dialect right after import"),
               clEnumValN(Stage::GraphOpt, "graph-opt",
                          "the graph dialect after graph-level simplification"),
               clEnumValN(Stage::Obj, "obj", "an object file and a C header (default)")),
    cl::sub(compileCommand));

/// Writes `module` to `path` ("-" for stdout). Weights above 1 KiB are
/// elided unless asked for, so a dump of a real model stays readable.
static int printModule(ModuleOp module, const std::string &path) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return reportUserError("cannot write '" + path + "': " + error);
  OpPrintingFlags flags;
  if (!importPrintWeights)
    flags.elideLargeResourceString(1024).elideLargeElementsAttrs(64);
  if (printLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(file->os(), flags);
  file->os() << "\n";
  file->keep();
  return kExitOk;
}

static std::unique_ptr<MLIRContext> makeContext() {
  auto context = std::make_unique<MLIRContext>();
  registerImportDialects(*context);
  // kiln reports the errors itself; the verifier's op dumps are noise.
  context->printOpOnDiagnostic(false);
  return context;
}

int runImport() {
  auto context = makeContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module = loadAndImport(*context, importInput, model);
  if (!module)
    return kExitUserError;
  return printModule(*module, importOutput);
}

/// The graph-level pipeline kiln runs before lowering.
static void buildGraphOptPipeline(PassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createRefineShapes());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

int runCompile() {
  auto context = makeContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module = loadAndImport(*context, compileInput, model);
  if (!module)
    return kExitUserError;
  if (emitStage == Stage::Graph)
    return printModule(*module, compileOutput);

  PassManager pm(context.get());
  buildGraphOptPipeline(pm);
  if (failed(pm.run(*module)))
    return kExitUserError;
  if (emitStage == Stage::GraphOpt)
    return printModule(*module, compileOutput);

  return reportUserError("native code generation (--emit=obj) is not implemented yet; "
                         "use --emit=graph or --emit=graph-opt");
}

int runRun() {
  return reportUserError("'kiln run' needs native code generation, which is not "
                         "implemented yet");
}

} // namespace kiln
