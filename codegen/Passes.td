//===- Passes.td - kiln code generation passes ------------------*- tablegen -*-===//
//
// Passes that take the graph dialect down to machine code: conversion to
// upstream linalg/tensor, the static memory plan, and the entry-point ABI.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerGraphToLinalg : Pass<"kiln-lower-graph-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lowers graph dialect ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every graph op becomes upstream MLIR on tensors: named linalg ops where one
    exists (matmul, batch_matmul, convolutions, pooling, transpose, fill),
    `linalg.generic` for elementwise families (with numpy broadcasting spelled
    out as indexing maps) and reductions, and tensor ops for data movement
    (reshapes, slices, pads, concatenation). Unsigned integer tensors become
    signless ones; ops whose meaning depends on signedness pick the unsigned
    arith op from the original type.

    Code generation works on static shapes: a graph op whose operands or
    results are not fully static, or whose shape operands (Slice starts, Pad
    pads, reduction axes...) are not constants after folding, is reported at
    its ONNX node. An op with no lowering fails the pass with a diagnostic
    naming the node.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::affine::AffineDialect"
  ];
}

def ConvertConvLayout : Pass<"kiln-convert-conv-layout", "mlir::func::FuncOp"> {
  let summary = "Rewrites 2-D convolutions and pooling to channels-last (NHWC)";
  let description = [{
    Each f32 `linalg.conv_2d_nchw_fchw`, `depthwise_conv_2d_nchw_chw` and
    `pooling_nchw_max/sum` becomes its NHWC form between two transposes
    written as `linalg.generic`, so that elementwise fusion merges them with
    the surrounding elementwise ops: between two convolutions the
    activations then stay channels-last. Constant filters are permuted at
    compile time (FCHW to HWCF, CHW to HWC); a zero `tensor.pad` of the input
    moves after the transpose.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def FuseElementwise : Pass<"kiln-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuses chains of elementwise linalg ops without recomputation, in the kernels' layout";
  let description = [{
    Upstream elementwise fusion merges a producer `linalg.generic` into its
    consumer whenever the producer has one use. When the consumer reads the
    producer's result through a projected map (a matmul reading a GELU
    output, a broadcast), the fused body recomputes the producer once per
    reuse: an `erf` per multiply-add. This pass fuses only where every
    producer element is read once by the consumer (a permutation map), or
    where the producer is cheap (no transcendental math) and the consumer
    is itself elementwise. A cheap producer with several users is fused into
    each of them only when all of them are elementwise (so it is never
    materialized) and it reads a single full-size input: a residual sum that
    also feeds a convolution is written once and read by the next residual
    addition, not recomputed from both its inputs.

    First, an elementwise result with a transposing user that feeds a
    layout-sensitive kernel (the NCHW-to-NHWC copy before a channels-last
    convolution) and otherwise elementwise users is computed directly in
    the transposed layout; the other users read it back through a permuted
    map. A ResNet's residual chain is then computed once, channels-last.
    Reshapes are folded into generics by expansion, and linalg ops on
    constants are folded.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def ConvertConvToGemm : Pass<"kiln-convert-conv-to-gemm", "mlir::func::FuncOp"> {
  let summary = "Turns channels-last convolutions with constant filters into matrix products";
  let description = [{
    A `linalg.conv_2d_nhwc_hwcf` is a matrix product of the input patches
    (one row of KH*KW*C values per output pixel) with the filter viewed as
    (KH*KW*C) x F. Pointwise (1x1, stride 1) convolutions need no patches:
    the NHWC input already is that matrix. Others get an explicit patch
    matrix (a copy, "im2col") when it stays under `max-patch-kilobytes`;
    larger ones keep the direct convolution, whose reads hit the caches
    without the copy. A patch matrix over `patch-chunk-kilobytes` (sized for
    the L2 cache) is built and multiplied a chunk of output rows at a time,
    in an `scf.for` marked `kiln.row_chunks`: each chunk's patches are read
    back by the product while still in the cache, and one chunk-sized
    buffer serves all of them. The products then take the packed-weights GEMM path
    (kiln-pack-matmul-weights, kiln-tile-and-vectorize), which reads each
    filter panel contiguously.
  }];
  let options = [
    Option<"maxPatchKilobytes", "max-patch-kilobytes", "unsigned", /*default=*/"16384",
           "Largest patch matrix to materialize, in KiB">,
    Option<"patchChunkKilobytes", "patch-chunk-kilobytes", "unsigned", /*default=*/"512",
           "Patch matrices larger than this are built and multiplied in chunks of "
           "output rows of at most this size, in KiB (0: never)">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::scf::SCFDialect"
  ];
}

def PackMatmulWeights : Pass<"kiln-pack-matmul-weights", "mlir::func::FuncOp"> {
  let summary = "Packs constant right-hand sides of matrix products into column panels";
  let description = [{
    A register-tiled matrix product walks the right-hand side one panel of
    `nr` columns (the register tile's width) at a time, all K rows of it per
    tile. Row-major, consecutive rows of a panel are N floats apart: every
    step touches a new cache line and, for large N, a new page. When the
    right-hand side is a constant (the weights of MatMul, Gemm and Linear
    layers), this pass stores it as panels `[N/nr][K][nr]`, contiguous in the
    order the kernel reads them, at compile time, and rewrites the product
    (`linalg.matmul` and `linalg.matmul_transpose_b`) as a contraction
    generic over (m, panel, column, k) writing the output viewed as
    `[M][N/nr][nr]`. `nr` is the register tile kiln-tile-and-vectorize will
    choose for the same target, so each tile reads one panel.

    ```mlir
    %c = linalg.matmul ins(%a, %w : tensor<32x128xf32>, tensor<128x384xf32>) ...
    // becomes, with %packed = the weights as tensor<12x128x32xf32>:
    %init3 = tensor.expand_shape %init [[0], [1, 2]] : tensor<32x384xf32> into tensor<32x12x32xf32>
    %c3 = linalg.generic {...} ins(%a, %packed) outs(%init3)   // m, panel, column, k
    %c = tensor.collapse_shape %c3 [[0], [1, 2]]
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width in bits of the target's f32 vector registers">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect"
  ];
}

def PadInPlace : Pass<"kiln-pad-in-place", "mlir::func::FuncOp"> {
  let summary = "Writes the interior of padded tensors in place";
  let description = [{
    A `tensor.pad` bufferizes to a new buffer, a fill of all of it and a
    copy of the whole source. This pass states it as fills of the border
    only (one slab per padded side) and a `tensor.insert_slice` of the
    source into the interior, and makes the op producing the source (an
    elementwise or transposing generic, or a tiled kernel's parallel loop
    whose output starts empty) write straight into that interior:
    the copy and the interior's fill disappear. Every padded convolution and
    pooling input saves two passes over its activations. Runs at the start
    of the buffers stage, after the last CSE (which would merge the fills
    of equal-shaped pads into one shared buffer).
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect", "mlir::scf::SCFDialect"
  ];
}

def ApproximateMath : Pass<"kiln-approximate-math", "mlir::ModuleOp"> {
  let summary = "Expands f32 exp, log, tanh and erf into polynomial approximations";
  let description = [{
    LLVM lowers `math.exp`, `math.erf` and friends on scalars to calls of
    the C library, one element at a time, which no loop vectorizer can
    widen: Softmax, GELU, Sigmoid, Tanh and the LSTM/GRU gates then run at a
    few hundred million elements per second. This pass rewrites the f32
    forms of exp, expm1, log, log1p, log2, tanh and erf into MLIR's
    polynomial approximations (range reduction plus a minimax polynomial,
    a few ulp), which are plain arithmetic that vectorizes. Trigonometric
    functions keep their library calls. Runs at -O1 and above.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

def TileAndVectorize : Pass<"kiln-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Register-tiles and vectorizes matrix products";
  let description = [{
    Every f32 contraction with static shapes (linalg.matmul, batch_matmul,
    matmul_transpose_b and contraction generics) whose output rows are
    contiguous becomes an `scf.forall` over register tiles of the output, an
    `scf.for` over the reduction, and per reduction step one outer product
    of a column of the left operand (broadcast row values) with a row of the
    right operand (vectors), accumulated in registers. The tile is chosen
    from the target's vector width and register count: its columns are one
    to four vectors and divide N, its rows divide M. The forall becomes a
    parallel loop that runs on the runtime's thread pool.

    Epilogues are fused into the tiles: the accumulator's start value (a
    zero fill, a broadcast bias) is computed in registers, and an
    elementwise consumer of the kernel (an activation such as ReLU, Clip or
    SiLU, a residual addition) is applied to the accumulator before the
    tile's one write, into the consumer's output. A consumer that reads
    the product through reshapes (a convolution lowered to a GEMM) is first
    restated in the product's shape. When the consumer's result is padded
    for the next convolution, the product's tiles (row runs that divide the
    image width) are written straight into the channels-last image, at
    (pixel / W, pixel % W, panel * columns), so that kiln-pad-in-place can
    place the whole loop in the padded buffer's interior: the activation
    costs no pass over memory and the padding no copy.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width in bits of the target's f32 vector registers">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect",
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect"
  ];
}

def VectorizeElementwise : Pass<"kiln-vectorize-elementwise", "mlir::func::FuncOp"> {
  let summary = "Tiles elementwise kernels into row segments and vectorizes them";
  let description = [{
    Elementwise kernels left after the matrix products and convolutions
    took theirs (activations before a padding, residual additions,
    broadcasts, the patch copies of a convolution) become an `scf.forall`
    over segments of their innermost dimension, each a vector operation of
    up to four registers: a row of 32 channels is two AVX-512 loads, the
    operation and two stores. Left to LLVM as scalar loops over buffers
    that all live in one workspace, they were vectorized along the wrong
    loop (gathers and scatters) behind run-time overlap checks, or not at
    all. Kernels must have static shapes, only parallel loops, outputs
    written in loop order, and inputs read contiguously or broadcast along
    the innermost loop (the patch copy's `ow * stride * C + j` is); inputs
    read across it (transposes) keep the scalar path.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width in bits of the target's f32 vector registers">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect",
    "mlir::arith::ArithDialect"
  ];
}

def FuseAttention : Pass<"kiln-fuse-attention", "mlir::func::FuncOp"> {
  let summary = "Computes attention one block of query rows at a time: scores, softmax, values";
  let description = [{
    Scaled dot-product attention lowers to a product of the queries with
    the transposed keys (the scores, heads x queries x keys), a softmax
    along each score row (a maximum, exponentials, a sum, a division, with
    any scaling or additive mask before it), and a product of the
    probabilities with the values. Apart, the scores and the probabilities
    are written to memory and read back, each the size of queries x keys
    per head: 12 heads of 512 tokens make 12 MB of each, out of cache.

    This pass recognizes that chain on the kernels: a matrix product whose
    left operand comes, through f32 row kernels with at least one
    reduction along the rows, from another matrix product. It tiles the
    final product by head and block of query rows (an `scf.forall` marked
    `kiln.fused_attention`) and fuses the whole chain into it, with an
    elementwise kernel on the queries (the 1/sqrt(d) scaling). One
    iteration computes its block's scores, their softmax and their
    product with the values; the block's scores (at most 64 KB, see
    chooseAttentionRowBlock) stay in cache and live on the worker's stack
    (kiln-plan-memory). kiln-tile-and-vectorize then register-tiles both
    products inside the tile and kiln-fuse-row-reductions computes the
    softmax row by row in vectors, both with sequential loops. Keys whose
    rows are a multiple of 1 KB long are padded by one cache line per row
    (`tensor.pad`, whose producer kiln-pad-in-place then writes straight
    into the padded buffer): rows 4 KB apart would all fall into one L1 set
    and evict each other between blocks of query rows.

    A chain qualifies when each of its kernels is needed by a block only
    for the block's own rows (nothing is computed twice), is used nowhere
    else (a model that also returns the probabilities keeps them), and the
    rows have at most 4096 keys and a block of at least 4 query rows
    divides the queries. Masks and keys that every block reads whole are
    read from memory. Scalar targets are left alone.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width in bits of the target's f32 vector registers">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"
  ];
}

def FuseRowReductions : Pass<"kiln-fuse-row-reductions", "mlir::func::FuncOp"> {
  let summary = "Computes each row of a normalization in one loop iteration, in vectors";
  let description = [{
    LayerNormalization, Softmax and their kin lower to a chain of kernels
    over the same rows: reductions along the last axis (a sum, a maximum, a
    sum of squared deviations), per-row arithmetic on their results (the
    mean, the inverse standard deviation), and a final elementwise kernel
    that combines them with the input. Apart, each kernel makes its own pass
    over memory, the per-row results are written out and read back, and the
    reductions stay scalar loops: LLVM does not vectorize an accumulator
    that lives in memory the input may alias.

    This pass tiles the final kernel by rows (an `scf.forall` over all but
    the last dimension, the last one whole) and fuses every kernel of the
    chain into it, so that one iteration computes a whole row: its
    reductions as vector reductions (partial results one register wide,
    combined as a tree), then the normalized row, with the row in registers
    or L1. A chain qualifies when its kernels are f32 with static shapes at
    the function's top level, read along the last dimension, compute no
    more than one row per row of the final kernel (nothing is recomputed),
    and are used only inside the chain; there must be at least two rows
    (one would lose its loop and be no kernel), of 4 to 4096 elements. It
    runs before kiln-vectorize-elementwise, which would otherwise take the
    final kernel on its own.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width in bits of the target's f32 vector registers">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"16",
           "Number of vector registers">,
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect", "mlir::arith::ArithDialect"
  ];
}

def IsolateResults : Pass<"kiln-isolate-results", "mlir::func::FuncOp"> {
  let summary = "Gives every returned tensor its own freshly computed value";
  let description = [{
    Outputs are written into caller-provided buffers. A result that is a
    function argument (an Identity model), a constant, or a value returned
    twice has no computation of its own that could write into the caller's
    buffer, so this pass returns a `linalg.copy` of it instead. Bufferization
    then places every result in its out-parameter.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def BoundDynamicResults : Pass<"kiln-bound-dynamic-results", "mlir::func::FuncOp"> {
  let summary = "Gives results whose shape depends on the data a static buffer and a shape result";
  let description = [{
    Outputs are caller-provided buffers of a size fixed at compile time. For
    each result of a public function with dynamic dimensions (NonZero,
    Compress, Unique, NonMaxSuppression and what consumes them), this pass
    derives an upper bound of every dimension with ValueBoundsConstraintSet,
    returns instead a 1-D tensor of the bounds' product whose leading elements
    are the result, dense and row-major, and appends a result holding the
    actual dimensions as i64. The data result is marked `kiln.max_shape`
    (the bounds), the dimensions result `kiln.shape_of` (the index of the
    result it describes); the header writer and `kiln run` read these. A
    dimension with no bound is an error naming the output.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def ExpandStridedCopies : Pass<"kiln-expand-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Turns memref.copy between non-contiguous buffers into loops";
  let description = [{
    Bufferization copies slices (concatenation, padding, out-params) with
    `memref.copy`. Between identity layouts that becomes a `memcpy`; between
    strided views upstream lowering would call `memrefCopy` from MLIR's runner
    library, which generated code must not depend on. This pass rewrites the
    strided ones whose rows are contiguous on both sides (4 to 256
    elements) as a parallel loop of one vector read and write per row, and
    the others as `linalg.copy`, which later lowers to plain loops.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::arith::ArithDialect"
  ];
}

def PackWeights : Pass<"kiln-pack-weights", "mlir::ModuleOp"> {
  let summary = "Packs every constant buffer into one aligned weights blob";
  let description = [{
    After bufferization each weight is a `memref.global` constant. This pass
    lays them out in one byte blob (each at a 64-byte aligned offset), stores
    it as the `memref.global @kiln_weights` of `memref<Nxi8>`, and replaces
    every `memref.get_global` of a weight with `kiln.weight_ref`. The blob is
    either baked into the object or, with `--weights FILE`, written beside it
    and handed in at run time. Resource blobs whose last use is packed are
    released so weights are held once.
  }];
  let dependentDialects = ["kiln::lowlevel::KilnDialect", "mlir::memref::MemRefDialect"];
}

def LoopBuffersInPlace : Pass<"kiln-loop-buffers-in-place", "mlir::func::FuncOp"> {
  let summary = "Gives every loop-carried buffer one buffer that each iteration updates";
  let description = [{
    One-shot bufferization lets a loop (`scf.for`, `scf.while`, from ONNX
    Loop and Scan) pass a buffer allocated in one iteration on to the next.
    A static memory plan cannot place such a buffer: two of them are alive
    at once, from consecutive iterations. For each loop-carried buffer that
    is not already updated in place, this pass allocates one buffer before
    the loop, copies the initial value into it, copies each iteration's next
    value into it at the end of the iteration (through a temporary when the
    next value may alias another carried buffer, e.g. values that swap), and
    replaces the loop's region arguments and results with it. Afterwards
    every allocation inside a loop is dead at the end of its iteration.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::memref::MemRefDialect"];
}

def PlanMemory : Pass<"kiln-plan-memory", "mlir::func::FuncOp"> {
  let summary = "Static, liveness-based placement of every buffer in one workspace arena";
  let description = [{
    Replaces each `memref.alloc` of a static shape with a `kiln.arena_slot`.
    Each buffer is alive from its allocation to the last use of it or of any
    view of it, measured in the order of the function's top-level operations
    (a use inside a loop keeps the buffer alive for the whole loop). Buffers
    are placed greedily by decreasing size at the lowest 64-byte aligned
    offset that does not overlap a buffer alive at the same time (the
    "greedy by size" planner TFLite Micro also uses). An allocation nested in
    `scf.if`, `scf.for` or `scf.while` (the bodies of ONNX If, Loop and Scan)
    moves in front of its top-level op and is alive for all of it; after
    kiln-loop-buffers-in-place no such buffer outlives its iteration, so one
    slot serves every iteration. Uses through region results (a branch's
    buffer that `scf.if` returns) count as uses of the buffer. The function gets
    `kiln.workspace_size` and `kiln.workspace_lower_bound`, the largest sum of
    sizes alive at one point, so the plan's quality is visible.

    A buffer allocated inside a parallel loop (a fused attention block's
    scores, see kiln-fuse-attention) needs one copy per iteration running
    at the same time, which one static slot cannot give: it becomes a
    `memref.alloca` on the stack of the worker that runs the iteration, in
    a `memref.alloca_scope` around the loop's body so that every iteration
    gives the space back. Such a buffer may be at most 256 KB.
  }];
  let dependentDialects = ["kiln::lowlevel::KilnDialect"];
}

def FormParallelDispatch : Pass<"kiln-form-parallel-dispatch", "mlir::ModuleOp"> {
  let summary = "Moves each kernel's outer parallel loop into a function the thread pool runs";
  let description = [{
    Each `scf.parallel` of the entry function at the top level or in a
    loop over chunks of rows (`kiln.row_chunks`) (one kernel: a linalg
    op lowered to loops) with enough work is split in two. Leading parallel
    dimensions are collapsed until there are at least `min-chunks` iterations
    to share out (a batch of 1 gives nothing to share); one iteration becomes
    the body function `@F_kernelK(%i: index, captured...)`, which keeps the
    remaining dimensions as a nested loop. The loop itself becomes a call of
    `@F_dispatchK(context, captured...)`, a declaration whose
    `kiln.dispatch_body` and `kiln.dispatch_count` attributes say what to run;
    `kiln-lower-parallel-dispatch` gives it a body once everything is LLVM.

    Pure values the body uses (constants, views) are recomputed inside it,
    so shapes and strides stay static there; buffers are passed as arguments
    and must have static shapes and identity layouts (otherwise the kernel
    stays serial). Kernels with less than `min-work` element operations (each
    op of the body counted once per vector lane and per iteration of the
    loops around it, so vectorized kernels count their real work) also stay
    serial: handing them to other threads costs more than it saves.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"", "The model's entry function">,
    Option<"minChunks", "min-chunks", "int64_t", "32",
           "Collapse leading dimensions until there are this many iterations">,
    Option<"minWork", "min-work", "int64_t", "16384",
           "Kernels with fewer element operations stay serial">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
                           "mlir::func::FuncDialect"];
}

def LowerAllocaScopes : Pass<"kiln-lower-alloca-scopes", "mlir::ModuleOp"> {
  let summary = "Lowers memref.alloca_scope to a stack save and restore around its body";
  let description = [{
    kiln-plan-memory puts a buffer that each iteration of a parallel loop
    allocates (a fused attention's scores) on the stack, in a
    `memref.alloca_scope` around the iteration, so that each iteration
    gives its stack space back. Upstream lowers the scope in
    `finalize-memref-to-llvm`, after `convert-scf-to-cf`, but the scope's
    body must stay one block and the loops inside it would split it. This
    pass inlines each scope's body between `llvm.intr.stacksave` and
    `llvm.intr.stackrestore` while the loops are still structured.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def LowerParallelDispatch : Pass<"kiln-lower-parallel-dispatch", "mlir::ModuleOp"> {
  let summary = "Implements each dispatch declaration with a kiln_parallel_for call";
  let description = [{
    Runs on the LLVM dialect. For every declaration marked
    `kiln.dispatch_body`, it defines the function: the arguments after the
    context are stored in a struct on the stack, and
    `kiln_parallel_for(context, count, chunk, &struct)` runs
    `chunk(data, begin, end)`, which loads them back and calls the kernel body
    for each index of its chunk (LLVM inlines the body there).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def LowerABI : Pass<"kiln-lower-abi", "mlir::ModuleOp"> {
  let summary = "Gives the entry function its workspace (and weights) arguments";
  let description = [{
    Appends the workspace arena (`memref<Sxi8>`, S = `kiln.workspace_size`),
    for external weights the weights blob, and the `kiln_context_t *` that
    parallel loops hand to the runtime to the entry function's arguments, and rewrites `kiln.arena_slot` and `kiln.weight_ref` into
    `memref.view`s of them (or of the embedded `@kiln_weights` global). Every
    argument then lowers to one plain pointer.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"", "The model's entry function">,
    Option<"externalWeights", "external-weights", "bool", "false",
           "Weights are passed to the entry point instead of embedded">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def CreateEntryPoint : Pass<"kiln-create-entry-point", "mlir::ModuleOp"> {
  let summary = "Emits the C entry point NAME_run around the lowered model function";
  let description = [{
    Runs on the LLVM dialect. The model function (bare-pointer arguments:
    inputs, outputs, workspace[, weights]) becomes internal, and a new
    external function implements the header's ABI:
    `int32_t NAME_run(const NAME_inputs *, NAME_outputs *, void *workspace,
    [const void *weights,] kiln_context_t *)`. The input and output structs
    are arrays of pointers in declaration order. A NULL buffer or a workspace
    that is not aligned as the header says returns
    KILN_STATUS_INVALID_ARGUMENT.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"", "The model's entry function">,
    Option<"symbolName", "name", "std::string", "\"model\"", "NAME in NAME_run">,
    Option<"externalWeights", "external-weights", "bool", "false",
           "The entry point takes a weights pointer">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def InstrumentKernels : Pass<"kiln-instrument-kernels", "mlir::ModuleOp"> {
  let summary = "Wraps each kernel of the entry function in runtime profiling calls";
  let description = [{
    Only with `kiln compile --profile`. Runs after `kiln-lower-abi` (it needs
    the context argument) and before `kiln-form-parallel-dispatch` (kernels
    are still loop nests in the entry function). A kernel is a run of
    top-level operations that read or write memory and come from the same
    ONNX nodes (as their locations say, fused kernels naming all of theirs);
    operations from no node join the kernel after them. Each kernel K runs
    between `kiln_profile_begin(context, K)` and `kiln_profile_end(context,
    K)`. The module gets `kiln.profile_kernels`: per kernel its name, nodes,
    op types, FLOPs (floating-point operations times the static trip counts
    around them) and bytes (the buffers it touches, once each), which the
    header and `kiln run --profile` report.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"", "The model's entry function">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::func::FuncDialect"];
}

def PropagateLocations : Pass<"kiln-propagate-locations", "mlir::ModuleOp"> {
  let summary = "Gives every op the locations of the ONNX nodes it came from or serves";
  let description = [{
    Runs at the end of every stage so that each op of every stage names its
    ONNX node(s) (`--print-locations`, diagnostics, the profiler, `kiln
    inspect --graph`). In each function body: a top-level op with a region
    (a loop nest, a fused `linalg.generic`) gets a location fusing the
    locations of every node computed inside it, so a fused kernel lists all
    of its source nodes; a top-level op that names no node or initializer
    (an accumulator's fill, a folded constant) gets the locations of the
    top-level ops that use it; a nested op that names nothing (a named
    linalg op's body) gets the location of the op around it.
  }];
}

#endif // KILN_CODEGEN_PASSES_TD
