// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// GridSample and RoiAlign: one parallel linalg.generic over the result whose
// body computes sample positions and reads pixels with tensor.extract.

// Bilinear GridSample reads (x, y) from the grid at the output position and
// four pixels of the input; zeros padding masks the out-of-image ones.
// CHECK-LABEL: func.func @grid_sample_bilinear
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: outs(%{{.+}} : tensor<1x2x5x6xf32>)
// CHECK: %[[N:.+]] = linalg.index 0 : index
// CHECK: %[[C:.+]] = linalg.index 1 : index
// CHECK: %[[H:.+]] = linalg.index 2 : index
// CHECK: %[[W:.+]] = linalg.index 3 : index
// CHECK: tensor.extract %arg1[%[[N]], %[[H]], %[[W]], %{{.+}}] : tensor<1x5x6x2xf32>
// CHECK: tensor.extract %arg1[%[[N]], %[[H]], %[[W]], %{{.+}}] : tensor<1x5x6x2xf32>
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %arg0[%[[N]], %[[C]], %{{.+}}, %{{.+}}] : tensor<1x2x3x4xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_sample_bilinear(%x: tensor<1x2x3x4xf32>, %g: tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32> {
  %y = graph.grid_sample %x, %g : (tensor<1x2x3x4xf32>, tensor<1x5x6x2xf32>) -> tensor<1x2x5x6xf32>
  return %y : tensor<1x2x5x6xf32>
}

// Nearest rounds half to even; border padding clamps positions outside the
// image; one pixel is read.
// CHECK-LABEL: func.func @grid_sample_nearest_border
// CHECK: linalg.generic
// CHECK: math.roundeven
// CHECK: math.roundeven
// CHECK: arith.select
// CHECK-COUNT-1: tensor.extract %arg0
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_sample_nearest_border(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %y = graph.grid_sample %x, %g {mode = "nearest", padding_mode = "border", align_corners = true}
      : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %y : tensor<1x1x2x4xf32>
}

// Bicubic reads a 4x4 neighbourhood.
// CHECK-LABEL: func.func @grid_sample_bicubic
// CHECK: linalg.generic
// CHECK-COUNT-16: tensor.extract %arg0
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_sample_bicubic(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %y = graph.grid_sample %x, %g {mode = "bicubic", padding_mode = "reflection"}
      : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %y : tensor<1x1x2x4xf32>
}

// RoiAlign with sampling_ratio = 0: the samples per bin side are
// ceil(bin size), so two scf.for loops with run-time bounds sum the bilinear
// samples, and the average divides by their count.
// CHECK-LABEL: func.func @roi_align_adaptive
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<3x1x5x5xf32>)
// CHECK: %[[R:.+]] = linalg.index 0 : index
// CHECK: tensor.extract %arg1[%[[R]], %{{.+}}] : tensor<3x4xf32>
// CHECK: math.ceil
// CHECK: math.ceil
// CHECK: tensor.extract %arg2[%[[R]]] : tensor<3xi64>
// CHECK: scf.for {{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32)
// CHECK: scf.for {{.+}} iter_args(%{{.+}} = %{{.+}}) -> (f32)
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: arith.addf
// CHECK: scf.yield
// CHECK: scf.yield
// CHECK: arith.divf
// CHECK: linalg.yield
func.func @roi_align_adaptive(%x: tensor<1x1x10x10xf32>, %rois: tensor<3x4xf32>,
                              %b: tensor<3xi64>) -> tensor<3x1x5x5xf32> {
  %y = graph.roi_align %x, %rois, %b {mode = "avg", output_height = 5 : i64,
      output_width = 5 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32,
      coordinate_transformation_mode = "half_pixel"}
      : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
  return %y : tensor<3x1x5x5xf32>
}

// Max mode keeps the largest weighted corner and the largest sample; the
// loop bounds are constants with a fixed sampling_ratio.
// CHECK-LABEL: func.func @roi_align_max
// CHECK: linalg.generic
// CHECK-NOT: math.ceil
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2{{.*}} step
// CHECK: scf.for %{{.+}} = %{{.+}} to %c2{{.*}} step
// CHECK: arith.maxnumf
// CHECK: scf.yield
// CHECK: scf.yield
// CHECK: arith.select
// CHECK: linalg.yield
func.func @roi_align_max(%x: tensor<2x3x8x8xf32>, %rois: tensor<4x4xf32>,
                         %b: tensor<4xi32>) -> tensor<4x3x2x2xf32> {
  %y = graph.roi_align %x, %rois, %b {mode = "max", output_height = 2 : i64,
      output_width = 2 : i64, sampling_ratio = 2 : i64, spatial_scale = 0.5 : f32,
      coordinate_transformation_mode = "output_half_pixel"}
      : (tensor<2x3x8x8xf32>, tensor<4x4xf32>, tensor<4xi32>) -> tensor<4x3x2x2xf32>
  return %y : tensor<4x3x2x2xf32>
}
