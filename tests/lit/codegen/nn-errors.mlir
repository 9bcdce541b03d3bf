// RUN: not kiln-opt %s --split-input-file --kiln-lower-graph-to-linalg 2>&1 | FileCheck %s

// Cases the NN lowerings reject, each with an error at the op.

// CHECK: error: resize with tf_crop_and_resize needs an 'roi' operand of 8 values
func.func @resize_runtime_scales_crop_without_roi(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  %y = graph.resize %x scales %s {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK: error: linear resize of 'tensor<1x1x2x2xi64>' is not supported (only nearest resizes integer tensors)
func.func @resize_linear_integer(%x: tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xi64> {
  %s = graph.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = graph.resize %x scales %s {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "floor"} : (tensor<1x1x2x2xi64>, tensor<4xf32>) -> tensor<1x1x4x4xi64>
  return %y : tensor<1x1x4x4xi64>
}

// -----

// CHECK: error: resize with tf_crop_and_resize needs an 'roi' operand
func.func @resize_crop_without_roi(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %s = graph.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = graph.resize %x scales %s {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK: error: resize 'sizes' do not match the result type 'tensor<1x1x4x4xf32>'
func.func @resize_sizes_mismatch(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %s = graph.constant dense<[1, 1, 4, 3]> : tensor<4xi64>
  %y = graph.resize %x sizes %s {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, tensor<4xi64>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK: error: operand of type 'tensor<?x3x8x8xf32>' has a dynamic shape
func.func @conv_dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32> {
  %y = graph.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
  return %y : tensor<?x4x6x6xf32>
}

// -----

// CHECK: error: integer gemm needs integral alpha and beta, got alpha = 5.000000e-01, beta = 1.000000e+00
func.func @gemm_integer_fractional_alpha(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  %y = graph.gemm %a, %b {alpha = 0.5 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// -----

// CHECK: error: lp_pool needs p >= 1, got 0
func.func @lp_pool_zero_p(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %y = graph.lp_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// CHECK: error: lrn expects an N x C x ... input, got 'tensor<8xf32>'
func.func @lrn_rank_one(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = graph.lrn %x {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 3 : i64} : tensor<8xf32>
  return %y : tensor<8xf32>
}
