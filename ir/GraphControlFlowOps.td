//===- GraphControlFlowOps.td - If, Loop and Scan ---------------*- tablegen -*-===//
//
// ONNX's control-flow operators carry subgraphs; here they are ops with
// regions. The regions are not isolated from above: ONNX subgraphs read
// outer-scope values by name, and the importer turns those reads into uses of
// the outer SSA values. Every region has one block ending in `graph.yield`.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHCONTROLFLOWOPS_TD
#define KILN_IR_GRAPHCONTROLFLOWOPS_TD

include "ir/GraphBase.td"

// Graph ops are side-effect free, so an op whose regions hold only graph ops
// has exactly the effects of its body (none); unlike the other families these
// are not marked Pure, since a loop need not terminate.
class Graph_RegionOp<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [RecursiveMemoryEffects])>;

def Graph_YieldOp : Graph_Op<"yield", [Terminator,
    ParentOneOf<["IfOp", "LoopOp", "ScanOp"]>]> {
  let summary = "ends a control-flow region, naming the subgraph's outputs";
  let description = [{
    The terminator of the regions of `graph.if`, `graph.loop` and
    `graph.scan`. Its operands are the subgraph's outputs in ONNX order; the
    parent op's verifier checks them against its results.

    ```mlir
    graph.yield %cond, %sum : tensor<i1>, tensor<2xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ::mlir::ValueRange()); }]>];
}

def Graph_IfOp : Graph_RegionOp<"if", [NoRegionArguments]> {
  let summary = "runs one of two subgraphs (ONNX If)";
  let description = [{
    Runs `then_branch` when the single element of `cond` (a rank-0 or
    one-element `i1` tensor) is true, `else_branch` otherwise; the results are
    what the branch that ran yields. Both branches yield values compatible
    with the results (same element types and ranks; every static dimension of
    a result agrees with the branch's).

    ```mlir
    %r = graph.if %c : tensor<i1> -> tensor<5xf32> {
      %a = graph.constant dense<1.0> : tensor<5xf32>
      graph.yield %a : tensor<5xf32>
    } else {
      graph.yield %x : tensor<5xf32>
    }
    ```

    A condition that canonicalization folds to a constant inlines the branch
    taken.
  }];
  let arguments = (ins Graph_BoolTensor:$cond);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$then_branch, SizedRegion<1>:$else_branch);
  let assemblyFormat = [{
    $cond `:` type($cond) (`->` type($outputs)^)? $then_branch `else` $else_branch attr-dict
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    YieldOp getThenYield();
    YieldOp getElseYield();
    /// Makes result (and block argument) types more static where operands,
    /// constant trip counts and yielded values now say more; kiln-refine-shapes
    /// calls it as folding makes shapes static. Returns whether a type changed.
    bool refineTypes();
  }];
}

def Graph_LoopOp : Graph_RegionOp<"loop", [AttrSizedOperandSegments]> {
  let summary = "a counted and/or conditional loop (ONNX Loop)";
  let description = [{
    ONNX Loop. The body runs while both hold: the iteration number is below
    `max_trip_count` (absent: no bound) and the condition is true (initially
    `condition`, absent: true; then what the body yields). The body's block
    arguments are the iteration number (`tensor<i64>`), the condition
    (`tensor<i1>`) and the N loop-carried values (initially
    `initial_values`). It yields the next condition, the next N carried
    values, and K scan elements.

    The results are the N carried values after the last iteration (the
    initial values when the body never runs), then K scan outputs: the scan
    elements of every iteration stacked along a new leading dimension. That
    dimension is the trip count; it is static when the trip count is known at
    compile time or the model declares the output's shape.

    ```mlir
    %y, %ys = graph.loop trip_count(%m : tensor<i64>) condition(%c : tensor<i1>)
        initial(%y0) : (tensor<1xf32>) -> (tensor<1xf32>, tensor<5x1xf32>) {
    ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %y: tensor<1xf32>):
      %next = graph.add %y, %y : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
      graph.yield %cond, %next, %next : tensor<i1>, tensor<1xf32>, tensor<1xf32>
    }
    ```
  }];
  let arguments = (ins Optional<Graph_I64Tensor>:$max_trip_count,
                       Optional<Graph_BoolTensor>:$condition,
                       Variadic<Graph_Tensor>:$initial_values);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`trip_count` `(` $max_trip_count^ `:` type($max_trip_count) `)`)?
    (`condition` `(` $condition^ `:` type($condition) `)`)?
    `initial` `(` $initial_values `)` attr-dict `:`
    functional-type($initial_values, $outputs) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    YieldOp getYield();
    /// N, the number of loop-carried values.
    unsigned getNumCarried() { return getInitialValues().size(); }
    /// K, the number of scan outputs.
    unsigned getNumScanOutputs() { return getOutputs().size() - getNumCarried(); }
    /// The number of iterations when it is known at compile time: a constant
    /// trip count, and a condition that never stops the loop early (absent
    /// or constant true initially; the body yields its condition argument
    /// unchanged or a constant true).
    std::optional<int64_t> getConstantTripCount();
    /// Makes result (and block argument) types more static where operands,
    /// constant trip counts and yielded values now say more; kiln-refine-shapes
    /// calls it as folding makes shapes static. Returns whether a type changed.
    bool refineTypes();
  }];
}

def Graph_ScanOp : Graph_RegionOp<"scan", [AttrSizedOperandSegments]> {
  let summary = "runs a subgraph over slices of its inputs (ONNX Scan)";
  let description = [{
    ONNX Scan (opset 9 form). The body's block arguments are the N states
    (initially `initial_states`) and one slice of each of the M
    `scan_inputs`, taken along `scan_input_axes[j]` (the slice drops that
    dimension) in the order given by `scan_input_directions[j]` (0: forward,
    1: reverse). The body yields the next N states and K scan elements.

    The results are the N final states, then K scan outputs: the scan elements
    stacked along `scan_output_axes[k]` (a new dimension, the sequence length)
    in the order of `scan_output_directions[k]`. Every scan input has the same
    length along its scan axis. Axes are non-negative (the importer resolves
    negative ones).

    Opset 8's Scan, which has a batch dimension, is imported as a scan over
    the batch whose body is the opset 9 scan.

    ```mlir
    %sum, %partial = graph.scan initial(%s0) inputs(%x)
        {scan_input_axes = array<i64: 0>, scan_input_directions = array<i64: 0>,
         scan_output_axes = array<i64: 0>, scan_output_directions = array<i64: 0>}
        : (tensor<2xf32>, tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
    ^bb0(%s: tensor<2xf32>, %x: tensor<2xf32>):
      %n = graph.add %s, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
      graph.yield %n, %n : tensor<2xf32>, tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$initial_states,
                       Variadic<Graph_Tensor>:$scan_inputs,
                       DenseI64ArrayAttr:$scan_input_axes,
                       DenseI64ArrayAttr:$scan_input_directions,
                       DenseI64ArrayAttr:$scan_output_axes,
                       DenseI64ArrayAttr:$scan_output_directions);
  let results = (outs Variadic<Graph_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `initial` `(` $initial_states `)` `inputs` `(` $scan_inputs `)` attr-dict `:`
    functional-type(operands, $outputs) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    YieldOp getYield();
    unsigned getNumStates() { return getInitialStates().size(); }
    unsigned getNumScanOutputs() { return getOutputs().size() - getNumStates(); }
    /// The length of the scanned dimension (dynamic if unknown).
    int64_t getSequenceLength();
    /// Makes result (and block argument) types more static where operands,
    /// constant trip counts and yielded values now say more; kiln-refine-shapes
    /// calls it as folding makes shapes static. Returns whether a type changed.
    bool refineTypes();
  }];
}

#endif // KILN_IR_GRAPHCONTROLFLOWOPS_TD
