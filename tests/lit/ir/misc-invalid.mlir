// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @nll_bad_reduction(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> tensor<f32> {
  // expected-error @+1 {{unknown reduction 'max' (expected one of none, sum, mean)}}
  %0 = graph.negative_log_likelihood_loss %x, %t {reduction = "max"} : (tensor<3x5xf32>, tensor<3xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @nll_bad_weight(%x: tensor<3x5xf32>, %t: tensor<3xi64>, %w: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{expects one weight per class, got 'tensor<4xf32>'}}
  %0 = graph.negative_log_likelihood_loss %x, %t, %w : (tensor<3x5xf32>, tensor<3xi64>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @trilu_vector(%x: tensor<4xf32>, %k: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{expects a tensor of rank >= 2, got 'tensor<4xf32>'}}
  %0 = graph.trilu %x, %k : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cumsum_axis_range(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %a = graph.constant dense<2> : tensor<i64>
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = graph.cumsum %x, %a : (tensor<4x2xf32>, tensor<i64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @eye_like_rank(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expects a 2-D operand, got 'tensor<4xf32>'}}
  %0 = graph.eye_like %x {dtype = f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{expects 'values' to be [off_value, on_value], got 'tensor<3xf32>'}}
  %0 = graph.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @einsum_sizes(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{invalid einsum equation 'ij,jk': dimension sizes 3 and 4 given for one label}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.einsum %a, %b {equation = "ij,jk"} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @einsum_missing_ellipsis(%a: tensor<2x3x4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{the result term needs '...' for the operands' ellipsis dimensions}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = graph.einsum %a {equation = "...i->i"} : (tensor<2x3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @scatter_elements_shapes(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x2xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{indices 'tensor<2x3xi64>' and updates 'tensor<2x2xf32>' differ in shape}}
  %0 = graph.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{updates 'tensor<2x3xf32>' do not match indices 'tensor<2x1xi64>' and data 'tensor<4x4xf32>'}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @top_k_too_many(%x: tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>) {
  %k = graph.constant dense<5> : tensor<1xi64>
  // expected-error @+1 {{k = 5 is out of range for an axis of size 4}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return %v, %i : tensor<3x5xf32>, tensor<3x5xi64>
}
