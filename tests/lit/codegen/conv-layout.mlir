// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-convert-conv-layout))' | FileCheck %s

// A padded NCHW convolution becomes an NHWC one: the input is transposed and
// then padded on H and W, the constant filter is stored HWCF (no run-time
// transpose), the zero accumulator is filled in the new layout, and the
// result goes back to NCHW through a generic that fusion can merge.
// CHECK-LABEL: func.func @conv
// CHECK: %[[X:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x16x28x28xf32>) outs({{.*}} : tensor<1x28x28x16xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x3x16x32xf32>
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<1x28x28x32xf32>
// CHECK: %[[Y:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[PAD]], %[[W]] : {{.*}}) outs(%[[INIT]] : {{.*}})
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<1x28x28x32xf32>) outs({{.*}} : tensor<1x32x28x28xf32>)
// CHECK: return %[[OUT]]
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv(%x: tensor<1x16x28x28xf32>) -> tensor<1x32x28x28xf32> {
  %zero = arith.constant 0.0 : f32
  %pad = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x16x28x28xf32> to tensor<1x16x30x30xf32>
  %filter = arith.constant dense<0.5> : tensor<32x16x3x3xf32>
  %empty = tensor.empty() : tensor<1x32x28x28xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x32x28x28xf32>) -> tensor<1x32x28x28xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%pad, %filter : tensor<1x16x30x30xf32>, tensor<32x16x3x3xf32>) outs(%init : tensor<1x32x28x28xf32>) -> tensor<1x32x28x28xf32>
  return %y : tensor<1x32x28x28xf32>
}

// Non-splat constant filters are permuted element by element at compile
// time: FCHW [f][c][h][w] lands at HWCF [h][w][c][f].
// CHECK-LABEL: func.func @permuted_filter
// CHECK: arith.constant dense<{{\[\[\[\[}}1.000000e+00], [5.000000e+00]], {{\[\[}}2.000000e+00], [6.000000e+00]]], {{\[\[\[}}3.000000e+00], [7.000000e+00]], {{\[\[}}4.000000e+00], [8.000000e+00]]]]> : tensor<2x2x2x1xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @permuted_filter(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x1x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]]> : tensor<1x2x2x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) outs(%init : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// A filter that is an argument is transposed by a generic; depthwise filters
// go CHW -> HWC.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<16x3x3xf32>) outs({{.*}} : tensor<3x3x16xf32>)
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x14x14x16xf32>, tensor<3x3x16xf32>)
func.func @depthwise(%x: tensor<1x16x14x14xf32>, %w: tensor<16x3x3xf32>) -> tensor<1x16x12x12xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x16x12x12xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x16x12x12xf32>) -> tensor<1x16x12x12xf32>
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x16x14x14xf32>, tensor<16x3x3xf32>) outs(%init : tensor<1x16x12x12xf32>) -> tensor<1x16x12x12xf32>
  return %y : tensor<1x16x12x12xf32>
}

// Pooling keeps its window operand; the -inf start is filled in NHWC.
// CHECK-LABEL: func.func @maxpool
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x14x14x8xf32>)
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x28x28x8xf32>, tensor<2x2xf32>) outs(%[[INIT]]
func.func @maxpool(%x: tensor<1x8x28x28xf32>) -> tensor<1x8x14x14xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %empty = tensor.empty() : tensor<1x8x14x14xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%empty : tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  %y = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %win : tensor<1x8x28x28xf32>, tensor<2x2xf32>) outs(%init : tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  return %y : tensor<1x8x14x14xf32>
}
