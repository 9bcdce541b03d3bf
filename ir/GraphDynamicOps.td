//===- GraphDynamicOps.td - ops whose result shape depends on data -*- tablegen -*-===//
//
// NonZero, Compress, Unique and NonMaxSuppression produce as many elements as
// their input data calls for. Their data-dependent dimensions are `?` in the
// result types, always (a model's declared output shape is not trusted for
// them): code generation bounds each such dimension by a size known at compile
// time (see docs/user-guide.md, "Outputs whose shape depends on the data").
//
//===--------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHDYNAMICOPS_TD
#define KILN_IR_GRAPHDYNAMICOPS_TD

include "ir/GraphBase.td"

// Result types follow from operand types exactly; the data-dependent
// dimensions stay dynamic (no refinement from ONNX shape inference).
class Graph_DataDependentOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Graph_NonZeroOp : Graph_DataDependentOp<"non_zero"> {
  let summary = "the indices of the non-zero elements";
  let description = [{
    ONNX NonZero: an i64 tensor of shape `rank x n` whose column `j` holds the
    coordinates of the `j`-th non-zero element of `input` in row-major order.
    `n` is known only at run time (at most the number of elements).

    ```mlir
    %i = graph.non_zero %x : (tensor<2x2xi1>) -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_I64Tensor:$indices);
}

def Graph_CompressOp : Graph_DataDependentOp<"compress"> {
  let summary = "the slices along an axis selected by a condition";
  let description = [{
    ONNX Compress: the slices `input[..., i, ...]` along `axis` for which
    `condition[i]` (a 1-D i1 tensor, possibly shorter than the axis; missing
    entries count as false) is true, in order. Without `axis` the input is
    flattened first. The selected size is known only at run time.

    ```mlir
    %y = graph.compress %x, %c {axis = 1 : i64}
        : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_BoolTensor:$condition,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
}

def Graph_UniqueOp : Graph_DataDependentOp<"unique"> {
  let summary = "the distinct elements or slices of a tensor";
  let description = [{
    ONNX Unique: the distinct slices of `input` along `axis` (non-negative
    after import), or its distinct elements when there is no axis. `y` holds
    them in ascending order when `sorted` is set (slices compare
    lexicographically), else in order of first occurrence; `indices` the
    position of each one's first occurrence, `inverse_indices` for every
    input slice the position of its value in `y`, `counts` how often each
    occurs. The number of distinct values is known only at run time.

    ```mlir
    %y, %i, %inv, %n = graph.unique %x {sorted = true}
        : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, OptionalAttr<I64Attr>:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Graph_Tensor:$y, Graph_I64Tensor:$indices,
                      Graph_I64Tensor:$inverse_indices, Graph_I64Tensor:$counts);
  let hasVerifier = 1;
}

def Graph_NonMaxSuppressionOp : Graph_DataDependentOp<"non_max_suppression"> {
  let summary = "greedy non-maximum suppression of scored boxes";
  let description = [{
    ONNX NonMaxSuppression: for every batch and class, boxes are taken in
    order of decreasing score (equal scores by increasing index), skipping
    boxes whose score is not above `score_threshold` and boxes whose
    intersection over union with an already selected box exceeds
    `iou_threshold`, until `max_output_boxes_per_class` are selected. Each
    selection is a row `[batch, class, box]` of the result. `boxes` is
    `batches x boxes x 4`, as corners `[y1, x1, y2, x2]` (either diagonal) or,
    with `center_point_box = 1`, as `[x_center, y_center, width, height]`;
    `scores` is `batches x classes x boxes`. The thresholds are one-element
    tensors read at run time; an absent score threshold is imported as -inf
    and an absent maximum as 0.

    ```mlir
    %s = graph.non_max_suppression %boxes, %scores, %max, %iou, %score
        {center_point_box = 0 : i64}
        : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, tensor<1xf32>,
           tensor<1xf32>) -> tensor<?x3xi64>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$boxes, Graph_FloatTensor:$scores,
                       Graph_I64Tensor:$max_output_boxes_per_class,
                       Graph_FloatTensor:$iou_threshold, Graph_FloatTensor:$score_threshold,
                       DefaultValuedAttr<I64Attr, "0">:$center_point_box);
  let results = (outs Graph_I64Tensor:$selected_indices);
  let hasVerifier = 1;
}

#endif // KILN_IR_GRAPHDYNAMICOPS_TD
