// RUN: kiln-opt %s | kiln-opt | FileCheck %s

// Ops for ONNX's second outputs and window functions parse, verify and print
// back.

// CHECK-LABEL: func.func @statistics
func.func @statistics(%x: tensor<2x3x4xf16>, %g: tensor<4xf16>, %p: tensor<1x1x5x5xf32>, %n: tensor<i64>)
    -> (tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<1x1x2x2xi64>, tensor<6xf64>) {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = graph.layer_norm %arg0, %arg1 {axis = 2 : i64} : (tensor<2x3x4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  %y:3 = graph.layer_norm %x, %g {axis = 2 : i64} : (tensor<2x3x4xf16>, tensor<4xf16>) -> (tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
  // CHECK: graph.max_pool_with_indices %arg2 {{{.*}}storage_order = 1 : i64{{.*}}} : (tensor<1x1x5x5xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  %m, %i = graph.max_pool_with_indices %p {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  // CHECK: graph.cosine_window %arg3 {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32, periodic = false} : (tensor<i64>) -> tensor<6xf64>
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32, periodic = false} : (tensor<i64>) -> tensor<6xf64>
  return %y#0, %y#1, %i, %w : tensor<2x3x4xf16>, tensor<2x3x1xf32>, tensor<1x1x2x2xi64>, tensor<6xf64>
}

// Without a constant size the result length may be unknown.
// CHECK-LABEL: func.func @dynamic_window
// CHECK: graph.cosine_window %arg0 {{.*}} -> tensor<?xf32>
func.func @dynamic_window(%n: tensor<i32>) -> tensor<?xf32> {
  %w = graph.cosine_window %n {a0 = 4.200000e-01 : f32, a1 = 5.000000e-01 : f32, a2 = 8.000000e-02 : f32} : (tensor<i32>) -> tensor<?xf32>
  return %w : tensor<?xf32>
}
