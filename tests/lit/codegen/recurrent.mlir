// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Structural checks of the graph-to-linalg lowering of LSTM, GRU and RNN:
// X * W^T for all steps is one matmul before the time loop; the loop carries
// the states (in their Y_h / Y_c slots), Y and the step scratch as tensors
// and updates them through extract_slice / insert_slice pairs.

// CHECK-LABEL: func.func @lstm_forward(
// The states start as fresh copies (zeros here) so the loop updates them in place.
// CHECK: %[[H0:.*]] = bufferization.alloc_tensor() : tensor<1x2x4xf32>
// CHECK: %[[HZ:.*]] = linalg.fill {{.*}} outs(%[[H0]] : tensor<1x2x4xf32>)
// CHECK: %[[C0:.*]] = bufferization.alloc_tensor() : tensor<1x2x4xf32>
// CHECK: %[[CZ:.*]] = linalg.fill {{.*}} outs(%[[C0]] : tensor<1x2x4xf32>)
// CHECK: %[[Y0:.*]] = bufferization.alloc_tensor() : tensor<5x1x2x4xf32>
// Input and recurrent biases initialize the input product.
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<10x16xf32>)
// CHECK: %[[XW:.*]] = linalg.matmul_transpose_b ins(%{{.*}}, %{{.*}} : tensor<10x3xf32>, tensor<16x3xf32>) outs(%[[BIAS]] : tensor<10x16xf32>)
// CHECK: %[[XW3:.*]] = tensor.expand_shape %[[XW]] {{.*}} into tensor<5x2x16xf32>
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %[[HZ]], %[[C:.*]] = %[[CZ]], %[[Y:.*]] = %[[Y0]], %[[X:.*]] = %[[XW3]])
// CHECK:   %[[HPREV:.*]] = tensor.extract_slice %[[H]][0, 0, 0] [1, 2, 4] [1, 1, 1] : tensor<1x2x4xf32> to tensor<2x4xf32>
// CHECK:   %[[STEP:.*]] = tensor.extract_slice %[[X]][%[[T]], 0, 0] [1, 2, 16] [1, 1, 1] : tensor<5x2x16xf32> to tensor<2x16xf32>
// CHECK:   %[[ACC:.*]] = linalg.matmul_transpose_b ins(%[[HPREV]], %{{.*}} : tensor<2x4xf32>, tensor<16x4xf32>) outs(%[[STEP]] : tensor<2x16xf32>)
// The cell state is updated in its Y_c slot...
// CHECK:   %[[CSLOT:.*]] = tensor.extract_slice %[[C]][0, 0, 0] [1, 2, 4]
// CHECK:   %[[CELL:.*]] = linalg.generic {{.*}} outs(%[[CSLOT]] : tensor<2x4xf32>)
// CHECK:     math.tanh
// ...and the hidden state over the output gate's pre-activation.
// CHECK:   %[[OGATE:.*]] = tensor.extract_slice %[[ACC]][0, 4] [2, 4] [1, 1]
// CHECK:   %[[HNEW:.*]] = linalg.generic {{.*}} ins(%[[CELL]], %{{.*}} : tensor<2x4xf32>, tensor<4xf32>) outs(%[[OGATE]] : tensor<2x4xf32>)
// CHECK:   %[[YN:.*]] = tensor.insert_slice %[[HNEW]] into %[[Y]][%[[T]], 0, 0, 0] [1, 1, 2, 4]
// CHECK:   %[[HN:.*]] = tensor.insert_slice %[[HNEW]] into %[[H]][0, 0, 0] [1, 2, 4]
// CHECK:   %[[CN:.*]] = tensor.insert_slice %[[CELL]] into %[[C]][0, 0, 0] [1, 2, 4]
// CHECK:   %[[ACCN:.*]] = tensor.insert_slice %[[HNEW]] into %[[ACC]][0, 4] [2, 4] [1, 1]
// CHECK:   %[[XN:.*]] = tensor.insert_slice %[[ACCN]] into %[[X]][%[[T]], 0, 0] [1, 2, 16]
// CHECK:   scf.yield %[[HN]], %[[CN]], %[[YN]], %[[XN]]
func.func @lstm_forward(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %b: tensor<1x32xf32>, %p: tensor<1x12xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %yh, %yc = graph.lstm %x, %w, %r bias %b peepholes %p {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], direction = "forward", hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x32xf32>, tensor<1x12xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %yh, %yc : tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
}

