// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-fuse-row-reductions{vector-bits=512 vector-registers=32},canonicalize,cse))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-fuse-row-reductions{vector-bits=0}))' | FileCheck %s --check-prefix=SCALAR

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#red3 = affine_map<(d0, d1, d2) -> (d0, d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#red4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// A layer norm as kiln lowers it: the row sum, the mean, the sum of squared
// deviations, the inverse standard deviation and the normalization (with a
// per-channel scale) become one loop over the 32 rows. Each row is read
// once; both reductions add 128 values as eight 16-lane partial sums
// combined as a tree; nothing but the normalized row is written.
// CHECK-LABEL: func.func @layer_norm
// CHECK-NOT: linalg.
// CHECK: scf.forall (%[[ROW:.*]]) in (32)
// CHECK: %[[X:.*]] = tensor.extract_slice %arg0[0, %[[ROW]], 0] [1, 1, 128]
// CHECK: vector.transfer_read %{{.*}} : tensor<128xf32>, vector<128xf32>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [112], sizes = [16], strides = [1]} : vector<128xf32> to vector<16xf32>
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: arith.subf %{{.*}} : vector<128xf32>
// CHECK: arith.mulf %{{.*}} : vector<128xf32>
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: vector.transfer_write %{{.*}} : vector<128xf32>, tensor<128xf32>
// CHECK-NOT: vector.transfer_write
// CHECK: scf.forall.in_parallel
// CHECK-NOT: linalg.
// CHECK: return
// SCALAR-LABEL: func.func @layer_norm
// SCALAR-NOT: scf.forall
func.func @layer_norm(%x: tensor<1x32x128xf32>, %gamma: tensor<128xf32>) -> tensor<1x32x128xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 128.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %one = arith.constant 1.0 : f32
  %xe = tensor.expand_shape %x [[0], [1, 2], [3]] output_shape [1, 32, 1, 128] : tensor<1x32x128xf32> into tensor<1x32x1x128xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %e3 = tensor.expand_shape %e2 [[0], [1, 2]] output_shape [1, 32, 1] : tensor<1x32xf32> into tensor<1x32x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x32x1xf32>) -> tensor<1x32x1xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xe : tensor<1x32x1x128xf32>) outs(%f3 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  } -> tensor<1x32x1xf32>
  %m0 = tensor.empty() : tensor<1x32x1xf32>
  %mean = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sum : tensor<1x32x1xf32>) outs(%m0 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<1x32x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %sq = linalg.generic {indexing_maps = [#id3, #row3, #red3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %mean : tensor<1x32x128xf32>, tensor<1x32x1xf32>) outs(%f2 : tensor<1x32xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %c = arith.subf %in, %m : f32
    %s = arith.mulf %c, %c : f32
    %a = arith.addf %out, %s : f32
    linalg.yield %a : f32
  } -> tensor<1x32xf32>
  %sqe = tensor.expand_shape %sq [[0], [1, 2]] output_shape [1, 32, 1] : tensor<1x32xf32> into tensor<1x32x1xf32>
  %inv = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sqe : tensor<1x32x1xf32>) outs(%m0 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.divf %in, %n : f32
    %ve = arith.addf %v, %eps : f32
    %sd = math.sqrt %ve : f32
    %r = arith.divf %one, %sd : f32
    linalg.yield %r : f32
  } -> tensor<1x32x1xf32>
  %e = tensor.empty() : tensor<1x32x128xf32>
  %y = linalg.generic {indexing_maps = [#id3, #row3, #row3, affine_map<(d0, d1, d2) -> (d2)>, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %mean, %inv, %gamma : tensor<1x32x128xf32>, tensor<1x32x1xf32>, tensor<1x32x1xf32>, tensor<128xf32>) outs(%e : tensor<1x32x128xf32>) {
  ^bb0(%in: f32, %m: f32, %i: f32, %g: f32, %out: f32):
    %c = arith.subf %in, %m : f32
    %nrm = arith.mulf %c, %i : f32
    %sc = arith.mulf %nrm, %g : f32
    linalg.yield %sc : f32
  } -> tensor<1x32x128xf32>
  return %y : tensor<1x32x128xf32>
}

// Softmax over the last axis: the maximum, the exponentials, their sum and
// the division (and a scalar scale), one row of 32 per iteration; the
// exponentials are computed once per row, in registers. The sum starts
// from a fill in the form reshape propagation gives it (a generic).
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 32)
// CHECK: arith.maximumf %{{.*}} : vector<16xf32>
// CHECK: math.exp %{{.*}} : vector<32xf32>
// CHECK-NOT: math.exp
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: arith.divf %{{.*}} : vector<32xf32>
// CHECK: arith.mulf %{{.*}} : vector<32xf32>
// CHECK: vector.transfer_write %{{.*}} : vector<32xf32>, tensor<32xf32>
// CHECK-NOT: linalg.
// CHECK: return
func.func @softmax(%x: tensor<4x32x32xf32>, %scale: tensor<f32>) -> tensor<4x32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %xe = tensor.expand_shape %x [[0], [1, 2], [3]] output_shape [4, 32, 1, 32] : tensor<4x32x32xf32> into tensor<4x32x1x32xf32>
  %e2 = tensor.empty() : tensor<4x32xf32>
  %e3 = tensor.expand_shape %e2 [[0], [1, 2]] output_shape [4, 32, 1] : tensor<4x32xf32> into tensor<4x32x1xf32>
  %fmax = linalg.fill ins(%ninf : f32) outs(%e3 : tensor<4x32x1xf32>) -> tensor<4x32x1xf32>
  %max = linalg.generic {indexing_maps = [#id4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xe : tensor<4x32x1x32xf32>) outs(%fmax : tensor<4x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.maximumf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<4x32x1xf32>
  %e = tensor.empty() : tensor<4x32x32xf32>
  %exp = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %max : tensor<4x32x32xf32>, tensor<4x32x1xf32>) outs(%e : tensor<4x32x32xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %s = arith.subf %in, %m : f32
    %x1 = math.exp %s : f32
    linalg.yield %x1 : f32
  } -> tensor<4x32x32xf32>
  %expe = tensor.expand_shape %exp [[0], [1, 2], [3]] output_shape [4, 32, 1, 32] : tensor<4x32x32xf32> into tensor<4x32x1x32xf32>
  %fsum = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e3 : tensor<4x32x1xf32>) {
  ^bb0(%out: f32):
    linalg.yield %zero : f32
  } -> tensor<4x32x1xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%expe : tensor<4x32x1x32xf32>) outs(%fsum : tensor<4x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<4x32x1xf32>
  %y = linalg.generic {indexing_maps = [#id3, #row3, affine_map<(d0, d1, d2) -> ()>, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%exp, %sum, %scale : tensor<4x32x32xf32>, tensor<4x32x1xf32>, tensor<f32>) outs(%e : tensor<4x32x32xf32>) {
  ^bb0(%in: f32, %s: f32, %k: f32, %out: f32):
    %d = arith.divf %in, %s : f32
    %ks = arith.mulf %d, %k : f32
    linalg.yield %ks : f32
  } -> tensor<4x32x32xf32>
  return %y : tensor<4x32x32xf32>
}

// The mean is also a result: it stays a kernel of its own (fused, it would
// be computed twice), and the rest of the chain reads it.
// CHECK-LABEL: func.func @layer_norm_mean_returned
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]]
// CHECK: scf.forall (%{{.*}}) in (32)
// CHECK-NOT: linalg.
// CHECK: tensor.extract_slice %[[MEAN]]
// CHECK-NOT: linalg.
// CHECK: return
func.func @layer_norm_mean_returned(%x: tensor<1x32x128xf32>, %gamma: tensor<128xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 128.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %one = arith.constant 1.0 : f32
  %xe = tensor.expand_shape %x [[0], [1, 2], [3]] output_shape [1, 32, 1, 128] : tensor<1x32x128xf32> into tensor<1x32x1x128xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %e3 = tensor.expand_shape %e2 [[0], [1, 2]] output_shape [1, 32, 1] : tensor<1x32xf32> into tensor<1x32x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x32x1xf32>) -> tensor<1x32x1xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xe : tensor<1x32x1x128xf32>) outs(%f3 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  } -> tensor<1x32x1xf32>
  %m0 = tensor.empty() : tensor<1x32x1xf32>
  %mean = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sum : tensor<1x32x1xf32>) outs(%m0 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<1x32x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %sq = linalg.generic {indexing_maps = [#id3, #row3, #red3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %mean : tensor<1x32x128xf32>, tensor<1x32x1xf32>) outs(%f2 : tensor<1x32xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %c = arith.subf %in, %m : f32
    %s = arith.mulf %c, %c : f32
    %a = arith.addf %out, %s : f32
    linalg.yield %a : f32
  } -> tensor<1x32xf32>
  %sqe = tensor.expand_shape %sq [[0], [1, 2]] output_shape [1, 32, 1] : tensor<1x32xf32> into tensor<1x32x1xf32>
  %inv = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sqe : tensor<1x32x1xf32>) outs(%m0 : tensor<1x32x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.divf %in, %n : f32
    %ve = arith.addf %v, %eps : f32
    %sd = math.sqrt %ve : f32
    %r = arith.divf %one, %sd : f32
    linalg.yield %r : f32
  } -> tensor<1x32x1xf32>
  %e = tensor.empty() : tensor<1x32x128xf32>
  %y = linalg.generic {indexing_maps = [#id3, #row3, #row3, affine_map<(d0, d1, d2) -> (d2)>, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %mean, %inv, %gamma : tensor<1x32x128xf32>, tensor<1x32x1xf32>, tensor<1x32x1xf32>, tensor<128xf32>) outs(%e : tensor<1x32x128xf32>) {
  ^bb0(%in: f32, %m: f32, %i: f32, %g: f32, %out: f32):
    %c = arith.subf %in, %m : f32
    %nrm = arith.mulf %c, %i : f32
    %sc = arith.mulf %nrm, %g : f32
    linalg.yield %sc : f32
  } -> tensor<1x32x128xf32>
  return %y, %mean : tensor<1x32x128xf32>, tensor<1x32x1xf32>
}


// A sum across channels (not along the rows of the final kernel): fused by
// rows, each row would recompute it; both kernels stay.
// CHECK-LABEL: func.func @softmax_channels
// CHECK-NOT: scf.forall
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: scf.forall
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NOT: scf.forall
// CHECK: return
func.func @softmax_channels(%x: tensor<2x8x64xf32>) -> tensor<2x8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<2x64xf32>
  %fsum = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x64xf32>) -> tensor<2x64xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<2x8x64xf32>) outs(%fsum : tensor<2x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<2x64xf32>
  %e = tensor.empty() : tensor<2x8x64xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %sum : tensor<2x8x64xf32>, tensor<2x64xf32>) outs(%e : tensor<2x8x64xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %d = arith.divf %in, %s : f32
    linalg.yield %d : f32
  } -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}
