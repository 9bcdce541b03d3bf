//===- GraphSamplingOps.td - graph dialect: grid and ROI sampling -*- tablegen -*-===//
//
// Ops that read an image at computed, fractional positions: GridSample
// (positions from a grid operand) and RoiAlign (positions inside regions of
// interest). Both take NCHW input and interpolate bilinearly (GridSample also
// nearest and bicubic).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_GRAPH_SAMPLING_OPS
#define KILN_GRAPH_SAMPLING_OPS

def Graph_GridSampleOp : Graph_InferredOp<"grid_sample"> {
  let summary = "samples an NCHW image at the positions given by a grid";
  let description = [{
    ONNX GridSample (opset 16). `input` is (N, C, H, W) and `grid` is
    (N, H_out, W_out, 2) holding (x, y) positions normalized to [-1, 1]; the
    result is (N, C, H_out, W_out). `mode` is `bilinear`, `nearest` or
    `bicubic` (cubic coefficient -0.75); `padding_mode` is `zeros`, `border`
    or `reflection`; with `align_corners`, -1 and 1 are the centers of the
    corner pixels rather than their outer edges.

    ```mlir
    %y = graph.grid_sample %x, %grid {mode = "bicubic", padding_mode = "border"}
        : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$grid,
                       DefaultValuedAttr<StrAttr, "\"bilinear\"">:$mode,
                       DefaultValuedAttr<StrAttr, "\"zeros\"">:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs Graph_FloatTensor:$output);
  let hasVerifier = 1;
}

def Graph_RoiAlignOp : Graph_InferredOp<"roi_align"> {
  let summary = "pools regions of interest of an NCHW image by bilinear sampling";
  let description = [{
    ONNX RoiAlign. `input` is (N, C, H, W), `rois` is (R, 4) holding boxes
    (x1, y1, x2, y2) in input coordinates before `spatial_scale`, and
    `batch_indices` (R) names the image of each box. Each box is divided into
    `output_height` x `output_width` bins; each bin averages (`mode = "avg"`)
    or takes the largest of (`"max"`) bilinear samples on a regular grid of
    `sampling_ratio` points per side (0: ceil of the bin size, computed per
    box). `coordinate_transformation_mode` is `half_pixel` (boxes shifted by
    -0.5 pixel) or `output_half_pixel` (the opset-10 behavior: no shift, and
    boxes at least one pixel wide). The result is (R, C, output_height,
    output_width).

    ```mlir
    %y = graph.roi_align %x, %rois, %batch {mode = "avg", output_height = 5 : i64,
        output_width = 5 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32,
        coordinate_transformation_mode = "half_pixel"}
        : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$rois,
                       Graph_IndexTensor:$batch_indices,
                       DefaultValuedAttr<StrAttr, "\"avg\"">:$mode,
                       DefaultValuedAttr<I64Attr, "1">:$output_height,
                       DefaultValuedAttr<I64Attr, "1">:$output_width,
                       DefaultValuedAttr<I64Attr, "0">:$sampling_ratio,
                       DefaultValuedAttr<F32Attr, "1.0f">:$spatial_scale,
                       DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode);
  let results = (outs Graph_FloatTensor:$output);
  let hasVerifier = 1;
}

#endif // KILN_GRAPH_SAMPLING_OPS
