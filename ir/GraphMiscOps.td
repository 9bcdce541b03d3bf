//===- GraphMiscOps.td - losses, scans, scatters and selection ops -*- tablegen -*-===//
//
// Operators that do not fit the elementwise, NN or data-movement families:
// the classification loss, triangular masks, cumulative sums, one-hot and
// identity-like constructors, Einstein summation, scatters and top-k.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHMISCOPS_TD
#define KILN_IR_GRAPHMISCOPS_TD

include "ir/GraphBase.td"

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def Graph_NegativeLogLikelihoodLossOp
    : Graph_InferredOp<"negative_log_likelihood_loss"> {
  let summary = "negative log-likelihood loss of class scores";
  let description = [{
    ONNX NegativeLogLikelihoodLoss. `input` is N x C x d1 x ... x dk
    (log-probabilities), `target` is N x d1 x ... x dk with class indices in
    [0, C), and the optional `weight` has C entries. Each element's loss is
    `-input[n, target[n, d], d] * weight[target[n, d]]`, or 0 where `target`
    equals `ignore_index` (when present). `reduction` is "none" (the result has
    the target's shape), "sum", or "mean" (the sum divided by the sum of the
    weights of the elements that are not ignored; both give a scalar).

    ONNX SoftmaxCrossEntropyLoss is imported as `graph.log_softmax` along
    axis 1 followed by this op.

    ```mlir
    %l = graph.negative_log_likelihood_loss %x, %t, %w {ignore_index = -1 : i64, reduction = "mean"}
        : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_IndexTensor:$target,
                       Optional<Graph_FloatTensor>:$weight,
                       DefaultValuedAttr<StrAttr, "\"mean\"">:$reduction,
                       OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs Graph_FloatTensor:$loss);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Masks, scans and constructors
//===----------------------------------------------------------------------===//

def Graph_TriluOp : Graph_InferredOp<"trilu"> {
  let summary = "keeps the upper or lower triangle of the trailing matrices";
  let description = [{
    ONNX Trilu on the last two dimensions (leading dimensions are a batch).
    With `upper`, element (i, j) is kept when `j - i >= k`, otherwise when
    `j - i <= k`; the others become 0. `k` is a scalar (rank 0 or one element)
    i64 tensor; the importer supplies 0 when ONNX omits it.

    ```mlir
    %y = graph.trilu %x, %k {upper = false} : (tensor<4x5xi64>, tensor<i64>) -> tensor<4x5xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_I64Tensor:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_CumSumOp : Graph_InferredOp<"cumsum"> {
  let summary = "cumulative sum along an axis";
  let description = [{
    ONNX CumSum: running sums along the dimension given by the scalar i32/i64
    `axis` operand (negative values count from the back; it may be computed
    at run time). `exclusive` leaves each element out of its own sum (the first
    result is 0); `reverse` sums from the end of the axis.

    ```mlir
    %y = graph.cumsum %x, %axis {exclusive = false, reverse = true}
        : (tensor<2x3xf64>, tensor<i32>) -> tensor<2x3xf64>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input, Graph_IndexTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Graph_NumericTensor:$output);
  let hasVerifier = 1;
}

def Graph_EyeLikeOp : Graph_InferredOp<"eye_like"> {
  let summary = "a matrix with ones on one diagonal, shaped like its operand";
  let description = [{
    ONNX EyeLike: a 2-D tensor of the operand's shape and element type `dtype`
    (the operand's type when ONNX gives none) with ones where
    `column - row == k` and zeros elsewhere. Only the operand's shape is read.

    ```mlir
    %e = graph.eye_like %x {dtype = f32, k = 1 : i64} : (tensor<4x5xi32>) -> tensor<4x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, TypeAttr:$dtype,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_OneHotOp : Graph_InferredOp<"one_hot"> {
  let summary = "one-hot encoding of indices";
  let description = [{
    ONNX OneHot. The result has the shape of `indices` with a dimension of
    size `depth` inserted at `axis` (non-negative after import), and the
    element type of `values` (`[off_value, on_value]`). Element
    `(.., d at axis, ..)` is `on_value` when the index there (truncated to an
    integer, negative values counting back from `depth`) equals `d`, else
    `off_value`. `depth` is a scalar of any numeric type; when it is not a
    constant the size comes from the result type.

    ```mlir
    %y = graph.one_hot %i, %depth, %values {axis = 1 : i64}
        : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$indices, Graph_NumericTensor:$depth,
                       Graph_Tensor:$values, I64Attr:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Contraction
//===----------------------------------------------------------------------===//

def Graph_EinsumOp : Graph_InferredOp<"einsum"> {
  let summary = "Einstein summation";
  let description = [{
    ONNX Einsum: `equation` names the dimensions of every operand with
    letters (`...` stands for leading broadcast dimensions), and optionally
    the result's after `->`; without `->` the result has the ellipsis
    dimensions followed by the letters used once, in alphabetical order.
    Letters missing from the result are summed over; a letter repeated within
    one operand takes its diagonal. All operands share one element type.

    ```mlir
    %z = graph.einsum %x, %y {equation = "bij,bjk->bik"}
        : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
    ```
  }];
  let arguments = (ins Variadic<Graph_NumericTensor>:$inputs, StrAttr:$equation);
  let results = (outs Graph_NumericTensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Scatters
//===----------------------------------------------------------------------===//

def Graph_ScatterElementsOp : Graph_InferredOp<"scatter_elements"> {
  let summary = "writes single elements along an axis by index";
  let description = [{
    ONNX ScatterElements (and the older Scatter): a copy of `data` in which,
    for every position `p` of `indices` (same rank as `data`), the element at
    `p` with coordinate `axis` replaced by `indices[p]` (negative values count
    from the back) receives `updates[p]`. `reduction` is "none" (the update
    replaces the element; with duplicate indices the last one in row-major
    order wins), "add", "mul", "max" or "min" (combined with the element).

    ```mlir
    %y = graph.scatter_elements %data, %idx, %upd {axis = 1 : i64, reduction = "add"}
        : (tensor<1x5xf32>, tensor<1x2xi64>, tensor<1x2xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_IndexTensor:$indices,
                       Graph_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_ScatterNDOp : Graph_InferredOp<"scatter_nd"> {
  let summary = "writes slices by N-dimensional index tuples";
  let description = [{
    ONNX ScatterND: a copy of `data` in which, for every index tuple
    `indices[p, :]` (of length k, the last dimension of `indices`), the slice
    `data[indices[p, :], ...]` receives `updates[p, ...]`. `updates` has shape
    `indices.shape[:-1] + data.shape[k:]`. `reduction` is "none", "add", "mul",
    "max" or "min", as for `graph.scatter_elements`.

    ```mlir
    %y = graph.scatter_nd %data, %idx, %upd {reduction = "none"}
        : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$data, Graph_I64Tensor:$indices,
                       Graph_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Selection
//===----------------------------------------------------------------------===//

def Graph_TopKOp : Graph_InferredOp<"top_k"> {
  let summary = "the k largest or smallest elements along an axis";
  let description = [{
    ONNX TopK: the `k` (a one-element i64 tensor) largest elements along
    `axis` (non-negative after import), or the smallest when `largest` is
    false, with their i64 indices. Results are ordered best first and equal
    values by increasing index, whether or not `sorted` is set (ONNX leaves
    the order unspecified then). When `k` is not a constant the size along
    `axis` comes from the result types. Opsets before 10, where `k` was an
    attribute, are normalized to this form.

    ```mlir
    %v, %i = graph.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true}
        : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x3xf32>, tensor<3x3xi64>)
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input, Graph_I64Tensor:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Graph_NumericTensor:$values, Graph_I64Tensor:$indices);
  let hasVerifier = 1;
}

#endif // KILN_IR_GRAPHMISCOPS_TD
