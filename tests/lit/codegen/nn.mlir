// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Structural checks of the graph-to-linalg lowering of the NN ops (matrix
// products, convolutions, pooling, normalization, softmax family, resize).

// CHECK-LABEL: func.func @matmul_2d(
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[ZERO]] : tensor<3x5xf32>)
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %y = graph.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @matmul_shared_rhs(
// The shared weight folds the lhs batch into rows: one 2-D matmul.
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: linalg.matmul {{.*}} -> tensor<6x5xf32>
// CHECK: tensor.expand_shape {{.*}} : tensor<6x5xf32> into tensor<2x3x5xf32>
func.func @matmul_shared_rhs(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %y = graph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// CHECK-LABEL: func.func @matmul_broadcast(
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x1x3x4xf32>) outs({{.*}} : tensor<2x3x3x4xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<6x3x4xf32>
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<3x4x5xf32>) outs({{.*}} : tensor<2x3x4x5xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<6x4x5xf32>
// CHECK: linalg.batch_matmul {{.*}} -> tensor<6x3x5xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x3x5xf32>
func.func @matmul_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x3x5xf32> {
  %y = graph.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x3x5xf32>
  return %y : tensor<2x3x3x5xf32>
}

// CHECK-LABEL: func.func @matmul_vectors(
// CHECK: tensor.expand_shape %arg0 {{.*}} into tensor<1x4xf32>
// CHECK: tensor.expand_shape %arg1 {{.*}} into tensor<4x1xf32>
// CHECK: linalg.matmul {{.*}} -> tensor<1x1xf32>
// CHECK: tensor.collapse_shape {{.*}} [] : tensor<1x1xf32> into tensor<f32>
func.func @matmul_vectors(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  %y = graph.matmul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// CHECK-LABEL: func.func @matmul_unsigned(
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<2x4xi32>, tensor<4x3xi32>) outs({{.*}} : tensor<2x3xi32>)
func.func @matmul_unsigned(%a: tensor<2x4xui32>, %b: tensor<4x3xui32>) -> tensor<2x3xui32> {
  %y = graph.matmul %a, %b : (tensor<2x4xui32>, tensor<4x3xui32>) -> tensor<2x3xui32>
  return %y : tensor<2x3xui32>
}

// CHECK-LABEL: func.func @gemm_trans_b_bias(
// CHECK: %[[MM:.*]] = linalg.matmul_transpose_b ins(%arg0, %arg1 : tensor<1x512xf32>, tensor<1000x512xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %arg2 : tensor<1x1000xf32>, tensor<1000xf32>)
// CHECK-NEXT: ^bb0(%[[P:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.addf %[[P]], %[[C]] : f32
func.func @gemm_trans_b_bias(%a: tensor<1x512xf32>, %w: tensor<1000x512xf32>, %b: tensor<1000xf32>) -> tensor<1x1000xf32> {
  %y = graph.gemm %a, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<1x1000xf32>
  return %y : tensor<1x1000xf32>
}

// CHECK-LABEL: func.func @gemm_trans_a_scaled(
// CHECK: %[[MM:.*]] = linalg.matmul_transpose_a ins(%arg0, %arg1 : tensor<4x3xf32>, tensor<4x5xf32>)
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %arg2 : tensor<3x5xf32>, tensor<3x1xf32>)
// CHECK: arith.mulf %[[ALPHA]]
// CHECK: arith.mulf %[[BETA]]
// CHECK: arith.addf
func.func @gemm_trans_a_scaled(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %c: tensor<3x1xf32>) -> tensor<3x5xf32> {
  %y = graph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transA = true, transB = false} : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @gemm_trans_both(
// CHECK: %[[AT:.*]] = linalg.transpose ins(%arg0 : tensor<4x3xf32>) outs({{.*}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: %[[MM:.*]] = linalg.matmul_transpose_b ins(%[[AT]], %arg1 : tensor<3x4xf32>, tensor<5x4xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @gemm_trans_both(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>) -> tensor<3x5xf32> {
  %y = graph.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = true, transB = true} : (tensor<4x3xf32>, tensor<5x4xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// CHECK-LABEL: func.func @conv_2d(
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor<1x3x32x32xf32> to tensor<1x3x33x33xf32>
// CHECK: %[[BIAS:.*]] = tensor.expand_shape %arg2 {{.*}} into tensor<16x1x1xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<16x1x1xf32>) outs({{.*}} : tensor<1x16x16x16xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %arg1 : tensor<1x3x33x33xf32>, tensor<16x3x3x3xf32>) outs(%[[INIT]] : tensor<1x16x16x16xf32>)
func.func @conv_2d(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x16x16xf32> {
  %y = graph.conv %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  return %y : tensor<1x16x16x16xf32>
}

// CHECK-LABEL: func.func @conv_depthwise(
// CHECK-NOT: tensor.pad
// CHECK: %[[FILTER:.*]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%arg0, %[[FILTER]] : tensor<1x8x10x10xf32>, tensor<8x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x8x10x10xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32> {
  %y = graph.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 8 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x10x10xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @conv_grouped(
// CHECK-DAG: tensor.expand_shape %arg0 {{.*}} into tensor<1x2x4x10x10xf32>
// CHECK-DAG: tensor.expand_shape %arg1 {{.*}} into tensor<2x6x4x3x3xf32>
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}} -> tensor<1x2x6x8x8xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x12x8x8xf32>
func.func @conv_grouped(%x: tensor<1x8x10x10xf32>, %w: tensor<12x4x3x3xf32>) -> tensor<1x12x8x8xf32> {
  %y = graph.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x10x10xf32>, tensor<12x4x3x3xf32>) -> tensor<1x12x8x8xf32>
  return %y : tensor<1x12x8x8xf32>
}

// CHECK-LABEL: func.func @conv_1d_grouped(
// No named grouped 1-D convolution: a generic over (n, g, m, o, c, k).
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins({{.*}} : tensor<1x2x2x10xf32>, tensor<2x3x2x3xf32>) outs({{.*}} : tensor<1x2x3x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x6x8xf32>
func.func @conv_1d_grouped(%x: tensor<1x4x10xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x8xf32> {
  %y = graph.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1>, group = 2 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x4x10xf32>, tensor<6x2x3xf32>) -> tensor<1x6x8xf32>
  return %y : tensor<1x6x8xf32>
}

// CHECK-LABEL: func.func @conv_3d(
// CHECK: linalg.conv_3d_ncdhw_fcdhw {{.*}} ins(%arg0, %arg1 : tensor<1x2x5x5x5xf32>, tensor<3x2x3x3x3xf32>)
func.func @conv_3d(%x: tensor<1x2x5x5x5xf32>, %w: tensor<3x2x3x3x3xf32>) -> tensor<1x3x3x3x3xf32> {
  %y = graph.conv %x, %w {auto_pad = "NOTSET", dilations = array<i64: 1, 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3, 3>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x2x5x5x5xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x3x3x3xf32>
  return %y : tensor<1x3x3x3x3xf32>
}

// CHECK-LABEL: func.func @conv_transpose(
// Zeros between input elements, kernel-reach padding, flipped kernel.
// CHECK: %[[DILATED:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 0, 0, 0] [1, 8, 4, 4] [1, 1, 2, 2] : tensor<1x8x4x4xf32> into tensor<1x8x7x7xf32>
// CHECK: %[[PAD:.*]] = tensor.pad %[[DILATED]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[FLIP:.*]], #{{.*}}], {{.*}} ins({{.*}} : tensor<1x8x4x2x2xf32>) outs({{.*}} : tensor<1x4x8x2x2xf32>)
// CHECK: %[[W:.*]] = tensor.collapse_shape {{.*}} into tensor<4x8x2x2xf32>
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<1x8x9x9xf32>, tensor<4x8x2x2xf32>)
func.func @conv_transpose(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.conv_transpose %x, %w, %b {auto_pad = "NOTSET", dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 2, 2>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @max_pool(
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG_INF]]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[WINDOW]] : tensor<1x64x114x114xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x64x56x56xf32>)
func.func @max_pool(%x: tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32> {
  %y = graph.max_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
  return %y : tensor<1x64x56x56xf32>
}

// CHECK-LABEL: func.func @max_pool_ceil(
// ceil_mode's last window reaches one element past the input.
// CHECK: tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: linalg.pooling_nchw_max {{.*}} ins({{.*}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>)
func.func @max_pool_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %y = graph.max_pool %x {auto_pad = "NOTSET", ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @max_pool_unsigned(
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[ZERO]] : i8)
// CHECK: linalg.generic
// CHECK: arith.maxui
func.func @max_pool_unsigned(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8> {
  %y = graph.max_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// CHECK-LABEL: func.func @max_pool_3d(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %{{.*}} : tensor<1x2x4x4x4xf32>, tensor<2x2x2xf32>)
// CHECK: arith.maximumf
func.func @max_pool_3d(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32> {
  %y = graph.max_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 2, 2, 2>} : (tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32>
  return %y : tensor<1x2x2x2x2xf32>
}

// CHECK-LABEL: func.func @average_pool(
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {{.*}} -> tensor<1x8x2x2xf32>
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x8x2x2xf32>)
// CHECK: arith.divf %{{.*}}, %[[FOUR]]
func.func @average_pool(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32> {
  %y = graph.average_pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x2x2xf32>
  return %y : tensor<1x8x2x2xf32>
}

// CHECK-LABEL: func.func @average_pool_padded(
// Windows overlapping the padding divide by their in-bounds tap count.
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum
// CHECK: %[[COUNTS:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [2.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[COUNTS]] : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>)
// CHECK: arith.divf
func.func @average_pool_padded(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %y = graph.average_pool %x {auto_pad = "NOTSET", ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// CHECK-LABEL: func.func @lp_pool(
// CHECK: linalg.generic {{.*}} ins(%arg0, %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.sqrt
func.func @lp_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %y = graph.lp_pool %x {auto_pad = "NOTSET", ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @global_average_pool(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%arg0 : tensor<1x512x7x7xf32>) outs({{.*}} : tensor<1x512xf32>)
// CHECK: tensor.expand_shape {{.*}} into tensor<1x512x1x1xf32>
// CHECK: %[[COUNT:.*]] = arith.constant 4.900000e+01 : f32
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
func.func @global_average_pool(%x: tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32> {
  %y = graph.global_average_pool %x : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
  return %y : tensor<1x512x1x1xf32>
}

// CHECK-LABEL: func.func @global_max_pool(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%arg0 : tensor<1x512x7x7xf32>) outs({{.*}} : tensor<1x512xf32>)
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape {{.*}} into tensor<1x512x1x1xf32>
func.func @global_max_pool(%x: tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32> {
  %y = graph.global_max_pool %x : (tensor<1x512x7x7xf32>) -> tensor<1x512x1x1xf32>
  return %y : tensor<1x512x1x1xf32>
}

// CHECK-LABEL: func.func @batch_norm(
// The per-channel factor scale / sqrt(var + eps) is computed once.
// CHECK: %[[FACTOR:.*]] = linalg.generic {{.*}} ins(%arg1, %arg4 : tensor<4xf32>, tensor<4xf32>) outs({{.*}} : tensor<4xf32>)
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: linalg.generic {{.*}} ins(%arg0, {{.*}} : tensor<1x4x8x8xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @instance_norm(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%arg0 : tensor<1x4x8x8xf32>) outs({{.*}} : tensor<1x4xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%arg0, %{{.*}} : tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) outs({{.*}} : tensor<1x4xf32>)
// CHECK: math.sqrt
func.func @instance_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %y = graph.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @layer_norm(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<1x128x768xf32>) outs({{.*}} : tensor<1x128xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %{{.*}} : tensor<1x128x768xf32>, tensor<1x128x1xf32>)
// CHECK: math.sqrt
// CHECK: linalg.generic {{.*}} ins(%arg0, %{{.*}}, %{{.*}}, %arg1, %arg2 : tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>, tensor<768xf32>, tensor<768xf32>)
func.func @layer_norm(%x: tensor<1x128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<1x128x768xf32> {
  %y:3 = graph.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> (tensor<1x128x768xf32>, tensor<1x128x1xf32>, tensor<1x128x1xf32>)
  return %y#0 : tensor<1x128x768xf32>
}

// CHECK-LABEL: func.func @layer_norm_f16(
// Statistics of f16 inputs are computed in f32 (ONNX's default stash_type).
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: math.sqrt {{.*}} : f32
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @layer_norm_f16(%x: tensor<2x8xf16>, %g: tensor<8xf16>) -> tensor<2x8xf16> {
  %y:3 = graph.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8xf16>, tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %y#0 : tensor<2x8xf16>
}

// CHECK-LABEL: func.func @lrn(
// CHECK: arith.mulf
// CHECK: tensor.pad %{{.*}} low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: tensor.empty() : tensor<5xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins({{.*}} : tensor<1x12x4x4xf32>, tensor<5xf32>)
// CHECK: math.powf
func.func @lrn(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = graph.lrn %x {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 5 : i64} : tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @softmax(
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<2x10xf32>) outs({{.*}} : tensor<2xf32>)
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]}
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %y = graph.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// CHECK-LABEL: func.func @log_softmax(
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%arg0 : tensor<2x10xf32>) outs({{.*}} : tensor<10xf32>)
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log
func.func @log_softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %y = graph.log_softmax %x {axis = 0 : i64} : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// CHECK-LABEL: func.func @hardmax(
// CHECK: linalg.generic {{.*}} outs({{.*}}, {{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi eq
func.func @hardmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %y = graph.hardmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// CHECK-LABEL: func.func @resize_nearest(
// CHECK: %[[INDICES:.*]] = arith.constant dense<[0, 0, 1, 1, 2, 2, 3, 3]> : tensor<8xi64>
// CHECK: linalg.generic {{.*}} ins(%[[INDICES]] : tensor<8xi64>) outs({{.*}} : tensor<1x8x8x4xf32>)
// CHECK: tensor.extract %arg0
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x8x8x8xf32>)
// CHECK: tensor.extract
func.func @resize_nearest(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32> {
  %s = graph.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = graph.resize %x scales %s {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor"} : (tensor<1x8x4x4xf32>, tensor<4xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @resize_linear_sizes(
// Shrinking axis first; two taps per output with constant weights.
// CHECK: arith.constant dense<[0, 0, 1, 1, 2, 3]> : tensor<6xi64>
// CHECK: arith.constant dense<[0, 1, 2, 2, 3, 3]> : tensor<6xi64>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x4x6xf32>)
// CHECK-COUNT-2: tensor.extract %arg0
// CHECK: arith.constant dense<[0, 0, 0, 1, 1, 2, 2, 3]> : tensor<8xi64>
// CHECK: arith.constant dense<[2.500000e-01, 7.500000e-01, {{.*}}]> : tensor<8xf32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x8x6xf32>)
func.func @resize_linear_sizes(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x8x6xf32> {
  %s = graph.constant dense<[1, 2, 8, 6]> : tensor<4xi64>
  %y = graph.resize %x sizes %s {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "round_prefer_floor"} : (tensor<1x2x4x4xf32>, tensor<4xi64>) -> tensor<1x2x8x6xf32>
  return %y : tensor<1x2x8x6xf32>
}
