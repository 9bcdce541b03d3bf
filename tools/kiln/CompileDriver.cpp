//===- CompileDriver.cpp - model to object file, shared by compile and run --===//

#include "tools/kiln/CompileDriver.h"
#include "tools/kiln/Diagnostics.h"

#include "codegen/HeaderWriter.h"
#include "compiler/Importer.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/TargetParser/Host.h"

#include <fmt/format.h>

using namespace mlir;
using kiln::codegen::Stage;

namespace kiln {

std::unique_ptr<MLIRContext> makeCompilerContext() {
  DialectRegistry registry;
  codegen::registerCodegenDialects(registry);
  auto context = std::make_unique<MLIRContext>(registry);
  registerImportDialects(*context);
  // kiln reports the errors itself; the verifier's op dumps are noise.
  context->printOpOnDiagnostic(false);
  return context;
}

int printModuleTo(ModuleOp module, const std::string &path, bool printWeights,
                  bool printLocations) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return reportUserError("cannot write '" + path + "': " + error);
  OpPrintingFlags flags;
  if (!printWeights)
    flags.elideLargeResourceString(1024).elideLargeElementsAttrs(64);
  if (printLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(file->os(), flags);
  file->os() << "\n";
  file->keep();
  return kExitOk;
}

int applyTargetDescription(CompileRequest &request, codegen::TargetDescription *description) {
  auto resolved = codegen::resolveTarget(request.target);
  if (!resolved)
    return reportUserError(llvm::toString(resolved.takeError()));
  request.target = resolved->spec;
  request.pipeline.vectorBits = resolved->vectorBits;
  request.pipeline.vectorRegisters = resolved->vectorRegisters;
  // Bare metal has no threads: no parallel dispatch in the generated code.
  if (resolved->info && resolved->info->bareMetal)
    request.pipeline.threads = false;
  if (description)
    *description = std::move(*resolved);
  return kExitOk;
}

static std::string getExecutableDirectory() {
  static int anchor;
  std::string path = llvm::sys::fs::getMainExecutable("kiln", &anchor);
  return llvm::sys::path::parent_path(path).str();
}

std::string getRuntimeLibraryPath(llvm::StringRef triple) {
  llvm::SmallString<256> path(getExecutableDirectory());
  llvm::sys::path::append(path, "..", "lib");
  const codegen::TargetInfo *target = codegen::lookupTarget(triple);
  if (!triple.empty() && target &&
      target != codegen::lookupTarget(llvm::sys::getProcessTriple()))
    llvm::sys::path::append(path, target->name);
  llvm::sys::path::append(path, "libkiln_rt.a");
  return std::string(path);
}

std::string getRuntimeHeaderPath() {
  llvm::SmallString<256> path(getExecutableDirectory());
  llvm::sys::path::append(path, "..", "include", "kiln_rt.h");
  return std::string(path);
}

static int writeFile(const std::string &path, llvm::StringRef contents) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (error)
    return reportUserError("cannot write '" + path + "': " + error.message());
  os << contents;
  return kExitOk;
}

static int copyFile(const std::string &from, const std::string &to) {
  if (std::error_code error = llvm::sys::fs::copy_file(from, to))
    return reportUserError("cannot copy '" + from + "' to '" + to + "': " + error.message());
  return kExitOk;
}

namespace {

/// --print-ir-after-all / --print-ir-after=PASS / --print-ir-before=PASS,
/// optionally narrowed to one function so a big model's dump stays readable.
class IRPrinter : public PassInstrumentation {
public:
  IRPrinter(const CompileRequest &request, OpPrintingFlags flags)
      : request(request), flags(flags) {}

  void runBeforePass(Pass *pass, Operation *op) override {
    if (llvm::is_contained(request.printIRBefore, pass->getArgument().str()))
      print("Before", pass, op);
  }
  void runAfterPass(Pass *pass, Operation *op) override {
    if (request.printIRAfterAll ||
        llvm::is_contained(request.printIRAfter, pass->getArgument().str()))
      print("After", pass, op);
  }

private:
  void print(llvm::StringRef when, Pass *pass, Operation *op) {
    Operation *target = op;
    if (!request.irFilter.empty()) {
      auto symbol = op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
      if (symbol && symbol.getValue() != request.irFilter)
        return;
      if (!symbol) {
        target = op->hasTrait<OpTrait::SymbolTable>()
                     ? SymbolTable::lookupSymbolIn(op, request.irFilter)
                     : nullptr;
        if (!target)
          return;
      }
    }
    llvm::errs() << "// ----- IR " << when << " " << pass->getArgument() << " ("
                 << pass->getName() << ") ----- //\n";
    target->print(llvm::errs(), flags);
    llvm::errs() << "\n\n";
  }

