// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Second outputs of ONNX operators: LayerNormalization's statistics,
// MaxPool's indices, and the cosine windows (Hann, Hamming, Blackman).

// The keep-dims mean and 1 / sqrt(var + epsilon) of the computation are the
// second and third results.
// CHECK-LABEL: func.func @layer_norm_statistics(
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x1x1xf32>) outs(%{{.*}} : tensor<2x1x1xf32>)
// CHECK: arith.divf
// CHECK: %[[VAR:.+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x1x1xf32>) outs(%{{.*}} : tensor<2x1x1xf32>)
// CHECK: %[[INV:.+]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<2x1x1xf32>)
// CHECK: math.sqrt
// CHECK: %[[Y:.+]] = linalg.generic {{.*}} ins(%arg0, %[[MEAN]], %[[INV]], %arg1 : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>, tensor<3x4xf32>)
// CHECK: return %[[Y]], %[[MEAN]], %[[INV]]
func.func @layer_norm_statistics(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %y:3 = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y#0, %y#1, %y#2 : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// stash_type = f64 computes in f64 (the default, f32, would narrow f64 input
// as ONNX's function body does).
// CHECK-LABEL: func.func @layer_norm_f64_stash(
// CHECK-NOT: arith.truncf
// CHECK: math.sqrt {{.*}} : f64
// CHECK: return {{.*}} : tensor<2x4xf64>, tensor<2x1xf64>
func.func @layer_norm_f64_stash(%x: tensor<2x4xf64>, %g: tensor<4xf64>) -> (tensor<2x4xf64>, tensor<2x1xf64>) {
  %y:3 = graph.layer_norm %x, %g {axis = 1 : i64, stash_type = f64} : (tensor<2x4xf64>, tensor<4xf64>) -> (tensor<2x4xf64>, tensor<2x1xf64>, tensor<2x1xf64>)
  return %y#0, %y#1 : tensor<2x4xf64>, tensor<2x1xf64>
}

// One window reduction with a value and an index accumulator. A tap counts
// when it lies in the unpadded input (rows and columns 0..4 after the begin
// padding of 1) and beats the running maximum or is the first one; its index
// is (n * C + c) * 25 + h * 5 + w.
// CHECK-LABEL: func.func @max_pool_indices(
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: %[[UNSET:.+]] = arith.constant -1 : i64
// CHECK: linalg.fill ins(%[[UNSET]] : i64) outs(%{{.*}} : tensor<1x2x3x3xi64>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: arith.constant 25 : index
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: arith.select
// CHECK: linalg.yield {{.*}} : f32, i64
func.func @max_pool_indices(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>) {
  %y, %i = graph.max_pool_with_indices %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %y, %i : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>
}

// Column-major (storage_order = 1) indices are h + w * H: the column position
// is scaled by the height. Unsigned inputs compare unsigned.
// CHECK-LABEL: func.func @max_pool_indices_column_major(
// CHECK: %[[H:.+]] = arith.subi %{{.*}}, %{{.*}} : index
// CHECK: %[[W:.+]] = arith.subi %{{.*}}, %{{.*}} : index
// CHECK: %[[W0:.+]] = arith.addi %{{.*}}, %[[W]] : index
// CHECK: %[[SCALED:.+]] = arith.muli %[[W0]], %{{.*}} : index
// CHECK: arith.addi %[[SCALED]], %[[H]] : index
// CHECK: arith.cmpi ugt, %{{.*}}, %{{.*}} : i8
func.func @max_pool_indices_column_major(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xi64> {
  %y, %i = graph.max_pool_with_indices %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> (tensor<1x1x2x2xui8>, tensor<1x1x2x2xi64>)
  return %i : tensor<1x1x2x2xi64>
}

// A symmetric Blackman window of 8: n * (2 pi / 7) in f32, both cosines,
// then f16. The size operand is not read: the length is the result type's.
// CHECK-LABEL: func.func @blackman(
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[N:.+]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK: %[[STEP:.+]] = arith.constant 0.897597{{[0-9]*}} : f32
// CHECK: %[[ANGLE:.+]] = arith.mulf %[[N]], %[[STEP]] : f32
// CHECK: math.cos %[[ANGLE]] : f32
// CHECK: arith.constant 4.200000e-01 : f32
// CHECK: math.cos
// CHECK: arith.constant 8.000000e-02 : f32
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @blackman(%n: tensor<i64>) -> tensor<8xf16> {
  %w = graph.cosine_window %n {a0 = 4.200000e-01 : f32, a1 = 5.000000e-01 : f32, a2 = 8.000000e-02 : f32, periodic = false} : (tensor<i64>) -> tensor<8xf16>
  return %w : tensor<8xf16>
}

// A periodic Hann window (a2 = 0) has a single cosine.
// CHECK-LABEL: func.func @hann(
// CHECK: arith.constant 0.785398{{[0-9]*}} : f32
// CHECK: math.cos
// CHECK-NOT: math.cos
// CHECK: return
func.func @hann(%n: tensor<i32>) -> tensor<8xf32> {
  %w = graph.cosine_window %n {a0 = 5.000000e-01 : f32, a1 = 5.000000e-01 : f32} : (tensor<i32>) -> tensor<8xf32>
  return %w : tensor<8xf32>
}
