// RUN: kiln-opt %s --kiln-fuse-sibling-matmuls | FileCheck %s
// RUN: kiln-opt %s --kiln-fuse-sibling-matmuls --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=LOC

// Q, K and V projections of one activation, each with its bias: one product
// with the weights side by side along N, one Add of the biases side by side,
// and a slice of the last axis per projection.
// CHECK-LABEL: func.func @qkv_with_biases
// CHECK-DAG: %[[W:.+]] = graph.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 7.000000e+00, 9.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 8.000000e+00, 1.000000e+01]]> : tensor<2x5xf32>
// CHECK-DAG: %[[B:.+]] = graph.constant dense<[5.000000e-01, 1.500000e+00, 2.500000e+00, 3.500000e+00, 4.500000e+00]> : tensor<5xf32>
// CHECK: %[[P:.+]] = graph.matmul %arg0, %[[W]] : (tensor<1x4x2xf32>, tensor<2x5xf32>) -> tensor<1x4x5xf32>
// CHECK: %[[PB:.+]] = graph.add %[[P]], %[[B]] : (tensor<1x4x5xf32>, tensor<5xf32>) -> tensor<1x4x5xf32>
// CHECK-DAG: %[[AXIS:.+]] = graph.constant dense<2> : tensor<1xi64>
// CHECK-DAG: %[[STEP:.+]] = graph.constant dense<1> : tensor<1xi64>
// CHECK-DAG: %[[C0:.+]] = graph.constant dense<0> : tensor<1xi64>
// CHECK-DAG: %[[C3:.+]] = graph.constant dense<3> : tensor<1xi64>
// CHECK-DAG: %[[C4:.+]] = graph.constant dense<4> : tensor<1xi64>
// CHECK-DAG: %[[C5:.+]] = graph.constant dense<5> : tensor<1xi64>
// CHECK-DAG: %[[Q:.+]] = graph.slice %[[PB]], %[[C0]], %[[C3]], %[[AXIS]], %[[STEP]] : {{.*}} -> tensor<1x4x3xf32>
// CHECK-DAG: %[[K:.+]] = graph.slice %[[PB]], %[[C3]], %[[C4]], %[[AXIS]], %[[STEP]] : {{.*}} -> tensor<1x4x1xf32>
// CHECK-DAG: %[[V:.+]] = graph.slice %[[PB]], %[[C4]], %[[C5]], %[[AXIS]], %[[STEP]] : {{.*}} -> tensor<1x4x1xf32>
// CHECK-NOT: graph.matmul
// CHECK-NOT: graph.add
// CHECK: return %[[Q]], %[[K]], %[[V]]
// LOC-LABEL: func.func @qkv_with_biases
// LOC: graph.matmul {{.*}} loc(fused["q", "k", "v"])
// LOC: graph.add {{.*}} loc(fused["q_bias", "k_bias", "v_bias"])
// LOC: graph.slice {{.*}} loc("q_bias")
func.func @qkv_with_biases(%x: tensor<1x4x2xf32>) -> (tensor<1x4x3xf32>, tensor<1x4x1xf32>, tensor<1x4x1xf32>) {
  %wq = graph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %wk = graph.constant dense<[[7.0], [8.0]]> : tensor<2x1xf32>
  %wv = graph.constant dense<[[9.0], [10.0]]> : tensor<2x1xf32>
  %bq = graph.constant dense<[0.5, 1.5, 2.5]> : tensor<3xf32>
  %bk = graph.constant dense<3.5> : tensor<1xf32>
  %bv = graph.constant dense<4.5> : tensor<1xf32>
  %q = graph.matmul %x, %wq : (tensor<1x4x2xf32>, tensor<2x3xf32>) -> tensor<1x4x3xf32> loc("q")
  %qb = graph.add %q, %bq : (tensor<1x4x3xf32>, tensor<3xf32>) -> tensor<1x4x3xf32> loc("q_bias")
  %k = graph.matmul %x, %wk : (tensor<1x4x2xf32>, tensor<2x1xf32>) -> tensor<1x4x1xf32> loc("k")
  %kb = graph.add %bk, %k : (tensor<1xf32>, tensor<1x4x1xf32>) -> tensor<1x4x1xf32> loc("k_bias")
  %v = graph.matmul %x, %wv : (tensor<1x4x2xf32>, tensor<2x1xf32>) -> tensor<1x4x1xf32> loc("v")
  %vb = graph.add %v, %bv : (tensor<1x4x1xf32>, tensor<1xf32>) -> tensor<1x4x1xf32> loc("v_bias")
  return %qb, %kb, %vb : tensor<1x4x3xf32>, tensor<1x4x1xf32>, tensor<1x4x1xf32>
}

