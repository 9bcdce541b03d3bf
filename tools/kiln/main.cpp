//===- main.cpp - the kiln command-line tool ------------------------------===//
//
// kiln <subcommand> [options]. Each subcommand lives in its own file; this one
// dispatches, turns crashes into exit code 2, and holds shared options.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"

#include "compiler/Importer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace kiln {

cl::SubCommand importCommand("import", "Print an ONNX model as kiln's graph dialect");
cl::SubCommand inspectCommand("inspect", "Summarize an ONNX model and what kiln supports of it");
cl::SubCommand compileCommand("compile", "Compile an ONNX model (object + header, or an IR stage)");
cl::SubCommand runCommand("run", "Compile a model for this machine and run it");
cl::SubCommand targetsCommand("targets", "List the targets and CPUs kiln compiles for");

static cl::list<std::string> inputShapeOption(
    "input-shape", cl::desc("Fix an input's shape, e.g. --input-shape x=1x3x224x224"),
    cl::value_desc("NAME=DxDx..."), cl::sub(importCommand), cl::sub(inspectCommand),
    cl::sub(compileCommand), cl::sub(runCommand));

bool parseInputShapes(std::map<std::string, std::vector<int64_t>> &shapes) {
  for (const std::string &spec : inputShapeOption) {
    auto [name, dims] = llvm::StringRef(spec).rsplit('=');
    if (name.empty() || dims.empty() || !llvm::StringRef(spec).contains('=')) {
      reportUserError("--input-shape '" + spec + "' must look like NAME=1x3x224x224");
      return false;
    }
    std::vector<int64_t> shape;
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef part : parts) {
      int64_t d = 0;
      if (part.getAsInteger(10, d) || d < 0) {
        reportUserError("--input-shape '" + spec + "': '" + part +
                        "' is not a non-negative dimension");
        return false;
      }
      shape.push_back(d);
    }
    shapes[name.str()] = shape;
  }
  return true;
}

mlir::OwningOpRef<mlir::ModuleOp> loadAndImport(mlir::MLIRContext &context,
                                                const std::string &path,
                                                std::unique_ptr<LoadedModel> &model,
                                                const std::map<std::string, std::vector<int64_t>>
                                                    &defaultShapes) {
  LoadOptions options;
  if (!parseInputShapes(options.inputShapes))
    return nullptr;
  // Shapes the user spelled out win over those a caller derived.
  for (const auto &[name, shape] : defaultShapes)
    options.inputShapes.emplace(name, shape);
  auto loaded = loadModel(path, options);
  if (!loaded) {
    llvm::errs() << llvm::toString(loaded.takeError()) << "\n";
    return nullptr;
  }
  model = std::move(*loaded);
  auto module = importModel(context, *model);
  if (failed(module))
    return nullptr;
  return std::move(*module);
}

static int dispatch() {
  if (importCommand)
    return runImport();
  if (inspectCommand)
    return runInspect();
  if (compileCommand)
    return runCompile();
  if (runCommand)
    return runRun();
  if (targetsCommand)
    return runTargets();
  llvm::errs() << "usage: kiln <import|inspect|compile|run|targets> [options]\n"
                  "       kiln <subcommand> --help\n";
  return kExitUserError;
}

} // namespace kiln

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::install_fatal_error_handler([](void *, const char *reason, bool) {
    llvm::errs() << "kiln: internal error: " << reason << "\n";
    std::_Exit(kiln::kExitInternalError);
  });
  cl::ParseCommandLineOptions(argc, argv, "kiln: an ahead-of-time compiler for ONNX models\n");

  // A crash is kiln's bug, never the user's: report it as exit code 2.
  llvm::CrashRecoveryContext::Enable();
  llvm::CrashRecoveryContext crashRecovery;
  int exitCode = kiln::kExitInternalError;
  if (!crashRecovery.RunSafely([&] { exitCode = kiln::dispatch(); })) {
    llvm::errs() << "kiln: internal error: crashed (please report this with the model)\n";
    return kiln::kExitInternalError;
  }
  llvm::outs().flush();
  return exitCode;
}
