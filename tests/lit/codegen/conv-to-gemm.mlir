// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-to-gemm))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-to-gemm{max-patch-kilobytes=64}))' | FileCheck %s --check-prefix=SMALL

// The strided convolution's patch reads, (2*oh + kh, 2*ow + kw):
// CHECK: #[[READ:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>

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
// CHECK: %[[PATCH:.*]] = linalg.generic {indexing_maps = [#[[READ]], #{{.*}}]{{.*}} ins(%arg0 : tensor<1x15x15x8xf32>) outs(%{{.*}} : tensor<1x7x7x3x3x8xf32>)
// CHECK: %[[A:.*]] = tensor.collapse_shape %[[PATCH]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x7x7x3x3x8xf32> into tensor<49x72xf32>
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