// Gemms with transB (weights [N, K]) and a bias each: the weights are
// transposed at compile time and the fused Gemm takes the biases as C.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-DAG: %[[W:.+]] = graph.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[C:.+]] = graph.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[P:.+]] = graph.gemm %arg0, %[[W]], %[[C]] : (tensor<3x2xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
// CHECK: %[[A:.+]] = graph.slice %[[P]], {{.*}} -> tensor<3x2xf32>
// CHECK: %[[B:.+]] = graph.slice %[[P]], {{.*}} -> tensor<3x1xf32>
// CHECK-NOT: graph.gemm
// CHECK: return %[[A]], %[[B]]
// LOC-LABEL: func.func @gemm_trans_b
// LOC: graph.gemm {{.*}} loc(fused["a", "b"])
func.func @gemm_trans_b(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
  %wa = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %ca = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %wb = graph.constant dense<[[5.0, 6.0]]> : tensor<1x2xf32>
  %cb = graph.constant dense<3.0> : tensor<1xf32>
  %a = graph.gemm %x, %wa, %ca {transB = true} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("a")
  %b = graph.gemm %x, %wb, %cb {transB = true} : (tensor<3x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<3x1xf32> loc("b")
  return %a, %b : tensor<3x2xf32>, tensor<3x1xf32>
}

// A Gemm beside a MatMul without a bias: a MatMul and an Add, with zeros
// for the MatMul's columns.
// CHECK-LABEL: func.func @gemm_beside_matmul
// CHECK-DAG: %[[W:.+]] = graph.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[C:.+]] = graph.constant dense<[1.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK: %[[P:.+]] = graph.matmul %arg0, %[[W]]
// CHECK: %[[PB:.+]] = graph.add %[[P]], %[[C]]
// CHECK: graph.slice %[[PB]]
// CHECK: graph.slice %[[PB]]
// CHECK-NOT: graph.gemm
func.func @gemm_beside_matmul(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
  %wa = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %ca = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %wb = graph.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32>
  %a = graph.gemm %x, %wa, %ca {transB = true} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %b = graph.matmul %x, %wb : (tensor<3x2xf32>, tensor<2x1xf32>) -> tensor<3x1xf32>
  return %a, %b : tensor<3x2xf32>, tensor<3x1xf32>
}

// The first product's result is also returned, so its bias Add stays (on
// the slice) and the fused bias has zeros there.
// CHECK-LABEL: func.func @bias_add_with_other_user
// CHECK-DAG: %[[C:.+]] = graph.constant dense<[0.000000e+00, 0.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[BQ:.+]] = graph.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[P:.+]] = graph.matmul %arg0, %{{.+}} : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
// CHECK: %[[PB:.+]] = graph.add %[[P]], %[[C]]
// CHECK: %[[Q:.+]] = graph.slice %[[PB]], {{.*}} -> tensor<3x2xf32>
// CHECK: %[[K:.+]] = graph.slice %[[PB]], {{.*}} -> tensor<3x1xf32>
// CHECK: %[[QB:.+]] = graph.add %[[Q]], %[[BQ]]
// CHECK: return %[[QB]], %[[Q]], %[[K]]
func.func @bias_add_with_other_user(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x1xf32>) {
  %wq = graph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %bq = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %wk = graph.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32>
  %bk = graph.constant dense<3.0> : tensor<1xf32>
  %q = graph.matmul %x, %wq : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %qb = graph.add %q, %bq : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %k = graph.matmul %x, %wk : (tensor<3x2xf32>, tensor<2x1xf32>) -> tensor<3x1xf32>
  %kb = graph.add %k, %bk : (tensor<3x1xf32>, tensor<1xf32>) -> tensor<3x1xf32>
  return %qb, %q, %kb : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x1xf32>
}

// Left alone: weights of different K (the activation's K is dynamic), a
// weight computed at run time, a single product, and a Gemm with alpha.
// CHECK-LABEL: func.func @different_k
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
// CHECK-LABEL: func.func @runtime_weight
// CHECK-COUNT-2: graph.matmul
// CHECK-NOT: graph.slice
// CHECK-LABEL: func.func @single_matmul
// CHECK: graph.matmul
// CHECK-NOT: graph.slice
// CHECK-LABEL: func.func @scaled_gemm
// CHECK-COUNT-2: graph.gemm
// CHECK-NOT: graph.slice
func.func @different_k(%x: tensor<4x?xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w2 = graph.constant dense<1.0> : tensor<2x3xf32>
  %w3 = graph.constant dense<1.0> : tensor<3x3xf32>
  %a = graph.matmul %x, %w2 : (tensor<4x?xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %b = graph.matmul %x, %w3 : (tensor<4x?xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
  return %a, %b : tensor<4x3xf32>, tensor<4x3xf32>
}
func.func @runtime_weight(%x: tensor<4x2xf32>, %w: tensor<2x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %c = graph.constant dense<1.0> : tensor<2x3xf32>
  %a = graph.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %b = graph.matmul %x, %c : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %a, %b : tensor<4x3xf32>, tensor<4x3xf32>
}
func.func @single_matmul(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = graph.constant dense<1.0> : tensor<2x3xf32>
  %b = graph.constant dense<1.0> : tensor<3xf32>
  %a = graph.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %ab = graph.add %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %ab : tensor<4x3xf32>
}
func.func @scaled_gemm(%x: tensor<4x2xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w = graph.constant dense<1.0> : tensor<2x3xf32>
  %a = graph.gemm %x, %w {alpha = 2.0 : f32} : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %b = graph.gemm %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %a, %b : tensor<4x3xf32>, tensor<4x3xf32>
}