// CHECK-LABEL: func.func @lstm_unused_y_clip(
// Without a use of Y, the loop carries only the states and X * W^T.
// CHECK: scf.for {{.*}} -> (tensor<1x1x3xf32>, tensor<1x1x3xf32>, tensor<4x1x12xf32>)
// The clip bounds the gate inputs.
// CHECK: %[[BOUND:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: %[[LOW:.*]] = arith.negf %[[BOUND]] : f32
// CHECK: %[[CLAMPED:.*]] = arith.maximumf %{{.*}}, %[[LOW]] : f32
// CHECK: arith.minimumf %[[CLAMPED]], %[[BOUND]] : f32
func.func @lstm_unused_y_clip(%x: tensor<4x1x2xf32>, %w: tensor<1x12x2xf32>, %r: tensor<1x12x3xf32>) -> tensor<1x1x3xf32> {
  %y, %yh, %yc = graph.lstm %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], clip = 1.5 : f32, direction = "forward", hidden_size = 3 : i64} : (tensor<4x1x2xf32>, tensor<1x12x2xf32>, tensor<1x12x3xf32>) -> (tensor<4x1x1x3xf32>, tensor<1x1x3xf32>, tensor<1x1x3xf32>)
  return %yh : tensor<1x1x3xf32>
}

// CHECK-LABEL: func.func @gru_bidirectional(
// CHECK: %[[H0:.*]] = bufferization.alloc_tensor() copy(%arg4) : tensor<2x2x4xf32>
// CHECK: %[[FWD:.*]]:5 = scf.for %{{.*}} iter_args(%[[H:.*]] = %[[H0]], %{{.*}} = %{{.*}}, %[[ZS:.*]] = %{{.*}}, %[[RS:.*]] = %{{.*}}, %[[HS:.*]] = %{{.*}})
// CHECK:   %[[HPREV:.*]] = tensor.extract_slice %[[H]][0, 0, 0] [1, 2, 4]
// With linear_before_reset = false the update and reset gates come first...
// CHECK:   %[[ZF:.*]] = linalg.fill {{.*}} outs(%[[ZS]] : tensor<2x4xf32>)
// CHECK:   %[[ZR:.*]] = linalg.matmul_transpose_b ins(%[[HPREV]], %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>) outs(%[[ZF]] : tensor<2x4xf32>)
// CHECK:   %[[RF:.*]] = linalg.fill {{.*}} outs(%[[RS]] : tensor<2x4xf32>)
// CHECK:   %[[RR:.*]] = linalg.matmul_transpose_b ins(%[[HPREV]], %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>) outs(%[[RF]] : tensor<2x4xf32>)
// CHECK:   %[[G:.*]]:2 = linalg.generic {{.*}} outs(%[[ZR]], %[[RR]] : tensor<2x4xf32>, tensor<2x4xf32>)
// ...then the hidden gate's recurrent product of r * Ht-1.
// CHECK:   %[[HF:.*]] = linalg.fill {{.*}} outs(%[[HS]] : tensor<2x4xf32>)
// CHECK:   linalg.matmul_transpose_b ins(%[[G]]#1, %{{.*}} : tensor<2x4xf32>, tensor<4x4xf32>) outs(%[[HF]] : tensor<2x4xf32>)
// The hidden state is updated in place in its Y_h slot.
// CHECK:   linalg.generic {{.*}} outs(%[[HPREV]] : tensor<2x4xf32>)
// The reverse direction continues on the forward loop's Y_h and Y.
// CHECK: scf.for %[[T:.*]] = %{{.*}} iter_args(%[[H2:.*]] = %[[FWD]]#0, %{{.*}} = %[[FWD]]#1,
// CHECK:   %[[REV:.*]] = arith.subi %{{.*}}, %[[T]] : index
// CHECK:   tensor.extract_slice %[[H2]][1, 0, 0] [1, 2, 4]
// CHECK:   tensor.extract_slice %{{.*}}[%[[REV]], 0, 0] [1, 2, 12]
func.func @gru_bidirectional(%x: tensor<5x2x3xf32>, %w: tensor<2x12x3xf32>, %r: tensor<2x12x4xf32>, %b: tensor<2x24xf32>, %h0: tensor<2x2x4xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>) {
  %y, %yh = graph.gru %x, %w, %r bias %b initial_h %h0 {activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], direction = "bidirectional", hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<2x12x3xf32>, tensor<2x12x4xf32>, tensor<2x24xf32>, tensor<2x2x4xf32>) -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>)
  return %y, %yh : tensor<5x2x2x4xf32>, tensor<2x2x4xf32>
}

