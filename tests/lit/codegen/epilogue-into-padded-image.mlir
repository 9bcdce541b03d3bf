// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pack-matmul-weights{vector-bits=512 vector-registers=32},kiln-tile-and-vectorize{vector-bits=512 vector-registers=32},canonicalize,cse))' | FileCheck %s

// A 1x1 convolution as a packed matrix product whose ReLU is padded for the
// next convolution (a 4x6 image, 64 channels): the ReLU is fused into the
// product's tiles, and the tiled loop produces the channels-last image
// itself, each tile written at (pixel / 6, pixel % 6, panel * 32); the
// padding then writes it into the padded buffer's interior
// (kiln-pad-in-place). Tiles take 6 pixel rows, not 8, so that none
// crosses an image row.
// CHECK-LABEL: func.func @relu_before_pad
// CHECK-NOT: linalg.generic
// CHECK: %[[IMAGE:.*]] = scf.forall (%[[PANEL:.*]], %[[PIXEL:.*]]) = (0, 0) to (2, 24) step (1, 6) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<1x4x6x64xf32>)
// CHECK: scf.for {{.*}} -> (vector<6x32xf32>)
// CHECK-DAG: %[[ROW:.*]] = affine.apply #{{.*}}(%[[PIXEL]])
// CHECK-DAG: %[[COL:.*]] = affine.apply #{{.*}}(%[[PIXEL]])
// CHECK-DAG: %[[CHANNEL:.*]] = affine.apply #{{.*}}(%[[PANEL]])
// CHECK: arith.maximumf
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[OUT]][0, %[[ROW]], %[[COL]], %[[CHANNEL]]] [1, 1, 6, 32] [1, 1, 1, 1] : tensor<6x32xf32> into tensor<1x4x6x64xf32>
// CHECK: tensor.pad %[[IMAGE]] low[0, 1, 1, 0] high[0, 1, 1, 0]
func.func @relu_before_pad(%x: tensor<24x16xf32>) -> tensor<1x6x8x64xf32> {
  %w = arith.constant dense<0.5> : tensor<16x64xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<24x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<24x64xf32>) -> tensor<24x64xf32>
  %c = linalg.matmul ins(%x, %w : tensor<24x16xf32>, tensor<16x64xf32>) outs(%init : tensor<24x64xf32>) -> tensor<24x64xf32>
  %nhwc = tensor.expand_shape %c [[0, 1, 2], [3]] output_shape [1, 4, 6, 64] : tensor<24x64xf32> into tensor<1x4x6x64xf32>
  %out = tensor.empty() : tensor<1x4x6x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc : tensor<1x4x6x64xf32>) outs(%out : tensor<1x4x6x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %relu = arith.maximumf %in, %zero : f32
    linalg.yield %relu : f32
  } -> tensor<1x4x6x64xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x6x64xf32> to tensor<1x6x8x64xf32>
  return %p : tensor<1x6x8x64xf32>
}
