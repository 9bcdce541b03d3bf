// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-fuse-attention{vector-bits=512 vector-registers=32}))' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-fuse-attention{vector-bits=512 vector-registers=32},kiln-tile-and-vectorize{vector-bits=512 vector-registers=32},kiln-fuse-row-reductions{vector-bits=512 vector-registers=32},kiln-vectorize-elementwise{vector-bits=512 vector-registers=32},canonicalize,cse))' | FileCheck %s --check-prefix=TILED
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-fuse-attention{vector-bits=0}))' | FileCheck %s --check-prefix=SCALAR

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#in4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#red4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// Scaled dot-product attention as kiln lowers it (2 heads, 64 queries and
// keys, 32 features): the queries' 1/sqrt(d) scaling, the scores product,
// the softmax (maximum, exponentials, sum, reciprocal, product) and the
// product with the values become one parallel loop over (head, block of
// query rows). The 64 x 64 score rows of a head fit one block of 64 rows,
// split in two blocks of 32 so that four iterations share out. The keys and
// values of a head are read whole by every block of the head.
// CHECK-LABEL: func.func @attention
// CHECK-NOT: linalg.
// CHECK: scf.forall (%[[HEAD:.*]], %[[ROWS:.*]]) = (0, 0) to (2, 64) step (1, 32)
// CHECK: tensor.extract_slice %arg0[%[[HEAD]], %[[ROWS]], 0] [1, 32, 32]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x32x32xf32>)
// CHECK: arith.mulf
// CHECK: tensor.extract_slice %arg1[%[[HEAD]], 0, 0] [1, 32, 64]
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x32x32xf32>, tensor<1x32x64xf32>) outs(%{{.*}} : tensor<1x32x64xf32>)
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: tensor.extract_slice %arg2[%[[HEAD]], 0, 0] [1, 64, 32]
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x32x64xf32>, tensor<1x64x32xf32>) outs(%{{.*}} : tensor<1x32x32xf32>)
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[HEAD]], %[[ROWS]], 0] [1, 32, 32]
// CHECK: } {kiln.fused_attention}
// CHECK-NOT: linalg.
// CHECK: return

// Inside the loop, both products are register-tiled (8 x 32 accumulators,
// sequential loops over the tile's columns, rows and the reduction) and
// the softmax is computed a row at a time in vectors; nothing is a nested
// parallel loop.
// TILED-LABEL: func.func @attention
// TILED: scf.forall
// TILED-NOT: scf.forall
// TILED: scf.for
// TILED: arith.mulf %{{.*}} : vector<32xf32>
// TILED: scf.for
// TILED: vector.fma %{{.*}} : vector<32xf32>
// TILED: scf.for
// TILED: vector.transfer_read %{{.*}} : tensor<64xf32>, vector<64xf32>
// TILED: math.exp %{{.*}} : vector<64xf32>
// TILED: arith.mulf %{{.*}} : vector<64xf32>
// TILED: scf.for
// TILED: vector.fma %{{.*}} : vector<32xf32>
// TILED: } {kiln.fused_attention}
// TILED-NOT: linalg.