// CHECK-LABEL: func.func @gru_linear_before_reset(
// One recurrent product of all three gates per step.
// CHECK: scf.for
// CHECK:   linalg.fill {{.*}} -> tensor<3x12xf32>
// CHECK:   linalg.matmul_transpose_b ins(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<12x4xf32>) outs(%{{.*}} : tensor<3x12xf32>)
// CHECK-NOT: linalg.matmul_transpose_b
// CHECK:   linalg.generic
// CHECK:   scf.yield
func.func @gru_linear_before_reset(%x: tensor<2x3x5xf32>, %w: tensor<1x12x5xf32>, %r: tensor<1x12x4xf32>) -> tensor<1x3x4xf32> {
  %y, %yh = graph.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], direction = "forward", hidden_size = 4 : i64, linear_before_reset = true} : (tensor<2x3x5xf32>, tensor<1x12x5xf32>, tensor<1x12x4xf32>) -> (tensor<2x1x3x4xf32>, tensor<1x3x4xf32>)
  return %yh : tensor<1x3x4xf32>
}

// CHECK-LABEL: func.func @rnn_reverse_batch_first_lens(
// Batch-first X: the product is batch x seq x hidden and steps slice dimension 1.
// CHECK: tensor.expand_shape {{.*}} into tensor<2x5x4xf32>
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[I:.*]] = %{{.*}} iter_args(%[[H:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}}, %[[X:.*]] = %{{.*}})
// CHECK:   %[[T:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK:   %[[T32:.*]] = arith.index_cast %[[T]] : index to i32
// CHECK:   %[[HPREV:.*]] = tensor.extract_slice %[[H]][0, 0, 0] [2, 1, 4]
// CHECK:   %[[STEP:.*]] = tensor.extract_slice %[[X]][0, %[[T]], 0] [2, 1, 4]
// CHECK:   %[[ACC:.*]] = linalg.matmul_transpose_b {{.*}} outs(%[[STEP]] : tensor<2x4xf32>)
// Entries past their length keep their state.
// CHECK:   linalg.generic {{.*}} ins(%arg3, %[[HPREV]] : tensor<2xi32>, tensor<2x4xf32>) outs(%[[ACC]] : tensor<2x4xf32>)
// CHECK:     math.tanh
// CHECK:     %[[ACTIVE:.*]] = arith.cmpi slt, %[[T32]], %{{.*}} : i32
// CHECK:     arith.select %[[ACTIVE]]
// CHECK:   tensor.insert_slice %{{.*}} into %[[Y]][0, %[[T]], 0, 0] [2, 1, 1, 4]
// Their Y rows are zeroed once, after the loop.
// CHECK: %[[MASKED:.*]] = linalg.generic {{.*}} ins(%arg3 : tensor<2xi32>) outs(%[[LOOP]]#1 : tensor<2x5x1x4xf32>)
// CHECK:   linalg.index 1 : index
// CHECK: return %[[MASKED]], %[[LOOP]]#0
func.func @rnn_reverse_batch_first_lens(%x: tensor<2x5x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %lens: tensor<2xi32>) -> (tensor<2x5x1x4xf32>, tensor<2x1x4xf32>) {
  %y, %yh = graph.rnn %x, %w, %r sequence_lens %lens {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "reverse", hidden_size = 4 : i64, layout = 1 : i64} : (tensor<2x5x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<2xi32>) -> (tensor<2x5x1x4xf32>, tensor<2x1x4xf32>)
  return %y, %yh : tensor<2x5x1x4xf32>, tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @rnn_activations(
// HardSigmoid with its alpha and beta, LeakyRelu for the reverse direction.
// CHECK: scf.for
// CHECK:   arith.constant 2.500000e-01 : f32
// CHECK:   arith.constant 7.500000e-01 : f32
// CHECK: scf.for
// CHECK-DAG:   arith.constant 3.000000e-01 : f32
// CHECK-DAG:   arith.cmpf olt
func.func @rnn_activations(%x: tensor<3x1x2xf32>, %w: tensor<2x4x2xf32>, %r: tensor<2x4x4xf32>) -> tensor<2x1x4xf32> {
  %y, %yh = graph.rnn %x, %w, %r {activation_alpha = array<f32: 0.25, 0.3>, activation_beta = array<f32: 0.75, 0.0>, activations = ["HardSigmoid", "LeakyRelu"], direction = "bidirectional", hidden_size = 4 : i64} : (tensor<3x1x2xf32>, tensor<2x4x2xf32>, tensor<2x4x4xf32>) -> (tensor<3x2x1x4xf32>, tensor<2x1x4xf32>)
  return %yh : tensor<2x1x4xf32>
}
