//===- Passes.td - kiln graph-level passes ----------------------*- tablegen -*-===//

#ifndef KILN_PASSES_PASSES_TD
#define KILN_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def RefineShapes : Pass<"kiln-refine-shapes", "mlir::func::FuncOp"> {
  let summary = "Re-infers graph op result types after folding made operands static";
  let description = [{
    Import gives each graph op the most static result type known then. Later,
    canonicalization folds shape arithmetic (`graph.shape` of a static tensor,
    constant reshape targets) into constants, after which re-running result
    type inference yields static shapes where the imported types were dynamic.
    This pass walks each function in order, replaces result types with the
    inferred ones wherever those are strictly more static and compatible, and
    updates the function signature to match its returned values.

    Sizes also flow backward, to ops whose result types are not inferred from
    their operands (`graph.range`, `graph.cosine_window`...): elementwise ops
    tie their result dimensions to operand dimensions (a broadcast dimension
    only when every operand that has it is known to share one size), and a
    static size anywhere in such a class, e.g. the model's declared output
    shape on the last op, fixes the size of the range that produced it. The
    forward step then carries it through the chain.

    If, Loop and Scan refine their own results (`refineTypes`): a Loop whose
    trip count folds to a constant gets static scan outputs, an If's result
    takes what both branches agree on, and bodies follow refined operands.

    Refinement and constant folding feed each other (a refined shape folds a
    `graph.shape`, which makes the next reshape static, once per transformer
    block), so the pass alternates them until nothing changes.
  }];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

def FoldBatchNorm : Pass<"kiln-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Folds inference BatchNormalization into the convolution before it";
  let description = [{
    In inference, BatchNormalization is a per-channel affine map,
    `y = x * f + (bias - mean * f)` with `f = scale / sqrt(var + epsilon)`.
    When it directly follows a convolution whose weights (and bias) are
    constants and that has no other user, this pass computes new weights
    `W * f` (per output channel) and bias `(b - mean) * f + bias` at compile
    time and drops the normalization: no per-element work is left at run
    time. PyTorch folds it when exporting in eval mode; models from other
    exporters keep it. The folded convolution's location names both nodes.

    ```mlir
    %c = graph.conv %x, %w {...}
    %y = graph.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
    // becomes
    %y = graph.conv %x, %w_folded, %b_folded {...}
    ```
  }];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

def RecognizeLayerNorm : Pass<"kiln-recognize-layer-norm", "mlir::func::FuncOp"> {
  let summary = "Replaces LayerNormalization written out as primitive ops with graph.layer_norm";
  let description = [{
    ONNX has LayerNormalization only from opset 17; PyTorch exports at
    earlier opsets spell it out as nine ops: a mean over the last axis, the
    centered values, a second mean of their squares (`Pow(d, 2)` or
    `Mul(d, d)`), `Add` epsilon, `Sqrt`, `Div`, and the `Mul` by gamma and
    `Add` of beta. Lowered one by one, the squared deviations become a
    full-size tensor that a second reduction reads back; as one
    `graph.layer_norm` they lower like LayerNormalization, whose variance
    reduction squares the deviations as it reads the input, and the rest of
    the pipeline sees one op with one location instead of nine.

    The pass matches the pattern when the input is f32 with a static last
    dimension, both means reduce only the last axis (given as -1 or as
    rank-1) keeping it, epsilon is a one-element constant, gamma and beta
    (either operand order; each optional, gamma then being ones) are vectors
    of the last dimension's size, and no intermediate value has a user
    outside the pattern. The new op's location names every fused node.

    ```mlir
    %m = graph.reduce_mean %x, %axes : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
    %d = graph.sub %x, %m
    %s = graph.pow %d, %two
    %v = graph.reduce_mean %s, %axes
    %e = graph.add %v, %eps
    %r = graph.sqrt %e
    %n = graph.div %d, %r
    %g = graph.mul %n, %gamma
    %y = graph.add %g, %beta
    // becomes
    %y, %mean, %inv_std_dev = graph.layer_norm %x, %gamma, %beta {axis = 1 : i64, epsilon = 1.0e-05 : f32}
    ```
  }];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

def FuseSiblingMatmuls : Pass<"kiln-fuse-sibling-matmuls", "mlir::func::FuncOp"> {
  let summary = "Fuses matrix products of one activation by constant weights into one product";
  let description = [{
    Attention layers exported with separate query, key and value projections
    multiply one activation by three constant weight matrices, each product
    followed by the Add of a constant bias. Three narrow products read the
    activation three times and give the matrix kernel three small N
    dimensions to tile; one product with the weights side by side along N
    (`[K, Nq + Nk + Nv]`) reads it once and gives the kernel one wide,
    well-shaped product. Slices along the last axis then hand each original
    user its value.

    Two or more `graph.matmul` and `graph.gemm` ops (alpha and beta 1, no
    transA) sharing their left operand, f32, in one block, each with a
    constant 2-D right operand of the same K, are fused. Gemm's transB
    weights are transposed at compile time. A bias is folded in too: Gemm's
    constant C, or the Add of a constant 1-D bias that is the product's only
    user (members without a bias get zeros). The fused op is a Gemm taking the
    concatenated bias when every member was a Gemm, otherwise a MatMul and
    one Add. Its location names every fused node. A product whose left
    operand has no sibling is left alone.

    ```mlir
    %q = graph.matmul %x, %wq : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
    %qb = graph.add %q, %bq : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    %k = graph.matmul %x, %wk : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
    %kb = graph.add %k, %bk : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    // becomes
    %p = graph.matmul %x, %w_qk : (tensor<8x64xf32>, tensor<64x96xf32>) -> tensor<8x96xf32>
    %pb = graph.add %p, %b_qk : (tensor<8x96xf32>, tensor<96xf32>) -> tensor<8x96xf32>
    %qb = graph.slice %pb, %c0, %c64, %c1, %c1 : ... -> tensor<8x64xf32>
    %kb = graph.slice %pb, %c64, %c96, %c1, %c1 : ... -> tensor<8x32xf32>
    ```
  }];
  let dependentDialects = ["kiln::graph::GraphDialect"];
}

#endif // KILN_PASSES_PASSES_TD
