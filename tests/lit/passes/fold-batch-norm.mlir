// RUN: kiln-opt %s --kiln-fold-batch-norm | FileCheck %s

// Two output channels, one input channel, 1x1 kernels: W = [2, 3], b = [1, 1].
// f = scale / sqrt(var + eps) = [4 / sqrt(4), 1 / sqrt(1)] = [2, 1] (eps 0)
// W' = W * f = [4, 3];  b' = (b - mean) * f + bias = [(1-1)*2+5, (1-3)*1+7] = [5, 5].
// CHECK-LABEL: func.func @conv_then_norm
// CHECK-DAG: %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = graph.constant dense<5.000000e+00> : tensor<2xf32>
// CHECK: %[[Y:.*]] = graph.conv %arg0, %[[W]], %[[B]]
// CHECK-NOT: graph.batch_norm
// CHECK: return %[[Y]]
func.func @conv_then_norm(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<1.0> : tensor<2xf32>
  %c = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %scale = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %bias = graph.constant dense<[5.0, 7.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %var = graph.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %y = graph.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// Left alone: the convolution's result is also used elsewhere, and
// statistics computed at run time.
// CHECK-LABEL: func.func @shared_conv
// CHECK: graph.batch_norm
// CHECK-LABEL: func.func @runtime_statistics
// CHECK: graph.batch_norm
func.func @shared_conv(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = graph.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = graph.constant dense<1.0> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %s, %s, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
func.func @runtime_statistics(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = graph.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = graph.constant dense<1.0> : tensor<2xf32>
  %y = graph.batch_norm %c, %s, %s, %mean, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