// No vectors, no fusion: the kernels stay as they are.
// SCALAR-LABEL: func.func @attention
// SCALAR-NOT: scf.forall
// SCALAR-COUNT-2: linalg.batch_matmul
func.func @attention(%q: tensor<2x64x32xf32>, %kt: tensor<2x32x64xf32>,
                     %v: tensor<2x64x32xf32>) -> tensor<2x64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %scale = arith.constant 0.176776695 : f32
  %one = arith.constant 1.0 : f32
  %e3 = tensor.empty() : tensor<2x64x32xf32>
  %scaled = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q : tensor<2x64x32xf32>) outs(%e3 : tensor<2x64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %scale : f32
    linalg.yield %m : f32
  } -> tensor<2x64x32xf32>
  %es = tensor.empty() : tensor<2x64x64xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %scores = linalg.batch_matmul ins(%scaled, %kt : tensor<2x64x32xf32>, tensor<2x32x64xf32>)
      outs(%zs : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %er = tensor.empty() : tensor<2x64xf32>
  %er1 = tensor.expand_shape %er [[0], [1, 2]] output_shape [2, 64, 1] : tensor<2x64xf32> into tensor<2x64x1xf32>
  %lo = linalg.fill ins(%lowest : f32) outs(%er1 : tensor<2x64x1xf32>) -> tensor<2x64x1xf32>
  %max = linalg.generic {indexing_maps = [#in4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%scores : tensor<2x64x64xf32>) outs(%lo : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2x64x1xf32>
  %exps = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %max : tensor<2x64x64xf32>, tensor<2x64x1xf32>) outs(%es : tensor<2x64x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x64x64xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%er1 : tensor<2x64x1xf32>) -> tensor<2x64x1xf32>
  %sum = linalg.generic {indexing_maps = [#in4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%exps : tensor<2x64x64xf32>) outs(%z1 : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<2x64x1xf32>
  %inv = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%sum : tensor<2x64x1xf32>) outs(%er1 : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %one, %in : f32
    linalg.yield %r : f32
  } -> tensor<2x64x1xf32>
  %probs = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%exps, %inv : tensor<2x64x64xf32>, tensor<2x64x1xf32>) outs(%es : tensor<2x64x64xf32>) {
  ^bb0(%in: f32, %r: f32, %out: f32):
    %p = arith.mulf %in, %r : f32
    linalg.yield %p : f32
  } -> tensor<2x64x64xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  %out = linalg.batch_matmul ins(%probs, %v : tensor<2x64x64xf32>, tensor<2x64x32xf32>)
      outs(%zo : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  return %out : tensor<2x64x32xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#mask3 = affine_map<(d0, d1, d2) -> (0, 0, d2)>
#in4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#red4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// An additive mask that every block reads whole (a padding mask over the
// keys) is read from memory; the rest of the chain is fused.
// CHECK-LABEL: func.func @masked
// CHECK: scf.forall
// CHECK: linalg.batch_matmul
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %arg3 : tensor<1x32x64xf32>, tensor<1x1x64xf32>)
// CHECK: math.exp
// CHECK: linalg.batch_matmul
// CHECK: } {kiln.fused_attention}
func.func @masked(%q: tensor<2x64x32xf32>, %kt: tensor<2x32x64xf32>,
                  %v: tensor<2x64x32xf32>, %mask: tensor<1x1x64xf32>) -> tensor<2x64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %e3 = tensor.empty() : tensor<2x64x32xf32>
  %es = tensor.empty() : tensor<2x64x64xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %raw = linalg.batch_matmul ins(%q, %kt : tensor<2x64x32xf32>, tensor<2x32x64xf32>)
      outs(%zs : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %scores = linalg.generic {indexing_maps = [#id3, #mask3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%raw, %mask : tensor<2x64x64xf32>, tensor<1x1x64xf32>) outs(%es : tensor<2x64x64xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %a = arith.addf %in, %m : f32
    linalg.yield %a : f32
  } -> tensor<2x64x64xf32>
  %er = tensor.empty() : tensor<2x64x1xf32>
  %lo = linalg.fill ins(%lowest : f32) outs(%er : tensor<2x64x1xf32>) -> tensor<2x64x1xf32>
  %max = linalg.generic {indexing_maps = [#in4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%scores : tensor<2x64x64xf32>) outs(%lo : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2x64x1xf32>
  %exps = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %max : tensor<2x64x64xf32>, tensor<2x64x1xf32>) outs(%es : tensor<2x64x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x64x64xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  %out = linalg.batch_matmul ins(%exps, %v : tensor<2x64x64xf32>, tensor<2x64x32xf32>)
      outs(%zo : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  return %out : tensor<2x64x32xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#in4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#red4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// The model also returns the scores: fused, they would be computed twice.
// CHECK-LABEL: func.func @scores_returned
// CHECK-NOT: scf.forall
// CHECK-COUNT-2: linalg.batch_matmul
func.func @scores_returned(%q: tensor<2x64x32xf32>, %kt: tensor<2x32x64xf32>,
                           %v: tensor<2x64x32xf32>) -> (tensor<2x64x32xf32>, tensor<2x64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %e3 = tensor.empty() : tensor<2x64x32xf32>
  %es = tensor.empty() : tensor<2x64x64xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %scores = linalg.batch_matmul ins(%q, %kt : tensor<2x64x32xf32>, tensor<2x32x64xf32>)
      outs(%zs : tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
  %er = tensor.empty() : tensor<2x64x1xf32>
  %lo = linalg.fill ins(%lowest : f32) outs(%er : tensor<2x64x1xf32>) -> tensor<2x64x1xf32>
  %max = linalg.generic {indexing_maps = [#in4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%scores : tensor<2x64x64xf32>) outs(%lo : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2x64x1xf32>
  %exps = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %max : tensor<2x64x64xf32>, tensor<2x64x1xf32>) outs(%es : tensor<2x64x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x64x64xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  %out = linalg.batch_matmul ins(%exps, %v : tensor<2x64x64xf32>, tensor<2x64x32xf32>)
      outs(%zo : tensor<2x64x32xf32>) -> tensor<2x64x32xf32>
  return %out, %scores : tensor<2x64x32xf32>, tensor<2x64x64xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Two products with only an elementwise activation between them (an MLP)
// are not an attention: there is no softmax to keep in cache.
// CHECK-LABEL: func.func @mlp
// CHECK-NOT: scf.forall
// CHECK-COUNT-2: linalg.matmul
func.func @mlp(%x: tensor<64x32xf32>, %w1: tensor<32x64xf32>, %w2: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %eh = tensor.empty() : tensor<64x64xf32>
  %zh = linalg.fill ins(%zero : f32) outs(%eh : tensor<64x64xf32>) -> tensor<64x64xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<64x32xf32>, tensor<32x64xf32>) outs(%zh : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<64x64xf32>) outs(%eh : tensor<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<64x64xf32>
  %eo = tensor.empty() : tensor<64x32xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<64x32xf32>) -> tensor<64x32xf32>
  %o = linalg.matmul ins(%r, %w2 : tensor<64x64xf32>, tensor<64x32xf32>) outs(%zo : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %o : tensor<64x32xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#in4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#red4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// Rows of 256 keys are 1 KB apart: the feature rows a register tile reads
// would share a few L1 sets. The keys are padded by one cache line per row
// and read through a slice of the padded tensor.
// CHECK-LABEL: func.func @long_rows
// CHECK: %[[PADDED:.*]] = tensor.pad %arg1 nofold low[0, 0, 0] high[0, 0, 16]
// CHECK: %[[KEYS:.*]] = tensor.extract_slice %[[PADDED]][0, 0, 0] [2, 16, 256] [1, 1, 1] : tensor<2x16x272xf32> to tensor<2x16x256xf32>
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[KEYS]][%{{.*}}, 0, 0] [1, 16, 256]
// CHECK: linalg.batch_matmul
// CHECK: } {kiln.fused_attention}
func.func @long_rows(%q: tensor<2x64x16xf32>, %kt: tensor<2x16x256xf32>,
                     %v: tensor<2x256x16xf32>) -> tensor<2x64x16xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %e3 = tensor.empty() : tensor<2x64x16xf32>
  %es = tensor.empty() : tensor<2x64x256xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x64x256xf32>) -> tensor<2x64x256xf32>
  %scores = linalg.batch_matmul ins(%q, %kt : tensor<2x64x16xf32>, tensor<2x16x256xf32>)
      outs(%zs : tensor<2x64x256xf32>) -> tensor<2x64x256xf32>
  %er = tensor.empty() : tensor<2x64x1xf32>
  %lo = linalg.fill ins(%lowest : f32) outs(%er : tensor<2x64x1xf32>) -> tensor<2x64x1xf32>
  %max = linalg.generic {indexing_maps = [#in4, #red4], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%scores : tensor<2x64x256xf32>) outs(%lo : tensor<2x64x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2x64x1xf32>
  %exps = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %max : tensor<2x64x256xf32>, tensor<2x64x1xf32>) outs(%es : tensor<2x64x256xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x64x256xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
  %out = linalg.batch_matmul ins(%exps, %v : tensor<2x64x256xf32>, tensor<2x256x16xf32>)
      outs(%zo : tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
  return %out : tensor<2x64x16xf32>
}
