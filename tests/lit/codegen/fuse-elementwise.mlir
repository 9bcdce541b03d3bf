// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-fuse-elementwise))' | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

// A chain of cheap elementwise ops (bias add, then relu) is one loop.
// CHECK-LABEL: func.func @bias_relu
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @bias_relu(%x: tensor<4x8xf32>, %bias: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %bias : tensor<4x8xf32>, tensor<8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%sum : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %relu : tensor<4x8xf32>
}

// An erf feeding a matrix product is computed once per element, not once
// per multiply-add: the two stay separate.
// CHECK-LABEL: func.func @gelu_then_matmul
// CHECK: %[[GELU:.*]] = linalg.generic
// CHECK: math.erf
// CHECK: linalg.generic {{.*}} ins(%[[GELU]],
// CHECK-NOT: math.erf
func.func @gelu_then_matmul(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %init: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %empty = tensor.empty() : tensor<4x8xf32>
  %gelu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.erf %a : f32
    linalg.yield %e : f32
  } -> tensor<4x8xf32>
  %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%gelu, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%init : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %mm : tensor<4x16xf32>
}

// An exp with two users is materialized once rather than recomputed in each.
// CHECK-LABEL: func.func @shared_exp
// CHECK-COUNT-1: math.exp
// CHECK-NOT: math.exp
func.func @shared_exp(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %empty = tensor.empty() : tensor<4x8xf32>
  %e = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%e : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%e : tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %neg, %sq : tensor<4x8xf32>, tensor<4x8xf32>
}

// A residual sum (two full-size inputs) that feeds a matrix product and the
// next addition is materialized once and read by both, not recomputed in
// the addition (which would read both inputs again).
// CHECK-LABEL: func.func @shared_residual
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: linalg.matmul ins(%[[SUM]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[SUM]] :
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @shared_residual(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4x8xf32>, %w: tensor<8x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %mm = linalg.matmul ins(%sum, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%empty : tensor<4x8xf32>) -> tensor<4x8xf32>
  %next = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %sum : tensor<4x8xf32>, tensor<4x8xf32>) outs(%empty : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %mm, %next : tensor<4x8xf32>, tensor<4x8xf32>
}

// An NCHW activation that is transposed for a channels-last kernel and
// also feeds an elementwise op in NCHW: computed once, channels-last; the
// NCHW user reads it back through a permuted map (no NCHW copy, no
// recomputation).
// CHECK-LABEL: func.func @transposed_layout
// CHECK: %[[NHWC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], {{.*}} ins(%arg0 : tensor<1x8x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>)
// CHECK: arith.maximumf
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[NHWC]],
// CHECK: linalg.generic {{.*}} ins(%[[NHWC]], %arg2 : tensor<1x4x4x8xf32>, tensor<1x8x4x4xf32>) outs(%{{.*}} : tensor<1x8x4x4xf32>)
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @transposed_layout(%x: tensor<1x8x4x4xf32>, %f: tensor<1x1x8x8xf32>, %skip: tensor<1x8x4x4xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x8x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x8x4x4xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x8x4x4xf32>) outs(%e0 : tensor<1x8x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x8x4x4xf32>
  %e1 = tensor.empty() : tensor<1x4x4x8xf32>
  %nhwc = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%relu : tensor<1x8x4x4xf32>) outs(%e1 : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%nhwc, %f : tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%e1 : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %add = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                          affine_map<(n, c, h, w) -> (n, c, h, w)>],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%relu, %skip : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) outs(%e0 : tensor<1x8x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x8x4x4xf32>
  return %conv, %add : tensor<1x4x4x8xf32>, tensor<1x8x4x4xf32>
}
