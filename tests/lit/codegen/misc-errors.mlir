// RUN: not kiln-opt %s --split-input-file --kiln-lower-graph-to-linalg 2>&1 | FileCheck %s

// Cases the misc lowerings reject, each with an error at the op.

// A run-time depth whose result size nobody knows leaves a dynamic shape (a
// TopK with a run-time k is bounded by its axis: see data-dependent.mlir).
// CHECK: error: result of type 'tensor<3x?xf32>' has a dynamic shape; code generation needs static shapes
func.func @one_hot_runtime_depth(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> tensor<3x?xf32> {
  %y = graph.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----

// CHECK: error: indices 'tensor<2x5xi64>' exceed data 'tensor<3x4xf32>' in dimension 1
func.func @scatter_elements_wide_indices(%d: tensor<3x4xf32>, %i: tensor<2x5xi64>, %u: tensor<2x5xf32>) -> tensor<3x4xf32> {
  %y = graph.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x5xi64>, tensor<2x5xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// CHECK: error: negative_log_likelihood_loss needs at least one class, got 'tensor<3x0xf32>'
func.func @nll_no_classes(%x: tensor<3x0xf32>, %t: tensor<3xi64>) -> tensor<f32> {
  %y = graph.negative_log_likelihood_loss %x, %t : (tensor<3x0xf32>, tensor<3xi64>) -> tensor<f32>
  return %y : tensor<f32>
}
