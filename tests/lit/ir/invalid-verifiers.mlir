// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// One case per verifier message that no other test reaches. Ops with type
// inference are given operands whose inference succeeds, so that the op's own
// verifier (which runs after it) is what fails.

//===----------------------------------------------------------------------===//
// Recurrent ops
//===----------------------------------------------------------------------===//

func.func @rnn_layout(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{layout must be 0 or 1, got 2}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 2 : i64} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @rnn_hidden_size(%x: tensor<5x2x3xf32>, %w: tensor<1x0x3xf32>, %r: tensor<1x0x0xf32>) -> tensor<1x2x0xf32> {
  // expected-error @+1 {{hidden_size must be positive, got 0}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 0 : i64} : (tensor<5x2x3xf32>, tensor<1x0x3xf32>, tensor<1x0x0xf32>) -> (tensor<5x1x2x0xf32>, tensor<1x2x0xf32>)
  return %yh : tensor<1x2x0xf32>
}

// -----

func.func @rnn_x_rank(%x: tensor<5x2xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{X must have rank 3, got 'tensor<5x2xf32>'}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64} : (tensor<5x2xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @rnn_element_type(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf16>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{operands must share the element type of X, got 'tensor<1x4x3xf16>'}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x4x3xf16>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @rnn_alpha_count(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{expects one activation_alpha and activation_beta value per activation (1)}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

// -----

func.func @rnn_clip(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+1 {{clip must be positive}}
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], clip = -1.0 : f32, direction = "forward", hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %yh : tensor<1x2x4xf32>
}

//===----------------------------------------------------------------------===//
// Tensor ops
//===----------------------------------------------------------------------===//

// -----

func.func @range_not_scalar(%s: tensor<2xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{expects scalar start, limit and delta, got 'tensor<2xi64>'}}
  %0 = graph.range %s, %s, %s : (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @range_result(%s: tensor<i64>) -> tensor<?xi32> {
  // expected-error @+1 {{expects a 1-D result of the operands' element type}}
  %0 = graph.range %s, %s, %s : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

func.func @tile_repeats(%x: tensor<2x3xf32>, %r: tensor<3xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{expects one repeat per input dimension}}
  %0 = graph.tile %x, %r : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @concat_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<4x3xf32> {
  // expected-error @+1 {{operands differ in element type: 'f32' vs 'f16'}}
  %0 = graph.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @split_no_results(%x: tensor<6xf32>, %s: tensor<0xi64>) {
  // expected-error @+1 {{expects at least one result}}
  graph.split %x, %s {axis = 0 : i64} : (tensor<6xf32>, tensor<0xi64>) -> ()
  return
}

// -----

func.func @split_result_rank(%x: tensor<1x6xf32>, %s: tensor<1xi64>) -> tensor<6xf32> {
  // expected-error @+1 {{results must have the input's rank and element type}}
  %0 = graph.split %x, %s {axis = 1 : i64} : (tensor<1x6xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @slice_lengths(%x: tensor<4x4xf32>, %a: tensor<1xi64>, %b: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{expects starts, ends, axes and steps of one length}}
  %0 = graph.slice %x, %a, %b, %a, %a : (tensor<4x4xf32>, tensor<1xi64>, tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @pad_constant_value(%x: tensor<2xf32>, %p: tensor<2xi64>, %v: tensor<f16>, %a: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{expects a scalar constant_value of the data's element type}}
  %0 = graph.pad %x, %p, %v, %a : (tensor<2xf32>, tensor<2xi64>, tensor<f16>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @pad_count(%x: tensor<2xf32>, %p: tensor<3xi64>, %v: tensor<f32>, %a: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{expects two pads per padded axis}}
  %0 = graph.pad %x, %p, %v, %a : (tensor<2xf32>, tensor<3xi64>, tensor<f32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @space_to_depth_blocks(%x: tensor<1x1x3x4xf32>) -> tensor<1x4x1x2xf32> {
  // expected-error @+1 {{spatial size 3 is not divisible by blocksize 2}}
  %0 = graph.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x1x3x4xf32>) -> tensor<1x4x1x2xf32>
  return %0 : tensor<1x4x1x2xf32>
}

// -----

func.func @gather_elements_rank(%d: tensor<3x3xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{expects indices of the data's rank}}
  %0 = graph.gather_elements %d, %i {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

//===----------------------------------------------------------------------===//
// Neural-network ops
//===----------------------------------------------------------------------===//

// -----

func.func @global_pool_rank(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects an N x C x D1 x ... input of rank >= 3, got rank 2}}
  %0 = graph.global_average_pool %x : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @conv_input_rank(%x: tensor<1x3xf32>, %w: tensor<8x3xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{expects an N x C x D1 x ... input of rank >= 3, got rank 2}}
  %0 = graph.conv %x, %w {dilations = array<i64>, kernel_shape = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<1x3xf32>, tensor<8x3xf32>) -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{expects weight of rank 4, got 'tensor<8x3x3xf32>'}}
  %0 = graph.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{group must be positive, got 0}}
  %0 = graph.conv %x, %w {dilations = array<i64: 1, 1>, group = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x5x5xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{kernel_shape does not match the weight's spatial dimensions}}
  %0 = graph.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x5x5xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @conv_output_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x8x8xf32> {
  // expected-error @+1 {{output channels 6 are not divisible by group 4}}
  %0 = graph.conv %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}

// -----

func.func @conv_element_types(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf16>) -> tensor<1x8x8x8xf32> {
  // expected-error @+1 {{expects input and weight of one element type}}
  %0 = graph.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf16>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @batch_norm_rank(%x: tensor<3xf32>, %p: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects an input of rank >= 2, got 'tensor<3xf32>'}}
  %0 = graph.batch_norm %x, %p, %p, %p, %p : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cosine_window_result(%n: tensor<i64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expects a 1-D result, got 'tensor<2x4xf32>'}}
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32} : (tensor<i64>) -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @cosine_window_negative() -> tensor<?xf32> {
  %n = graph.constant dense<-1> : tensor<i64>
  // expected-error @+1 {{size must not be negative, got -1}}
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32} : (tensor<i64>) -> tensor<?xf32>
  return %w : tensor<?xf32>
}

// -----

func.func @resize_coordinate_mode(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{unknown coordinate_transformation_mode 'corner'}}
  %0 = graph.resize %x scales %s {coordinate_transformation_mode = "corner"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_nearest_mode(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{unknown nearest_mode 'round'}}
  %0 = graph.resize %x scales %s {nearest_mode = "round"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_scales_count(%x: tensor<1x1x2x2xf32>, %s: tensor<2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{expects one scale or size per input dimension, got 'tensor<2xf32>'}}
  %0 = graph.resize %x scales %s : (tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Miscellaneous ops
//===----------------------------------------------------------------------===//

// -----

func.func @nll_weight_type(%x: tensor<3x5xf32>, %t: tensor<3xi64>, %w: tensor<5xf16>) -> tensor<f32> {
  // expected-error @+1 {{expects weights of the input's element type}}
  %0 = graph.negative_log_likelihood_loss %x, %t, %w : (tensor<3x5xf32>, tensor<3xi64>, tensor<5xf16>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @trilu_k(%x: tensor<4x5xf32>, %k: tensor<2xi64>) -> tensor<4x5xf32> {
  // expected-error @+1 {{expects a scalar 'k', got 'tensor<2xi64>'}}
  %0 = graph.trilu %x, %k : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @cumsum_axis(%x: tensor<4x2xf32>, %a: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error @+1 {{expects a scalar 'axis', got 'tensor<2xi64>'}}
  %0 = graph.cumsum %x, %a : (tensor<4x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @eye_like_dtype(%x: tensor<4x5xf32>) -> tensor<4x5xindex> {
  // expected-error @+1 {{expects a numeric or i1 'dtype', got 'index'}}
  %0 = graph.eye_like %x {dtype = index} : (tensor<4x5xf32>) -> tensor<4x5xindex>
  return %0 : tensor<4x5xindex>
}

// -----

func.func @one_hot_depth(%i: tensor<3xi64>, %d: tensor<2xi64>, %v: tensor<2xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{expects a scalar 'depth', got 'tensor<2xi64>'}}
  %0 = graph.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<2xi64>, tensor<2xf32>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

func.func @scatter_elements_rank(%d: tensor<3x3xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{expects indices and updates of the data's rank}}
  %0 = graph.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @scatter_elements_updates_type(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf16>) -> tensor<3x3xf32> {
  // expected-error @+1 {{expects updates of the data's element type}}
  %0 = graph.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf16>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @scatter_nd_updates_type(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{expects updates of the data's element type}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf16>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_indices_rank(%d: tensor<4x4xf32>, %i: tensor<i64>, %u: tensor<4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{expects indices of rank >= 1}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<i64>, tensor<4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_depth(%d: tensor<4x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{index tuples of length 3 exceed the data's rank 2}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @scatter_nd_updates_rank(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{expects updates of rank 2, got 'tensor<2x4x4xf32>'}}
  %0 = graph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @top_k_k(%x: tensor<3x4xf32>, %k: tensor<2xi64>) -> tensor<3x?xf32> {
  // expected-error @+1 {{expects a one-element 'k', got 'tensor<2xi64>'}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v : tensor<3x?xf32>
}

// -----

func.func @top_k_shapes(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> tensor<3x2xf32> {
  // expected-error @+1 {{expects values and indices of one shape}}
  %v, %i = graph.top_k %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x3xi64>)
  return %v : tensor<3x2xf32>
}
