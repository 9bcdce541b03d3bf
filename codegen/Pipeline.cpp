//===- Pipeline.cpp - kiln's compilation stages as pass pipelines ----------===//

#include "codegen/Pipeline.h"

#include "codegen/Passes.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "ir/KilnDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln::codegen {

const char *getStageName(Stage stage) {
  switch (stage) {
  case Stage::Graph:
    return "graph";
  case Stage::GraphOpt:
    return "graph-opt";
  case Stage::Linalg:
    return "linalg";
  case Stage::Tiled:
    return "tiled";
  case Stage::Buffers:
    return "buffers";
  case Stage::LLVMDialect:
    return "llvm-dialect";
  case Stage::LLVMIR:
    return "llvm";
  case Stage::Asm:
    return "asm";
  case Stage::Obj:
    return "obj";
  }
  return "unknown";
}

void addGraphOptPasses(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createCanonicalizerPass());
  // Each round of refinement can make more shape arithmetic foldable (a
  // slice of a shape becomes static only once the shape is); three rounds
  // cover the chains PyTorch exports.
  for (int round = 0; round < 3; ++round) {
    pm.addNestedPass<func::FuncOp>(createRefineShapes());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createCSEPass());
  if (options.optLevel > 0) {
    pm.addNestedPass<func::FuncOp>(createFoldBatchNorm());
    // One wide product instead of Q, K and V projections of one activation.
    pm.addNestedPass<func::FuncOp>(createFuseSiblingMatmuls());
    // Exports below opset 17 spell LayerNormalization out in primitive ops.
    pm.addNestedPass<func::FuncOp>(createRecognizeLayerNorm());
  }
}

void addLinalgPasses(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createLowerGraphToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// The options of a pass that tiles for the target's vector registers.
template <typename PassOptions>
static PassOptions withVectorShape(const PipelineOptions &options) {
  PassOptions result;
  result.vectorBits = options.vectorBits;
  result.vectorRegisters = options.vectorRegisters;
  return result;
}

void addTilingPasses(OpPassManager &pm, const PipelineOptions &options) {
  if (options.optLevel > 0) {
    // Chains of elementwise ops become one loop nest.
    pm.addNestedPass<func::FuncOp>(createConvertConvLayout());
    pm.addNestedPass<func::FuncOp>(createFuseElementwise());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    // Chunks pay for a vectorized product only: the scalar one is bound by
    // its arithmetic, and would copy each chunk's accumulator in and out.
    ConvertConvToGemmOptions gemm;
    if (options.vectorBits < 64)
      gemm.patchChunkKilobytes = 0;
    pm.addNestedPass<func::FuncOp>(createConvertConvToGemm(gemm));
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(
        createPackMatmulWeights(withVectorShape<PackMatmulWeightsOptions>(options)));
    pm.addNestedPass<func::FuncOp>(
        createFuseAttention(withVectorShape<FuseAttentionOptions>(options)));
    pm.addNestedPass<func::FuncOp>(
        createTileAndVectorize(withVectorShape<TileAndVectorizeOptions>(options)));
    // Before the elementwise vectorizer, which would take a normalization's
    // final kernel on its own.
    pm.addNestedPass<func::FuncOp>(
        createFuseRowReductions(withVectorShape<FuseRowReductionsOptions>(options)));
    pm.addNestedPass<func::FuncOp>(
        createVectorizeElementwise(withVectorShape<VectorizeElementwiseOptions>(options)));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
}

void addBufferizationPasses(OpPassManager &pm, const PipelineOptions &options) {
  bufferization::OneShotBufferizationOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  // kiln-loop-buffers-in-place turns these into in-place updates.
  bufferization.allowReturnAllocsFromLoops = true;
  bufferization.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  bufferization.unknownTypeConverterFn =
      [](Value value, Attribute memorySpace, const bufferization::BufferizationOptions &) {
        return bufferization::getMemRefTypeWithStaticIdentityLayout(
            cast<TensorType>(value.getType()), memorySpace);
      };
  // Outputs whose shape depends on the data get static buffers first.
  pm.addNestedPass<func::FuncOp>(createBoundDynamicResults());
  // After the last CSE: merged fills would make two pads share one buffer.
  if (options.optLevel > 0)
    pm.addNestedPass<func::FuncOp>(createPadInPlace());
  pm.addNestedPass<func::FuncOp>(createIsolateResults());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  // Loops (ONNX Loop, Scan) may pass fresh buffers between iterations; the
  // memory plan needs one buffer per loop-carried value.
  pm.addNestedPass<func::FuncOp>(createLoopBuffersInPlace());
  // Results become caller-provided out-params; results that are fresh
  // allocations are computed in place in the caller's buffer.
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.addResultAttribute = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Tiled kernels' outer loops become parallel loops for the thread pool.
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createPackWeights());
  pm.addNestedPass<func::FuncOp>(createExpandStridedCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createPlanMemory());
}

void addLLVMDialectPasses(OpPassManager &pm, const PipelineOptions &options) {
  LowerABIOptions abi;
  abi.entryName = options.entryName;
  abi.externalWeights = options.externalWeights;
  pm.addPass(createLowerABI(abi));
  if (options.profile) {
    // Before parallel dispatch moves kernel bodies out of the entry function.
    InstrumentKernelsOptions profiling;
    profiling.entryName = options.entryName;
    pm.addPass(createInstrumentKernels(profiling));
  }
  if (options.threads) {
    FormParallelDispatchOptions dispatch;
    dispatch.entryName = options.entryName;
    pm.addPass(createFormParallelDispatch(dispatch));
  }
  if (options.optLevel > 0)
    pm.addPass(createApproximateMath());
  pm.addPass(createLowerAllocaScopes());
  // Vector transfers of whole tiles unroll to 1-D loads and stores.
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll(true);
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(arith::createArithExpandOpsPass());
  // Math before vectors: what only the C library has (acos, sinh, ...) is
  // called per element of a vector, through vector extracts and inserts.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLowerParallelDispatch());
  CreateEntryPointOptions entry;
  entry.entryName = options.entryName;
  entry.symbolName = options.symbolName;
  entry.externalWeights = options.externalWeights;
  pm.addPass(createCreateEntryPoint(entry));
  pm.addPass(createCanonicalizerPass());
}

/// Adds one stage's passes, then kiln-propagate-locations, so that every op
/// of every stage names the ONNX nodes it came from.
static void addStage(OpPassManager &pm, void (*add)(OpPassManager &, const PipelineOptions &),
                     const PipelineOptions &options) {
  add(pm, options);
  pm.addPass(createPropagateLocations());
}

void addPipelineStages(OpPassManager &pm, Stage from, Stage to,
                       const PipelineOptions &options) {
  using Adder = void (*)(OpPassManager &, const PipelineOptions &);
  const std::pair<Stage, Adder> stages[] = {
      {Stage::GraphOpt, addGraphOptPasses},   {Stage::Linalg, addLinalgPasses},
      {Stage::Tiled, addTilingPasses},        {Stage::Buffers, addBufferizationPasses},
      {Stage::LLVMDialect, addLLVMDialectPasses},
  };
  for (auto [stage, add] : stages)
    if (stage > from && stage <= to)
      addStage(pm, add, options);
}

void registerCodegenDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect, vector::VectorDialect, lowlevel::KilnDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  // Tiling, subset hoisting and the bounds of tiled loops.
  linalg::registerTilingInterfaceExternalModels(registry);
  linalg::registerSubsetOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
}

