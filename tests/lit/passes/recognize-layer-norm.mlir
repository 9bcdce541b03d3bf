// RUN: kiln-opt %s --kiln-recognize-layer-norm | FileCheck %s
// RUN: kiln-opt %s --kiln-recognize-layer-norm --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// The form torch exports below opset 17; the new op names all nine nodes.
// CHECK-LABEL: func.func @torch_export
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK-NOT: graph.reduce_mean
// CHECK: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64}
// CHECK-SAME: -> (tensor<1x4x8xf32>, tensor<1x4x1xf32>, tensor<1x4x1xf32>)
// LOC-LABEL: func.func @torch_export
// LOC: graph.layer_norm
// LOC-SAME: loc(fused["n/ReduceMean", "n/Sub", "n/Pow", "n/ReduceMean_1", "n/Add", "n/Sqrt", "n/Div", "n/Mul", "n/Add_1"])
// CHECK-NOT: graph.
// CHECK: return %[[Y]]
func.func @torch_export(%x: tensor<1x4x8xf32>, %gamma: tensor<8xf32>, %beta: tensor<8xf32>) -> tensor<1x4x8xf32> {
  %axes = graph.constant dense<-1> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<1x4x8xf32>, tensor<1xi64>) -> tensor<1x4x1xf32> loc("n/ReduceMean")
  %d = graph.sub %x, %mean : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32> loc("n/Sub")
  %sq = graph.pow %d, %two : (tensor<1x4x8xf32>, tensor<f32>) -> tensor<1x4x8xf32> loc("n/Pow")
  %var = graph.reduce_mean %sq, %axes : (tensor<1x4x8xf32>, tensor<1xi64>) -> tensor<1x4x1xf32> loc("n/ReduceMean_1")
  %shifted = graph.add %var, %eps : (tensor<1x4x1xf32>, tensor<f32>) -> tensor<1x4x1xf32> loc("n/Add")
  %std = graph.sqrt %shifted : tensor<1x4x1xf32> loc("n/Sqrt")
  %y = graph.div %d, %std : (tensor<1x4x8xf32>, tensor<1x4x1xf32>) -> tensor<1x4x8xf32> loc("n/Div")
  %scaled = graph.mul %y, %gamma : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("n/Mul")
  %out = graph.add %scaled, %beta : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32> loc("n/Add_1")
  return %out : tensor<1x4x8xf32>
}

// The last axis by positive index, Mul(d, d), epsilon, gamma and beta on the left.
// CHECK-LABEL: func.func @variants
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK-DAG: %[[G:.+]] = graph.constant dense<2.000000e+00> : tensor<8xf32>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<5.000000e-01> : tensor<8xf32>
// CHECK: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %[[X]], %[[G]], %[[B]] {axis = 1 : i64, epsilon = 1.000000e-03 : f32}
// CHECK-NOT: graph.
// CHECK: return %[[Y]]
func.func @variants(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %axes = graph.constant dense<1> : tensor<1xi64>
  %eps = graph.constant dense<1.0e-3> : tensor<1xf32>
  %gamma = graph.constant dense<2.0> : tensor<8xf32>
  %beta = graph.constant dense<0.5> : tensor<8xf32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = graph.mul %d, %d : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %shifted = graph.add %eps, %var : (tensor<1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %std = graph.sqrt %shifted : tensor<4x1xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %scaled = graph.mul %gamma, %y : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %out = graph.add %beta, %scaled : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %out : tensor<4x8xf32>
}

// Without gamma and beta: a scale of ones and no bias.
// CHECK-LABEL: func.func @no_affine
// CHECK: %[[ONES:.+]] = graph.constant dense<1.000000e+00> : tensor<8xf32>
// CHECK: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %arg0, %[[ONES]] {axis = 1 : i64} :
// CHECK-NOT: graph.
// CHECK: return %[[Y]]
func.func @no_affine(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %axes = graph.constant dense<-1> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = graph.pow %d, %two : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %shifted = graph.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %std = graph.sqrt %shifted : tensor<4x1xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// A scale that varies along rows is not LayerNormalization's gamma: the
// normalization is recognized and the Mul stays after it.
// CHECK-LABEL: func.func @full_size_scale
// CHECK: %[[Y:.+]], %{{.+}}, %{{.+}} = graph.layer_norm %arg0, %{{.+}} {axis = 1 : i64
// CHECK: %[[S:.+]] = graph.mul %[[Y]], %arg1
// CHECK: return %[[S]]
func.func @full_size_scale(%x: tensor<4x8xf32>, %scale: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %axes = graph.constant dense<-1> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = graph.pow %d, %two : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %shifted = graph.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %std = graph.sqrt %shifted : tensor<4x1xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %scaled = graph.mul %y, %scale : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %scaled : tensor<4x8xf32>
}

// Left alone: the centered values are also returned, so they must exist anyway.
// CHECK-LABEL: func.func @shared_intermediate
// CHECK-NOT: graph.layer_norm
// CHECK: graph.reduce_mean
// CHECK-NOT: graph.layer_norm
// CHECK: return
func.func @shared_intermediate(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %axes = graph.constant dense<-1> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = graph.pow %d, %two : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %shifted = graph.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %std = graph.sqrt %shifted : tensor<4x1xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y, %d : tensor<4x8xf32>, tensor<4x8xf32>
}

// Left alone: the statistics are over axis 0, not the last axis.
// CHECK-LABEL: func.func @not_last_axis
// CHECK-NOT: graph.layer_norm
// CHECK: graph.reduce_mean
// CHECK-NOT: graph.layer_norm
// CHECK: return
func.func @not_last_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %axes = graph.constant dense<0> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<1x8xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  %sq = graph.pow %d, %two : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<1x8xf32>
  %shifted = graph.add %var, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %std = graph.sqrt %shifted : tensor<1x8xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Left alone: epsilon is computed at run time.
// CHECK-LABEL: func.func @runtime_epsilon
// CHECK-NOT: graph.layer_norm
// CHECK: graph.reduce_mean
// CHECK-NOT: graph.layer_norm
// CHECK: return
func.func @runtime_epsilon(%x: tensor<4x8xf32>, %eps: tensor<f32>) -> tensor<4x8xf32> {
  %axes = graph.constant dense<-1> : tensor<1xi64>
  %two = graph.constant dense<2.0> : tensor<f32>
  %mean = graph.reduce_mean %x, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %sq = graph.pow %d, %two : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %var = graph.reduce_mean %sq, %axes : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %shifted = graph.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %std = graph.sqrt %shifted : tensor<4x1xf32>
  %y = graph.div %d, %std : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
