// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-to-gemm))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-to-gemm{max-patch-kilobytes=64}))' | FileCheck %s --check-prefix=SMALL
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-to-gemm{patch-chunk-kilobytes=64}))' | FileCheck %s --check-prefix=CHUNK

// The strided convolution's patch reads: input row 2*oh + kh, and, in the
// input viewed as rows of W*C = 15*8 values, the run of KW*C = 24 values
// from column 2*ow*8:
// CHECK: #[[READ:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d3, d2 * 16 + d4)>
// A dilated one reads (oh + 2*kh, ow + 2*kw) value by value:
// CHECK: #[[DILATED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3 * 2, d2 + d4 * 2, d5)>

// A pointwise convolution is the product of the NHWC input viewed as
// pixels x channels with the filter viewed as channels x features.
// CHECK-LABEL: func.func @pointwise
// CHECK-DAG: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<32x64xf32>
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<1x14x14x32xf32> into tensor<196x32xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<1x14x14x64xf32> into tensor<196x64xf32>
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[A]], %[[W]] : tensor<196x32xf32>, tensor<32x64xf32>) outs(%[[C]] : tensor<196x64xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1, 2], [3]] output_shape [1, 14, 14, 64]
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @pointwise(%x: tensor<1x14x14x32xf32>) -> tensor<1x14x14x64xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x32x64xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x14x14x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x14x14x32xf32>, tensor<1x1x32x64xf32>) outs(%init : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  return %y : tensor<1x14x14x64xf32>
}

// A strided 3x3 convolution gathers its patches first: one row of
// 3*3*8 = 72 input values per output pixel, read at (2*oh + kh, 2*ow + kw).
// Its patches (7*7*72*4 bytes) are under the SMALL limit too.
// CHECK-LABEL: func.func @strided
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1], [2, 3]] : tensor<1x15x15x8xf32> into tensor<1x15x120xf32>
// CHECK: %[[PATCH:.*]] = linalg.generic {indexing_maps = [#[[READ]], #{{.*}}]{{.*}} ins(%[[ROWS]] : tensor<1x15x120xf32>) outs(%{{.*}} : tensor<1x7x7x3x24xf32>)
// CHECK: %[[A:.*]] = tensor.collapse_shape %[[PATCH]] {{\[\[}}0, 1, 2], [3, 4]] : tensor<1x7x7x3x24xf32> into tensor<49x72xf32>
// CHECK: linalg.matmul ins(%[[A]], %{{.*}} : tensor<49x72xf32>, tensor<72x16xf32>)
// SMALL-LABEL: func.func @strided
// SMALL: linalg.matmul
func.func @strided(%x: tensor<1x15x15x8xf32>) -> tensor<1x7x7x16xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x15x15x8xf32>, tensor<3x3x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  return %y : tensor<1x7x7x16xf32>
}

// Patches of 13*13*3*3*32*4 = 195 KiB: over the SMALL limit, the direct
// convolution stays.
// SMALL-LABEL: func.func @large_patches
// SMALL: linalg.conv_2d_nhwc_hwcf
// CHECK-LABEL: func.func @large_patches
// CHECK: linalg.matmul
func.func @large_patches(%x: tensor<1x15x15x32xf32>) -> tensor<1x13x13x16xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x32x16xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x13x13x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x13x13x16xf32>) -> tensor<1x13x13x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x15x15x32xf32>, tensor<3x3x32x16xf32>) outs(%init : tensor<1x13x13x16xf32>) -> tensor<1x13x13x16xf32>
  return %y : tensor<1x13x13x16xf32>
}

// Filters computed at run time keep the direct convolution (the GEMM path
// packs constant weights).
// CHECK-LABEL: func.func @runtime_filter
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @runtime_filter(%x: tensor<1x14x14x32xf32>, %w: tensor<1x1x32x64xf32>, %init: tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32> {
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x14x14x32xf32>, tensor<1x1x32x64xf32>) outs(%init : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  return %y : tensor<1x14x14x64xf32>
}

// CHECK-LABEL: func.func @dilated
// CHECK: linalg.generic {indexing_maps = [#[[DILATED]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<1x5x5x3x3x8xf32>)
// CHECK: tensor.collapse_shape {{.*}} {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x5x5x3x3x8xf32> into tensor<25x72xf32>
func.func @dilated(%x: tensor<1x9x9x8xf32>) -> tensor<1x5x5x16xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x5x5x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x9x9x8xf32>, tensor<3x3x8x16xf32>) outs(%init : tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32>
  return %y : tensor<1x5x5x16xf32>
}

// Patches of 28*28*72*4 = 220 KiB over a 64 KiB chunk, weights of 4.5 KiB:
// the product runs 7 output rows (7*28*72*4 = 55 KiB of patches) at a time.
// Each step reads the 15 input rows its patches need (from row 2*7*i),
// multiplies its 196 rows of patches and inserts them into the result.
// CHUNK-LABEL: func.func @chunked
// CHUNK: %[[EMPTY:.*]] = tensor.empty() : tensor<784x16xf32>
// CHUNK: %[[RESULT:.*]] = scf.for %[[ROW:.*]] = %c0 to %c28 step %c7 iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<784x16xf32>)
// CHUNK: %[[IN_ROW:.*]] = arith.muli %[[ROW]], %c2
// CHUNK: tensor.extract_slice %arg0[0, %[[IN_ROW]], 0, 0] [1, 15, 57, 8] [1, 1, 1, 1]
// CHUNK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x7x28x3x24xf32>)
// CHUNK: %[[PIXEL:.*]] = arith.muli %[[ROW]], %c28
// CHUNK: %[[PRODUCT:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<196x72xf32>, tensor<72x16xf32>)
// CHUNK: tensor.insert_slice %[[PRODUCT]] into %[[ACC]][%[[PIXEL]], 0] [196, 16] [1, 1]
// CHUNK: } {kiln.row_chunks}
// CHUNK: tensor.expand_shape %[[RESULT]] {{\[\[}}0, 1, 2], [3]] output_shape [1, 28, 28, 16]
// Layers with large weights are not chunked: each chunk would read them again.
// CHUNK-LABEL: func.func @wide_weights
// CHUNK-NOT: scf.for
// CHUNK: linalg.matmul
func.func @chunked(%x: tensor<1x57x57x8xf32>) -> tensor<1x28x28x16xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x28x28x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x28x28x16xf32>) -> tensor<1x28x28x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x57x57x8xf32>, tensor<3x3x8x16xf32>) outs(%init : tensor<1x28x28x16xf32>) -> tensor<1x28x28x16xf32>
  return %y : tensor<1x28x28x16xf32>
}

func.func @wide_weights(%x: tensor<1x30x30x32xf32>) -> tensor<1x28x28x256xf32> {
  %w = arith.constant dense<0.25> : tensor<3x3x32x256xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x28x28x256xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x28x28x256xf32>) -> tensor<1x28x28x256xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x30x30x32xf32>, tensor<3x3x32x256xf32>) outs(%init : tensor<1x28x28x256xf32>) -> tensor<1x28x28x256xf32>
  return %y : tensor<1x28x28x256xf32>
}
