//===- GraphRecurrentOps.td - recurrent graph ops ---------------*- tablegen -*-===//
//
// ONNX's recurrent layers: LSTM, GRU and the simple (Elman) RNN. They share
// their operands, attributes and result shapes, so one base class holds them
// and each op adds its own gate-specific parts.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHRECURRENTOPS_TD
#define KILN_IR_GRAPHRECURRENTOPS_TD

include "ir/GraphBase.td"

// The importer normalizes every optional attribute: `activations` always
// lists one function per gate function and direction (forward first),
// `activation_alpha` / `activation_beta` hold one value per activation (the
// ONNX default where the function takes one, 0 where it takes none), and
// `hidden_size` is always present. `clip` is absent when the model gives none.
class Graph_RecurrentOp<string mnemonic, dag extraOperands, dag extraAttrs,
                        dag extraResults>
    : Graph_InferredOp<mnemonic, [AttrSizedOperandSegments]> {
  let arguments = !con(
      (ins Graph_FloatTensor:$x, Graph_FloatTensor:$w, Graph_FloatTensor:$r,
           Optional<Graph_FloatTensor>:$b,
           Optional<RankedTensorOf<[I32]>>:$sequence_lens,
           Optional<Graph_FloatTensor>:$initial_h),
      extraOperands,
      (ins StrAttr:$direction,
           I64Attr:$hidden_size,
           StrArrayAttr:$activations,
           DenseF32ArrayAttr:$activation_alpha,
           DenseF32ArrayAttr:$activation_beta,
           OptionalAttr<F32Attr>:$clip,
           DefaultValuedAttr<I64Attr, "0">:$layout),
      extraAttrs);
  let results = !con((outs Graph_FloatTensor:$y, Graph_FloatTensor:$y_h), extraResults);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// 2 for "bidirectional", 1 for "forward" and "reverse".
    int64_t getNumDirections() { return getDirection() == "bidirectional" ? 2 : 1; }
  }];
}

def Graph_LSTMOp : Graph_RecurrentOp<"lstm",
    (ins Optional<Graph_FloatTensor>:$initial_c, Optional<Graph_FloatTensor>:$p),
    (ins DefaultValuedAttr<BoolAttr, "false">:$input_forget),
    (outs Graph_FloatTensor:$y_c)> {
  let summary = "long short-term memory layer (ONNX LSTM)";
  let description = [{
    Runs an LSTM over the sequence `x` in one or both directions. With
    `layout = 0`, `x` is seq_length x batch x input_size, `y` is
    seq_length x num_directions x batch x hidden_size and `y_h` / `y_c` (the
    last hidden and cell states) are num_directions x batch x hidden_size;
    `layout = 1` puts batch first in all of them (and in `initial_h`,
    `initial_c`).

    `w` (num_directions x 4*hidden_size x input_size) and `r`
    (num_directions x 4*hidden_size x hidden_size) hold the gate weights in
    the order input, output, forget, cell; `b` (num_directions x
    8*hidden_size) the input then the recurrent biases; `p`
    (num_directions x 3*hidden_size) the input, output and forget peepholes.
    `activations` lists f, g, h per direction (ONNX defaults: Sigmoid, Tanh,
    Tanh). `input_forget` couples the forget gate to 1 - input gate. Per step
    `t`, with `Ht-1`, `Ct-1` the previous states:

        it = f(Xt*Wi^T + Ht-1*Ri^T + Pi . Ct-1 + Wbi + Rbi)
        ft = f(Xt*Wf^T + Ht-1*Rf^T + Pf . Ct-1 + Wbf + Rbf)
        ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc)
        Ct = ft . Ct-1 + it . ct
        ot = f(Xt*Wo^T + Ht-1*Ro^T + Po . Ct + Wbo + Rbo)
        Ht = ot . h(Ct)

    `clip`, when present, clamps the inputs of f and g to [-clip, clip].
    `sequence_lens` (batch, i32) stops a batch entry's recurrence after its
    length: its states are held and its `y` rows are zero from then on.

    ```mlir
    %y, %y_h, %y_c = graph.lstm %x, %w, %r bias %b {activation_alpha = array<f32: 0.0, 0.0, 0.0>,
        activation_beta = array<f32: 0.0, 0.0, 0.0>,
        activations = ["Sigmoid", "Tanh", "Tanh"], direction = "forward", hidden_size = 32 : i64}
        : (tensor<10x1x16xf32>, tensor<1x128x16xf32>, tensor<1x128x32xf32>, tensor<1x256xf32>)
        -> (tensor<10x1x1x32xf32>, tensor<1x1x32xf32>, tensor<1x1x32xf32>)
    ```
  }];
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`sequence_lens` $sequence_lens^)?
    (`initial_h` $initial_h^)? (`initial_c` $initial_c^)? (`peepholes` $p^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_GRUOp : Graph_RecurrentOp<"gru", (ins),
    (ins DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset), (outs)> {
  let summary = "gated recurrent unit layer (ONNX GRU)";
  let description = [{
    Runs a GRU over the sequence `x` in one or both directions. Shapes and
    `layout` are as for `graph.lstm` (with 3 gates: update, reset, hidden, in
    that order in `w`, `r` and `b`). `activations` lists f, g per direction
    (ONNX defaults: Sigmoid, Tanh). Per step `t`:

        zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz)
        rt = f(Xt*Wr^T + Ht-1*Rr^T + Wbr + Rbr)
        ht = g(Xt*Wh^T + (rt . Ht-1)*Rh^T + Rbh + Wbh)      linear_before_reset = false
        ht = g(Xt*Wh^T + rt . (Ht-1*Rh^T + Rbh) + Wbh)      linear_before_reset = true
        Ht = (1 - zt) . ht + zt . Ht-1

    `clip` and `sequence_lens` work as for `graph.lstm`.

    ```mlir
    %y, %y_h = graph.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>,
        activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"],
        direction = "forward", hidden_size = 5 : i64, linear_before_reset = false}
        : (tensor<1x3x2xf32>, tensor<1x15x2xf32>, tensor<1x15x5xf32>)
        -> (tensor<1x1x3x5xf32>, tensor<1x3x5xf32>)
    ```
  }];
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`sequence_lens` $sequence_lens^)?
    (`initial_h` $initial_h^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Graph_RNNOp : Graph_RecurrentOp<"rnn", (ins), (ins), (outs)> {
  let summary = "simple (Elman) recurrent layer (ONNX RNN)";
  let description = [{
    Runs a simple RNN over the sequence `x` in one or both directions: per
    step `Ht = f(Xt*Wi^T + Ht-1*Ri^T + Wbi + Rbi)`, with one activation per
    direction (ONNX default: Tanh). Shapes, `layout`, `clip` and
    `sequence_lens` are as for `graph.lstm` (with a single gate).

    ```mlir
    %y, %y_h = graph.rnn %x, %w, %r bias %b {activation_alpha = array<f32: 0.0>,
        activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward",
        hidden_size = 4 : i64}
        : (tensor<1x3x2xf32>, tensor<1x4x2xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>)
        -> (tensor<1x1x3x4xf32>, tensor<1x3x4xf32>)
    ```
  }];
  let assemblyFormat = [{
    $x `,` $w `,` $r (`bias` $b^)? (`sequence_lens` $sequence_lens^)?
    (`initial_h` $initial_h^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KILN_IR_GRAPHRECURRENTOPS_TD