namespace {
struct PipelineCLOptions : public PassPipelineOptions<PipelineCLOptions> {
  Option<std::string> entry{*this, "entry", llvm::cl::desc("Entry function"),
                            llvm::cl::init("main")};
  Option<std::string> name{*this, "name", llvm::cl::desc("NAME in NAME_run"),
                           llvm::cl::init("model")};
  Option<int> optLevel{*this, "opt-level", llvm::cl::desc("0..3"), llvm::cl::init(2)};
  Option<bool> externalWeights{*this, "external-weights",
                               llvm::cl::desc("Weights passed to NAME_run"),
                               llvm::cl::init(false)};
  Option<bool> profile{*this, "profile", llvm::cl::desc("Profiling calls around kernels"),
                       llvm::cl::init(false)};

  PipelineOptions get() const {
    PipelineOptions options;
    options.entryName = entry;
    options.symbolName = name;
    options.optLevel = optLevel;
    options.externalWeights = externalWeights;
    options.profile = profile;
    return options;
  }
};

template <void (*Add)(OpPassManager &, const PipelineOptions &)>
void registerStage(const char *argument, const char *description) {
  PassPipelineRegistration<PipelineCLOptions>(
      argument, description,
      [](OpPassManager &pm, const PipelineCLOptions &options) {
        addStage(pm, Add, options.get());
      });
}
} // namespace

void registerPipelines() {
  registerStage<addGraphOptPasses>("kiln-graph-opt-pipeline",
                                   "graph → graph-opt: graph-level simplification");
  registerStage<addLinalgPasses>("kiln-linalg-pipeline",
                                 "graph-opt → linalg: lowering to linalg on tensors");
  registerStage<addTilingPasses>("kiln-tiled-pipeline",
                                 "linalg → tiled: conv layout, fusion, conv to GEMM, weight "
                                 "packing, tiling and vectorization (256-bit, 16 registers)");
  registerStage<addBufferizationPasses>(
      "kiln-buffers-pipeline", "tiled → buffers: bufferization and the memory plan");
  registerStage<addLLVMDialectPasses>("kiln-llvm-dialect-pipeline",
                                      "buffers → llvm-dialect: the ABI and LLVM dialect");
}

} // namespace kiln::codegen
