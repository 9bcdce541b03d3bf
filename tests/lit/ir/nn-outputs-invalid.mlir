// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @layer_norm_statistics_shape(%x: tensor<2x8xf32>, %g: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2x8xf32>', 'tensor<2x1xf32>', 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2x8xf32>', 'tensor<2x8xf32>', 'tensor<2x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = graph.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x1xf32>)
  return %0#0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_stash_type(%x: tensor<2x8xf16>, %g: tensor<8xf16>) -> tensor<2x8xf16> {
  // Statistics are f32 unless stash_type says otherwise.
  // expected-error @+2 {{are incompatible with return type(s)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = graph.layer_norm %x, %g {axis = 1 : i64} : (tensor<2x8xf16>, tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x1xf16>, tensor<2x1xf16>)
  return %0#0 : tensor<2x8xf16>
}

// -----

func.func @max_pool_storage_order(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64> {
  // expected-error @+1 {{storage_order must be 0 (row-major) or 1 (column-major), got 2}}
  %y, %i = graph.max_pool_with_indices %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 2 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %i : tensor<1x1x2x2xi64>
}

// -----

func.func @window_constant_size() -> tensor<8xf32> {
  %n = graph.constant dense<10> : tensor<i64>
  // expected-error @+1 {{result 'tensor<8xf32>' does not have the constant size 10}}
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32} : (tensor<i64>) -> tensor<8xf32>
  return %w : tensor<8xf32>
}

// -----

func.func @window_size_not_scalar(%n: tensor<2xi64>) -> tensor<8xf32> {
  // expected-error @+1 {{expects a scalar size, got 'tensor<2xi64>'}}
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32} : (tensor<2xi64>) -> tensor<8xf32>
  return %w : tensor<8xf32>
}