  const CompileRequest &request;
  OpPrintingFlags flags;
};

OpPrintingFlags getPrintingFlags(const CompileRequest &request) {
  OpPrintingFlags flags;
  if (!request.printWeights)
    flags.elideLargeResourceString(1024).elideLargeElementsAttrs(64);
  if (request.printLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  return flags;
}

std::string getDumpPath(const CompileRequest &request, Stage stage, llvm::StringRef extension) {
  llvm::SmallString<256> path(request.dumpDirectory);
  llvm::sys::path::append(path, fmt::format("{:02}-{}{}", static_cast<int>(stage) + 1,
                                            codegen::getStageName(stage), extension.str()));
  return std::string(path);
}

bool isPrintingIR(const CompileRequest &request) {
  return request.printIRAfterAll || !request.printIRAfter.empty() ||
         !request.printIRBefore.empty();
}

} // namespace

/// Runs the stages after `from` up to `to`, one at a time so each can be
/// dumped.
static LogicalResult runStages(ModuleOp module, Stage from, Stage to,
                               const CompileRequest &request) {
  for (int next = static_cast<int>(from) + 1; next <= static_cast<int>(to); ++next) {
    Stage stage = static_cast<Stage>(next);
    PassManager pm(module->getContext());
    if (isPrintingIR(request)) {
      // Passes on functions run in parallel otherwise, and dumps interleave.
      module->getContext()->disableMultithreading();
      pm.addInstrumentation(std::make_unique<IRPrinter>(request, getPrintingFlags(request)));
    }
    codegen::addPipelineStages(pm, static_cast<Stage>(next - 1), stage, request.pipeline);
    if (failed(pm.run(module)))
      return failure();
    if (!request.dumpDirectory.empty() &&
        printModuleTo(module, getDumpPath(request, stage, ".mlir"), request.printWeights,
                      request.printLocations) != kExitOk)
      return failure();
  }
  return success();
}

static bool isMLIRStage(Stage stage) { return stage <= Stage::LLVMDialect; }

int compileModule(OwningOpRef<ModuleOp> &module, const CompileRequest &request,
                  CompileResult &result) {
  const codegen::PipelineOptions &options = request.pipeline;
  if (request.from > Stage::Buffers)
    return reportUserError(std::string("--from=") + codegen::getStageName(request.from) +
                           " is not supported: resume from graph, graph-opt, linalg, tiled or "
                           "buffers");
  if (request.emit < request.from)
    return reportUserError(std::string("--emit=") + codegen::getStageName(request.emit) +
                           " comes before --from=" + codegen::getStageName(request.from));
  if (!request.dumpDirectory.empty()) {
    if (std::error_code error = llvm::sys::fs::create_directories(request.dumpDirectory))
      return reportUserError("cannot create '" + request.dumpDirectory + "': " + error.message());
    if (int code = printModuleTo(*module, getDumpPath(request, Stage::Graph, ".mlir"),
                                 request.printWeights, request.printLocations))
      return code;
  }
  if (request.emit == request.from)
    return printModuleTo(*module, request.stagePath, request.printWeights,
                         request.printLocations);

  if (failed(runStages(*module, request.from, std::max(request.from, Stage::GraphOpt), request)))
    return kExitUserError;
  if (request.emit == Stage::GraphOpt)
    return printModuleTo(*module, request.stagePath, request.printWeights,
                         request.printLocations);

  auto func = module->lookupSymbol<func::FuncOp>(options.entryName);
  if (!func)
    return reportUserError("the model has no function '" + options.entryName + "'");
  auto signature = codegen::getEntrySignature(func);
  if (!signature)
    return reportUserError(request.sourceName + ": " + llvm::toString(signature.takeError()));
  result.signature = std::move(*signature);

  // Stop at (and print) an MLIR stage.
  Stage lastMLIRStage = isMLIRStage(request.emit) ? request.emit : Stage::LLVMDialect;
  if (failed(runStages(*module, std::max(request.from, Stage::GraphOpt),
                       std::min(lastMLIRStage, Stage::Buffers), request)))
    return kExitUserError;
  // Outputs whose shape depends on the data have their bounds only now.
  if (lastMLIRStage >= Stage::Buffers)
    if (llvm::Error error = codegen::applyDynamicOutputBounds(func, result.signature))
      return reportUserError(request.sourceName + ": " + llvm::toString(std::move(error)));
  if (auto size = func->getAttrOfType<IntegerAttr>("kiln.workspace_size"))
    result.workspaceSize = size.getInt();
  if (auto bound = func->getAttrOfType<IntegerAttr>("kiln.workspace_lower_bound"))
    result.workspaceLowerBound = bound.getInt();
  if (auto size = (*module)->getAttrOfType<IntegerAttr>("kiln.weights_size"))
    result.weightsSize = size.getInt();
  if (request.emit <= Stage::Buffers)
    return printModuleTo(*module, request.stagePath, request.printWeights,
                         request.printLocations);

  const std::string &name = options.symbolName;
  auto outputPath = [&](llvm::StringRef extension) {
    llvm::SmallString<256> path(request.outputDirectory);
    llvm::sys::path::append(path, name + extension.str());
    return std::string(path);
  };
  if (request.emit == Stage::Obj) {
    if (std::error_code error = llvm::sys::fs::create_directories(request.outputDirectory))
      return reportUserError("cannot create '" + request.outputDirectory +
                             "': " + error.message());
  }

  // External weights leave the module here, before the ABI lowering drops
  // the blob from it.
  if (options.externalWeights && request.emit == Stage::Obj) {
    result.weightsPath = outputPath(".weights");
    if (auto blob = module->lookupSymbol<memref::GlobalOp>("kiln_weights")) {
      auto resource = cast<DenseResourceElementsAttr>(*blob.getInitialValue());
      ArrayRef<char> data = resource.getRawHandle().getBlob()->getData();
      if (int code = writeFile(result.weightsPath, llvm::StringRef(data.data(), data.size())))
        return code;
    } else if (int code = writeFile(result.weightsPath, "")) {
      return code;
    }
  }

  if (failed(runStages(*module, Stage::Buffers, Stage::LLVMDialect, request)))
    return kExitUserError;
  result.profileKernels = codegen::readProfileKernels(*module);
  if (request.emit == Stage::LLVMDialect)
    return printModuleTo(*module, request.stagePath, request.printWeights,
                         request.printLocations);

  auto machine = codegen::createTargetMachine(request.target, options.optLevel);
  if (!machine)
    return reportUserError(llvm::toString(machine.takeError()));
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      codegen::translateAndOptimize(*module, llvmContext, **machine, options.optLevel);
  if (!llvmModule)
    return reportUserError(request.sourceName + ": " + llvm::toString(llvmModule.takeError()));
  // The MLIR module (and the weights it holds) is no longer needed.
  module = nullptr;

  if (!request.dumpDirectory.empty()) {
    std::string error;
    auto file = openOutputFile(getDumpPath(request, Stage::LLVMIR, ".ll"), &error);
    if (!file)
      return reportUserError("cannot write the LLVM IR dump: " + error);
    (*llvmModule)->print(file->os(), nullptr);
    file->keep();
    // Code generation changes the module it runs on: the assembly comes
    // from a copy.
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(**llvmModule);
    auto asmFile = openOutputFile(getDumpPath(request, Stage::Asm, ".s"), &error);
    if (!asmFile)
      return reportUserError("cannot write the assembly dump: " + error);
    if (llvm::Error emitError =
            codegen::emitMachineCode(*copy, **machine, asmFile->os(), /*assembly=*/true))
      return reportUserError(llvm::toString(std::move(emitError)));
    asmFile->keep();
  }

  if (request.emit == Stage::LLVMIR) {
    std::string error;
    auto file = openOutputFile(request.stagePath, &error);
    if (!file)
      return reportUserError("cannot write '" + request.stagePath + "': " + error);
    (*llvmModule)->print(file->os(), nullptr);
    file->keep();
    return kExitOk;
  }
  std::string path = request.emit == Stage::Asm ? request.stagePath : outputPath(".o");
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return reportUserError("cannot write '" + path + "': " + error);
  if (llvm::Error emitError = codegen::emitMachineCode(**llvmModule, **machine, file->os(),
                                                       request.emit == Stage::Asm))
    return reportUserError(llvm::toString(std::move(emitError)));
  file->keep();
  if (request.emit == Stage::Asm)
    return kExitOk;
  result.objectPath = path;

  codegen::HeaderInfo header;
  header.symbolName = name;
  header.sourceName = request.sourceName;
  header.workspaceSize = result.workspaceSize;
  header.externalWeights = options.externalWeights;
  const codegen::TargetInfo *targetInfo = codegen::lookupTarget(request.target.triple);
  header.bareMetal = targetInfo && targetInfo->bareMetal;
  header.weightsSize = result.weightsSize;
  header.profileKernels = result.profileKernels;
  result.headerPath = outputPath(".h");
  if (int code = writeFile(result.headerPath, codegen::writeHeader(result.signature, header)))
    return code;
  if (request.copyRuntime) {
    llvm::SmallString<256> library(request.outputDirectory);
    llvm::sys::path::append(library, "libkiln_rt.a");
    llvm::SmallString<256> runtimeHeader(request.outputDirectory);
    llvm::sys::path::append(runtimeHeader, "kiln_rt.h");
    std::string runtimeLibrary = getRuntimeLibraryPath(request.target.triple);
    if (!llvm::sys::fs::exists(runtimeLibrary))
      return reportUserError("kiln has no runtime for " + request.target.triple + " ('" +
                             runtimeLibrary +
                             "' is missing): install the cross sysroot "
                             "(scripts/install-deps.sh) and rebuild kiln");
    if (int code = copyFile(runtimeLibrary, std::string(library)))
      return code;
    if (int code = copyFile(getRuntimeHeaderPath(), std::string(runtimeHeader)))
      return code;
  }
  return kExitOk;
}

} // namespace kiln
