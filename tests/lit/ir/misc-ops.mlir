// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// The ops of GraphMiscOps.td parse, verify and print back; results more
// static than inference gives (TopK and OneHot with run-time k and depth) are
// kept.

// CHECK-LABEL: func.func @losses
func.func @losses(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> (tensor<f32>, tensor<3x2xf32>) {
  // CHECK: graph.negative_log_likelihood_loss %{{.*}}, %{{.*}}, %{{.*}} {ignore_index = -1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  %m = graph.negative_log_likelihood_loss %x, %t, %w {ignore_index = -1 : i64, reduction = "mean"} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  // CHECK: graph.negative_log_likelihood_loss %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<3x5x2xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %n = graph.negative_log_likelihood_loss %x, %t {reduction = "none"} : (tensor<3x5x2xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %m, %n : tensor<f32>, tensor<3x2xf32>
}

// CHECK-LABEL: func.func @masks_and_scans
func.func @masks_and_scans(%x: tensor<4x5xi64>, %k: tensor<i64>, %a: tensor<i32>, %i: tensor<3xi64>, %d: tensor<f32>, %v: tensor<2xf32>)
    -> (tensor<4x5xi64>, tensor<4x5xi64>, tensor<4x5xf32>, tensor<3x10xf32>) {
  // CHECK: graph.trilu %{{.*}}, %{{.*}} {upper = false} : (tensor<4x5xi64>, tensor<i64>) -> tensor<4x5xi64>
  %t = graph.trilu %x, %k {upper = false} : (tensor<4x5xi64>, tensor<i64>) -> tensor<4x5xi64>
  // CHECK: graph.cumsum %{{.*}}, %{{.*}} {exclusive = true} : (tensor<4x5xi64>, tensor<i32>) -> tensor<4x5xi64>
  %c = graph.cumsum %t, %a {exclusive = true} : (tensor<4x5xi64>, tensor<i32>) -> tensor<4x5xi64>
  // CHECK: graph.eye_like %{{.*}} {dtype = f32, k = 2 : i64} : (tensor<4x5xi64>) -> tensor<4x5xf32>
  %e = graph.eye_like %x {dtype = f32, k = 2 : i64} : (tensor<4x5xi64>) -> tensor<4x5xf32>
  // CHECK: graph.one_hot %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x10xf32>
  %o = graph.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x10xf32>
  return %t, %c, %e, %o : tensor<4x5xi64>, tensor<4x5xi64>, tensor<4x5xf32>, tensor<3x10xf32>
}

// CHECK-LABEL: func.func @einsum
func.func @einsum(%a: tensor<2x3xf64>, %b: tensor<3x4xf64>, %c: tensor<7x5x5xf64>) -> (tensor<2x4xf64>, tensor<4x2xf64>, tensor<7x5xf64>) {
  // CHECK: graph.einsum %{{.*}}, %{{.*}} {equation = "ij,jk"} : (tensor<2x3xf64>, tensor<3x4xf64>) -> tensor<2x4xf64>
  %m = graph.einsum %a, %b {equation = "ij,jk"} : (tensor<2x3xf64>, tensor<3x4xf64>) -> tensor<2x4xf64>
  // CHECK: graph.einsum {{.*}} -> tensor<4x2xf64>
  %t = graph.einsum %a, %b {equation = "ij,jk->ki"} : (tensor<2x3xf64>, tensor<3x4xf64>) -> tensor<4x2xf64>
  // CHECK: graph.einsum {{.*}} -> tensor<7x5xf64>
  %d = graph.einsum %c {equation = "...ii ->...i"} : (tensor<7x5x5xf64>) -> tensor<7x5xf64>
  return %m, %t, %d : tensor<2x4xf64>, tensor<4x2xf64>, tensor<7x5xf64>
}

// CHECK-LABEL: func.func @scatters_and_top_k
func.func @scatters_and_top_k(%d: tensor<4x4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4x4xf32>,
                              %ei: tensor<1x2x4xi32>, %eu: tensor<1x2x4xf32>, %k: tensor<1xi64>)
    -> (tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<4x2x4xf32>, tensor<4x2x4xi64>) {
  // CHECK: graph.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = "mul"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
  %n = graph.scatter_nd %d, %i, %u {reduction = "mul"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
  // CHECK: graph.scatter_elements %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<4x4x4xf32>, tensor<1x2x4xi32>, tensor<1x2x4xf32>) -> tensor<4x4x4xf32>
  %e = graph.scatter_elements %n, %ei, %eu {axis = 2 : i64} : (tensor<4x4x4xf32>, tensor<1x2x4xi32>, tensor<1x2x4xf32>) -> tensor<4x4x4xf32>
  // CHECK: graph.top_k %{{.*}}, %{{.*}} {axis = 1 : i64, sorted = false} : (tensor<4x4x4xf32>, tensor<1xi64>) -> (tensor<4x2x4xf32>, tensor<4x2x4xi64>)
  %v, %x = graph.top_k %e, %k {axis = 1 : i64, sorted = false} : (tensor<4x4x4xf32>, tensor<1xi64>) -> (tensor<4x2x4xf32>, tensor<4x2x4xi64>)
  return %n, %e, %v, %x : tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<4x2x4xf32>, tensor<4x2x4xi64>
}
