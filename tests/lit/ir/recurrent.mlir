// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// The recurrent ops parse, verify and print back, optional operands included.

// CHECK-LABEL: func.func @lstm
// CHECK: %{{.*}}, %{{.*}}, %{{.*}} = graph.lstm %arg0, %arg1, %arg2 bias %arg3 sequence_lens %arg4 initial_h %arg5 initial_c %arg6 peepholes %arg7 {{{.*}}input_forget = true{{.*}}} : (tensor<5x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>, tensor<2xi32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
func.func @lstm(%x: tensor<5x2x3xf32>, %w: tensor<2x16x3xf32>, %r: tensor<2x16x4xf32>, %b: tensor<2x32xf32>, %lens: tensor<2xi32>, %h0: tensor<2x2x4xf32>, %c0: tensor<2x2x4xf32>, %p: tensor<2x12xf32>) -> tensor<2x2x4xf32> {
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b sequence_lens %lens initial_h %h0 initial_c %c0 peepholes %p {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"], clip = 3.0 : f32, direction = "bidirectional", hidden_size = 4 : i64, input_forget = true} : (tensor<5x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>, tensor<2xi32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %yc : tensor<2x2x4xf32>
}

// CHECK-LABEL: func.func @gru_batch_first
// CHECK: graph.gru %arg0, %arg1, %arg2 initial_h %arg3 {{{.*}}layout = 1 : i64, linear_before_reset = true} : (tensor<2x5x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<2x1x4xf32>) -> (tensor<2x5x1x4xf32>, tensor<2x1x4xf32>)
func.func @gru_batch_first(%x: tensor<2x5x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %h0: tensor<2x1x4xf32>) -> tensor<2x1x4xf32> {
  %y, %yh = graph.gru %x, %w, %r initial_h %h0 {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], direction = "forward", hidden_size = 4 : i64, layout = 1 : i64, linear_before_reset = true} : (tensor<2x5x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<2x1x4xf32>) -> (tensor<2x5x1x4xf32>, tensor<2x1x4xf32>)
  return %yh : tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @rnn_dynamic_batch
// CHECK: graph.rnn %arg0, %arg1, %arg2 {{.*}} : (tensor<7x?x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<7x1x?x4xf32>, tensor<1x?x4xf32>)
func.func @rnn_dynamic_batch(%x: tensor<7x?x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<1x?x4xf32> {
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "reverse", hidden_size = 4 : i64} : (tensor<7x?x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<7x1x?x4xf32>, tensor<1x?x4xf32>)
  return %yh : tensor<1x?x4xf32>
}
