//===- CompileDriver.h - model to object file, shared by compile and run -*- C++ -*-===//

#ifndef KILN_TOOLS_KILN_COMPILEDRIVER_H
#define KILN_TOOLS_KILN_COMPILEDRIVER_H

#include "codegen/EntrySignature.h"
#include "codegen/KernelSources.h"
#include "codegen/ObjectEmitter.h"
#include "codegen/Pipeline.h"
#include "codegen/Targets.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace kiln {

struct CompileRequest {
  std::string sourceName;        // the model file, for messages and the header
  std::string outputDirectory;   // for Stage::Obj
  std::string stagePath = "-";   // where --emit=STAGE (not obj) prints
  codegen::Stage emit = codegen::Stage::Obj;
  /// The stage the module is already at (--from=STAGE on a dump).
  codegen::Stage from = codegen::Stage::Graph;
  codegen::PipelineOptions pipeline;
  codegen::TargetSpec target;
  bool printWeights = false;
  bool printLocations = false;
  /// Copy libkiln_rt.a and kiln_rt.h next to the object.
  bool copyRuntime = true;
  /// Write every stage to DIR/NN-STAGE.mlir (.ll, .s) as the pipeline runs.
  std::string dumpDirectory;
  /// Print the IR to stderr around passes: all of them, or those named by
  /// their argument (kiln-plan-memory, canonicalize...); only the function
  /// named `irFilter` when given.
  bool printIRAfterAll = false;
  std::vector<std::string> printIRAfter;
  std::vector<std::string> printIRBefore;
  std::string irFilter;
};

struct CompileResult {
  std::string objectPath;
  std::string headerPath;
  std::string weightsPath;
  codegen::EntrySignature signature;
  int64_t workspaceSize = 0;
  int64_t workspaceLowerBound = 0;
  int64_t weightsSize = 0;
  int64_t codeSize = 0;
  /// With request.pipeline.profile: the kernels the profiling calls number.
  std::vector<codegen::ProfileKernel> profileKernels;
};

/// Runs the pipeline on an imported module up to `request.emit`, printing that
/// stage, or writing the object, header (and weights) for Stage::Obj. The
/// module is consumed (released early to keep peak memory low). Errors are
/// reported; returns an ExitCode.
int compileModule(mlir::OwningOpRef<mlir::ModuleOp> &module, const CompileRequest &request,
                  CompileResult &result);

/// Resolves `request.target` (--target/--cpu/--features; empty: the host)
/// through the target table, replaces it with the final triple, CPU and
/// features, and sets the pipeline's vector width and register count from
/// it. Reports errors (unknown target, CPU or feature) and returns an
/// ExitCode.
int applyTargetDescription(CompileRequest &request,
                           codegen::TargetDescription *description = nullptr);

/// A context with every dialect and interface import and code generation use.
std::unique_ptr<mlir::MLIRContext> makeCompilerContext();

/// Writes `module` to `path` ("-" for stdout), eliding large weights unless asked.
int printModuleTo(mlir::ModuleOp module, const std::string &path, bool printWeights,
                  bool printLocations);

/// libkiln_rt.a for `triple` (empty: the host): bin/../lib/libkiln_rt.a for
/// the host, bin/../lib/<target>/libkiln_rt.a for a cross target; and
/// kiln_rt.h (bin/../include), the same for every target.
std::string getRuntimeLibraryPath(llvm::StringRef triple = "");
std::string getRuntimeHeaderPath();

} // namespace kiln

#endif // KILN_TOOLS_KILN_COMPILEDRIVER_H
