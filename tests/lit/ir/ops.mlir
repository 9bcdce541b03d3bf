// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// Every op family parses, verifies and prints back.

// CHECK-LABEL: func.func @cnn
func.func @cnn(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>,
               %s: tensor<16xf32>) -> tensor<1x10xf32> {
  // CHECK: graph.conv %{{.*}}, %{{.*}}, %{{.*}} {{{.*}}kernel_shape = array<i64: 3, 3>{{.*}}} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  %c = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  // CHECK: graph.batch_norm
  %n = graph.batch_norm %c, %s, %b, %b, %s {epsilon = 1.0e-03 : f32} : (tensor<1x16x32x32xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x32x32xf32>
  %r = graph.relu %n : tensor<1x16x32x32xf32>
  // CHECK: graph.max_pool {{.*}} -> tensor<1x16x16x16xf32>
  %p = graph.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x16x32x32xf32>) -> tensor<1x16x16x16xf32>
  %g = graph.global_average_pool %p : (tensor<1x16x16x16xf32>) -> tensor<1x16x1x1xf32>
  %f = graph.flatten %g {axis = 1 : i64} : (tensor<1x16x1x1xf32>) -> tensor<1x16xf32>
  %fw = graph.constant dense<0.5> : tensor<10x16xf32>
  // CHECK: graph.gemm {{.*}} {transB = true}
  %y = graph.gemm %f, %fw {transB = true} : (tensor<1x16xf32>, tensor<10x16xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x16x8xf32>, %g: tensor<16xf32>) -> tensor<1x4x8x16xf32> {
  // CHECK: graph.matmul {{.*}} -> tensor<1x4x8x8xf32>
  %s = graph.matmul %q, %k : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %p = graph.softmax %s {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o = graph.matmul %p, %q : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  // CHECK: graph.layer_norm
  %n:3 = graph.layer_norm %o, %g {axis = 3 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x4x8x16xf32>, tensor<16xf32>) -> (tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>, tensor<1x4x8x1xf32>)
  %e = graph.erf %n#0 : tensor<1x4x8x16xf32>
  return %e : tensor<1x4x8x16xf32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>, %ids: tensor<5xi64>) -> (tensor<4x6xf32>, tensor<5x3x4xf32>, tensor<2x1xi64>) {
  %shape = graph.constant dense<[4, -1]> : tensor<2xi64>
  %perm = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // CHECK: graph.reshape {{.*}} -> tensor<4x6xf32>
  %r = graph.reshape %perm, %shape : (tensor<4x2x3xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  // CHECK: graph.gather {{.*}} {axis = 0 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<5x3x4xf32>
  %g = graph.gather %x, %ids {axis = 0 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<5x3x4xf32>
  %axes = graph.constant dense<[1, 2]> : tensor<2xi64>
  %m = graph.reduce_max %x, %axes {keepdims = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2xf32>
  %a = graph.arg_max %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  %one = graph.constant dense<2> : tensor<1xi64>
  %s = graph.slice %a, %one, %one, %one, %one : (tensor<2x1x4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x1x0xi64>
  %c = graph.cast %m {to = i64} : (tensor<2xf32>) -> tensor<2xi64>
  %u = graph.unsqueeze %c, %one : (tensor<2xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  return %r, %g, %u : tensor<4x6xf32>, tensor<5x3x4xf32>, tensor<2x1xi64>
}

// A result may be more static than inference alone knows.
// CHECK-LABEL: func.func @refined
func.func @refined(%x: tensor<6xf32>, %s: tensor<2xi64>) -> tensor<2x3xf32> {
  // CHECK: graph.reshape {{.*}} -> tensor<2x3xf32>
  %r = graph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
