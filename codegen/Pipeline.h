//===- Pipeline.h - kiln's compilation stages as pass pipelines -*- C++ -*-===//
//
// Each stage of the pipeline (graph-opt, linalg, tiled, buffers,
// llvm-dialect) is a library function that adds its passes to a pass
// manager, driven by an options struct (no globals). The same functions are
// registered as named pipelines so `kiln-opt` reproduces any stage.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_PIPELINE_H
#define KILN_CODEGEN_PIPELINE_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace kiln::codegen {

/// The stages, in pipeline order. `--emit=STAGE` stops after one.
enum class Stage { Graph, GraphOpt, Linalg, Tiled, Buffers, LLVMDialect, LLVMIR, Asm, Obj };

/// The stage's name as the CLI and dump files spell it.
const char *getStageName(Stage stage);

struct PipelineOptions {
  /// The model's function in the module.
  std::string entryName = "main";
  /// NAME in NAME_run and NAME.h.
  std::string symbolName = "model";
  /// 0..3 as -O0..-O3.
  int optLevel = 2;
  /// Weights are written to a file and passed to NAME_run.
  bool externalWeights = false;
  /// Large kernels run their outer loops on the runtime's thread pool.
  bool threads = true;
  /// Wrap each kernel in kiln_profile_begin/end calls (kiln compile --profile).
  bool profile = false;
  /// Width in bits of the target's widest f32 SIMD register (512 AVX-512,
  /// 256 AVX2, 128 NEON/SSE, 0 no SIMD). Register tiles and vector sizes are
  /// derived from it; the target description fills it in.
  unsigned vectorBits = 256;
  /// Number of architectural SIMD registers (32 AVX-512/NEON AArch64, 16
  /// AVX2/ARMv7), which bounds the register tile.
  unsigned vectorRegisters = 16;
};

void addGraphOptPasses(mlir::OpPassManager &pm, const PipelineOptions &options);
void addLinalgPasses(mlir::OpPassManager &pm, const PipelineOptions &options);
void addTilingPasses(mlir::OpPassManager &pm, const PipelineOptions &options);
void addBufferizationPasses(mlir::OpPassManager &pm, const PipelineOptions &options);
void addLLVMDialectPasses(mlir::OpPassManager &pm, const PipelineOptions &options);

/// Adds the passes that take a module from the stage after `from` up to and
/// including `to` (both among GraphOpt..LLVMDialect).
void addPipelineStages(mlir::OpPassManager &pm, Stage from, Stage to,
                       const PipelineOptions &options);

/// Registers the dialects code generation creates and the external
/// interface models (bufferization, ...) the pipeline relies on.
void registerCodegenDialects(mlir::DialectRegistry &registry);

/// Registers kiln-graph-opt-pipeline, kiln-linalg-pipeline, ... for kiln-opt.
void registerPipelines();

} // namespace kiln::codegen

#endif // KILN_CODEGEN_PIPELINE_H
