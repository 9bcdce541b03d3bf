// RUN: kiln-opt %s --kiln-lower-graph-to-linalg -split-input-file -verify-diagnostics

// Data-movement lowerings report what they cannot compile at the ONNX node.

func.func @pad_reflect_empty(%x: tensor<0x3xf32>) -> tensor<2x3xf32> {
  %pads = graph.constant dense<[1, 1]> : tensor<2xi64>
  %value = graph.constant dense<0.0> : tensor<f32>
  %axes = graph.constant dense<0> : tensor<1xi64>
  // expected-error @below {{cannot pad an empty dimension in 'reflect' mode}}
  // expected-error @below {{failed to legalize operation 'graph.pad'}}
  %r = graph.pad %x, %pads, %value, %axes {mode = "reflect"} : (tensor<0x3xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @transpose_dynamic(%x: tensor<?x4xf32>) -> tensor<4x?xf32> {
  // expected-error @below {{has a dynamic shape; code generation needs static shapes}}
  // expected-error @below {{failed to legalize operation 'graph.transpose'}}
  %r = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
  return %r : tensor<4x?xf32>
}

// -----

func.func @gather_constant_out_of_range(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %id = graph.constant dense<3> : tensor<i64>
  // expected-error @below {{gather index 3 is out of range for axis 1}}
  // expected-error @below {{failed to legalize operation 'graph.gather'}}
  %r = graph.gather %x, %id {axis = 1 : i64} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @gather_nd_batch_mismatch(%x: tensor<2x3x4xf32>, %ids: tensor<3x2x1xi64>) -> tensor<3x2x4xf32> {
  // expected-error @below {{batch dimensions of indices 'tensor<3x2x1xi64>' and data 'tensor<2x3x4xf32>' differ}}
  // expected-error @below {{failed to legalize operation 'graph.gather_nd'}}
  %r = graph.gather_nd %x, %ids {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<3x2x1xi64>) -> tensor<3x2x4xf32>
  return %r : tensor<3x2x4xf32>
}
