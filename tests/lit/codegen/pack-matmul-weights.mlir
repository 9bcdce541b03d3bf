// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pack-matmul-weights{vector-bits=256 vector-registers=16}))' --mlir-print-elementsattrs-with-hex-if-larger=100000 | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pack-matmul-weights{vector-bits=256 vector-registers=16},kiln-tile-and-vectorize{vector-bits=256 vector-registers=16}))' | FileCheck %s --check-prefix=TILED

// A constant 4x32 right-hand side with AVX2's 16-column register tile is
// stored as 2 panels of 4 rows x 16 columns: panel p, row k holds
// B[k][16p .. 16p+15]. The product writes the output viewed as 8x2x16.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[P:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00, 1.000000e+00, {{.*}}, 1.500000e+01], [3.200000e+01, {{.*}}]]]> : tensor<2x4x16xf32>
// CHECK: %[[INIT:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [8, 2, 16] : tensor<8x32xf32> into tensor<8x2x16xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %[[P]] : tensor<8x4xf32>, tensor<2x4x16xf32>) outs(%[[INIT]] : tensor<8x2x16xf32>)
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0], [1, 2]] : tensor<8x2x16xf32> into tensor<8x32xf32>
// CHECK-NOT: linalg.matmul

// Tiled: the panel loop is outermost, and a tile reads one panel (the
// single-trip column loop within the panel folds away).
// TILED-LABEL: func.func @matmul
// TILED: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (2, 8) step (1, 4)
// TILED: vector.transfer_read %{{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// TILED: vector.fma {{.*}} : vector<16xf32>
func.func @matmul(%a: tensor<8x4xf32>) -> tensor<8x32xf32> {
  %b = arith.constant dense<[
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0],
    [32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0],
    [64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0],
    [96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0]]> : tensor<4x32xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<8x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<8x32xf32>) -> tensor<8x32xf32>
  %c = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x32xf32>) outs(%init : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %c : tensor<8x32xf32>
}

// Gemm/Linear weights come as N x K (matmul_transpose_b): the same panels,
// read down the weight's columns. Panel 0, row 0 holds W[0..15][0].
// CHECK-LABEL: func.func @matmul_transpose_b
// CHECK: arith.constant dense<{{\[\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00, {{.*}}, 3.000000e+01], [1.000000e+00, 3.000000e+00, {{.*}}]]]> : tensor<1x2x16xf32>
// CHECK: linalg.generic
// CHECK-NOT: linalg.matmul_transpose_b
func.func @matmul_transpose_b(%a: tensor<4x2xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0],
                             [16.0, 17.0], [18.0, 19.0], [20.0, 21.0], [22.0, 23.0], [24.0, 25.0], [26.0, 27.0], [28.0, 29.0], [30.0, 31.0]]> : tensor<16x2xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x16xf32>) -> tensor<4x16xf32>
  %c = linalg.matmul_transpose_b ins(%a, %w : tensor<4x2xf32>, tensor<16x2xf32>) outs(%init : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// Left alone: a right-hand side computed at run time, and a constant that
// is already one contiguous panel.
// CHECK-LABEL: func.func @not_constant
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @one_panel
// CHECK: linalg.matmul
func.func @not_constant(%a: tensor<8x4xf32>, %b: tensor<4x32xf32>, %init: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %c = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x32xf32>) outs(%init : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %c : tensor<8x32xf32>
}
func.func @one_panel(%a: tensor<8x4xf32>, %init: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %b = arith.constant dense<1.0> : tensor<4x16xf32>
  %c = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x16xf32>) outs(%init : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %c : tensor<8x16xf32>
}
