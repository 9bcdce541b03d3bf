// RUN: kiln-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// The ops of GraphSamplingOps.td parse, verify and print back, and their
// verifiers reject malformed operands and attributes.

// CHECK-LABEL: func.func @round_trip
// CHECK: graph.grid_sample %{{.*}}, %{{.*}} {align_corners = true, mode = "bicubic", padding_mode = "reflection"} : (tensor<2x3x4x5xf32>, tensor<2x6x7x2xf32>) -> tensor<2x3x6x7xf32>
// CHECK: graph.roi_align %{{.*}}, %{{.*}}, %{{.*}} {mode = "max", output_height = 2 : i64, output_width = 3 : i64, sampling_ratio = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x3x2x3xf32>
func.func @round_trip(%x: tensor<2x3x4x5xf32>, %g: tensor<2x6x7x2xf32>, %rois: tensor<4x4xf32>,
                      %b: tensor<4xi64>) -> (tensor<2x3x6x7xf32>, tensor<4x3x2x3xf32>) {
  %0 = graph.grid_sample %x, %g {mode = "bicubic", padding_mode = "reflection", align_corners = true}
      : (tensor<2x3x4x5xf32>, tensor<2x6x7x2xf32>) -> tensor<2x3x6x7xf32>
  %1 = graph.roi_align %x, %rois, %b {mode = "max", output_height = 2 : i64, output_width = 3 : i64,
      sampling_ratio = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x3x2x3xf32>
  return %0, %1 : tensor<2x3x6x7xf32>, tensor<4x3x2x3xf32>
}

// -----

func.func @grid_sample_bad_mode(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{has unknown mode 'cubic'}}
  %0 = graph.grid_sample %x, %g {mode = "cubic"} : (tensor<1x1x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @grid_sample_bad_grid(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x2x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{expects the grid's last dimension to be 2, got 3}}
  %0 = graph.grid_sample %x, %g : (tensor<1x1x4x4xf32>, tensor<1x2x2x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @roi_align_bad_rois(%x: tensor<1x1x4x4xf32>, %rois: tensor<2x5xf32>, %b: tensor<2xi64>) -> tensor<2x1x1x1xf32> {
  // expected-error @+1 {{expects rois of shape (R, 4)}}
  %0 = graph.roi_align %x, %rois, %b : (tensor<1x1x4x4xf32>, tensor<2x5xf32>, tensor<2xi64>) -> tensor<2x1x1x1xf32>
  return %0 : tensor<2x1x1x1xf32>
}

// -----

func.func @roi_align_bad_transform(%x: tensor<1x1x4x4xf32>, %rois: tensor<2x4xf32>, %b: tensor<2xi64>) -> tensor<2x1x1x1xf32> {
  // expected-error @+1 {{has unknown coordinate_transformation_mode 'align_corners'}}
  %0 = graph.roi_align %x, %rois, %b {coordinate_transformation_mode = "align_corners"}
      : (tensor<1x1x4x4xf32>, tensor<2x4xf32>, tensor<2xi64>) -> tensor<2x1x1x1xf32>
  return %0 : tensor<2x1x1x1xf32>
}
