// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize{vector-bits=256 vector-registers=16}))' | FileCheck %s --check-prefix=AVX2
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize{vector-bits=512 vector-registers=32}))' | FileCheck %s --check-prefix=AVX512
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize{vector-bits=0}))' | FileCheck %s --check-prefix=SCALAR
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize{vector-bits=512 vector-registers=32},canonicalize,cse))' | FileCheck %s --check-prefix=FUSE

// A 32x384 output: AVX2 (8 lanes, 16 registers) takes 4 rows of 2 vectors,
// AVX-512 (16 lanes, 32 registers) 8 rows of 2 vectors. Column blocks are
// the outer loop (a panel of B stays in cache while the row blocks pass).
// The zero fill is fused into each tile: the accumulator starts as a
// constant vector in registers (no pre-filled output to read back), is
// carried through the reduction loop and written once.
// AVX2-LABEL: func.func @matmul
// AVX2: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4x16xf32>
// AVX2-NOT: linalg.fill
// AVX2: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (384, 32) step (16, 4)
// AVX2-NOT: vector.transfer_read {{.*}} : tensor<4x16xf32>
// AVX2: scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[ZERO]]) -> ({{.*}}vector<4x16xf32>)
// AVX2-COUNT-4: vector.fma {{.*}} : vector<16xf32>
// AVX2: scf.yield
// AVX2: vector.transfer_write
// AVX2: scf.forall.in_parallel

// AVX512-LABEL: func.func @matmul
// AVX512: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (384, 32) step (32, 8)
// AVX512: scf.for {{.*}} -> ({{.*}}vector<8x32xf32>)
// AVX512-COUNT-8: vector.fma {{.*}} : vector<32xf32>

// SCALAR-LABEL: func.func @matmul
// SCALAR: linalg.matmul
// SCALAR-NOT: vector.fma
func.func @matmul(%a: tensor<32x128xf32>, %b: tensor<128x384xf32>) -> tensor<32x384xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<32x384xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<32x384xf32>) -> tensor<32x384xf32>
  %c = linalg.matmul ins(%a, %b : tensor<32x128xf32>, tensor<128x384xf32>)
                     outs(%init : tensor<32x384xf32>) -> tensor<32x384xf32>
  return %c : tensor<32x384xf32>
}

// Batched products tile the batch by 1; a unit M (a matrix-vector product)
// takes one row of up to four vectors.
// AVX512-LABEL: func.func @batch_gemv
// AVX512: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (4, 256) step (1, 64)
// AVX512-COUNT-1: vector.fma {{.*}} : vector<64xf32>
func.func @batch_gemv(%a: tensor<4x1x64xf32>, %b: tensor<4x64x256xf32>, %init: tensor<4x1x256xf32>) -> tensor<4x1x256xf32> {
  %c = linalg.batch_matmul ins(%a, %b : tensor<4x1x64xf32>, tensor<4x64x256xf32>)
                           outs(%init : tensor<4x1x256xf32>) -> tensor<4x1x256xf32>
  return %c : tensor<4x1x256xf32>
}

// An N with no multiple of half a vector as divisor stays untouched.
// AVX512-LABEL: func.func @odd_columns
// AVX512: linalg.matmul
func.func @odd_columns(%a: tensor<8x16xf32>, %b: tensor<16x7xf32>, %init: tensor<8x7xf32>) -> tensor<8x7xf32> {
  %c = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x7xf32>)
                     outs(%init : tensor<8x7xf32>) -> tensor<8x7xf32>
  return %c : tensor<8x7xf32>
}

// NHWC convolutions tile one output row segment of `ow` pixels by a block
// of output channels (the register tile of a matrix product whose rows are
// pixels), with the channel block outermost so a filter block stays in
// cache across the image. The window's rows are a loop; its columns and a
// block of 8 input channels are unrolled into FMAs on the carried
// accumulator: 14 pixels x 32 channels with AVX-512, 4 x 16 with AVX2.
// AVX512-LABEL: func.func @conv_nhwc
// AVX512: scf.forall ({{.*}}) = (0, 0, 0) to (64, 28, 28) step (32, 1, 14)
// AVX512: %[[ACC:.*]] = vector.shape_cast %{{.*}} : vector<1x1x14x32xf32> to vector<1x14x32xf32>
// AVX512: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}, %{{.*}} = %[[ACC]])
// AVX512: scf.for %{{.*}} = %c0 to %c64 step %c8
// AVX512: vector.fma {{.*}} : vector<32xf32>
// AVX2-LABEL: func.func @conv_nhwc
// AVX2: scf.forall ({{.*}}) = (0, 0, 0) to (64, 28, 28) step (16, 1, 4)
// AVX2-COUNT-4: vector.fma {{.*}} : vector<16xf32>
func.func @conv_nhwc(%x: tensor<1x30x30x64xf32>, %w: tensor<3x3x64x64xf32>) -> tensor<1x28x28x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x28x28x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%init : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  return %y : tensor<1x28x28x64xf32>
}

// Depthwise convolutions take the same row-segment tile, pixels outermost
// (their filter is small; a row of activations is read as one stream);
// each window tap is one FMA over the whole tile. The zero start is fused
// into the tile as well.
// AVX512-LABEL: func.func @depthwise_nhwc
// AVX512-NOT: linalg.fill
// AVX512: scf.forall ({{.*}}) in (14)
// AVX512: scf.for %{{.*}} = %c0 to %c3 step %c1
// AVX512-COUNT-3: vector.fma {{.*}} : vector<1x14x32xf32>
// SCALAR-LABEL: func.func @depthwise_nhwc
// SCALAR: linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise_nhwc(%x: tensor<1x16x16x32xf32>, %w: tensor<3x3x32xf32>) -> tensor<1x14x14x32xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x14x14x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x14x14x32xf32>) -> tensor<1x14x14x32xf32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x16x16x32xf32>, tensor<3x3x32xf32>) outs(%init : tensor<1x14x14x32xf32>) -> tensor<1x14x14x32xf32>
  return %y : tensor<1x14x14x32xf32>
}

// A convolution's bias, broadcast over NHWC pixels and seen through the
// reshape to the product's rows x channels, is rebuilt in the product's
// shape and fused into each tile: the tile's accumulator starts as the
// bias slice broadcast over its rows.
// AVX512-LABEL: func.func @bias_through_reshape
// AVX512-NOT: linalg.generic
// AVX512: scf.forall
// AVX512: %[[SLICE:.*]] = tensor.extract_slice %arg2[%{{.*}}] [32] [1] : tensor<64xf32> to tensor<32xf32>
// AVX512: %[[BIAS:.*]] = vector.transfer_read %[[SLICE]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<32xf32>, vector<32xf32>
// AVX512: %[[ROWS:.*]] = vector.broadcast %[[BIAS]] : vector<32xf32> to vector<8x32xf32>
// AVX512: scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[ROWS]]) -> ({{.*}}vector<8x32xf32>)
func.func @bias_through_reshape(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>, %bias: tensor<64xf32>) -> tensor<16x64xf32> {
  %empty = tensor.empty() : tensor<1x4x4x64xf32>
  %broadcast = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                               iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<64xf32>) outs(%empty : tensor<1x4x4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x64xf32>
  %init = tensor.collapse_shape %broadcast [[0, 1, 2], [3]] : tensor<1x4x4x64xf32> into tensor<16x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<16x8xf32>, tensor<8x64xf32>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}

// Epilogues: an elementwise consumer of a kernel (an activation, a residual
// addition) is computed in each tile from the accumulator's registers and
// written once, into the consumer's output. A depthwise convolution and its
// Clip (ReLU6):
// FUSE-LABEL: func.func @depthwise_clip
// FUSE-NOT: linalg.generic
// FUSE: scf.forall
// FUSE: %[[ACC:.*]] = scf.for {{.*}} -> (vector<1x14x32xf32>)
// FUSE: %[[TILE:.*]] = vector.shape_cast %[[ACC]] : vector<1x14x32xf32> to vector<1x1x14x32xf32>
// FUSE: %[[LOW:.*]] = arith.maximumf %[[TILE]]
// FUSE: %[[HIGH:.*]] = arith.minimumf %[[LOW]]
// FUSE: vector.transfer_write %[[HIGH]]
// FUSE-NOT: vector.transfer_write
// FUSE: scf.forall.in_parallel
func.func @depthwise_clip(%x: tensor<1x16x16x32xf32>, %w: tensor<3x3x32xf32>) -> tensor<1x14x14x32xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %empty = tensor.empty() : tensor<1x14x14x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x14x14x32xf32>) -> tensor<1x14x14x32xf32>
  %y = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x16x16x32xf32>, tensor<3x3x32xf32>) outs(%init : tensor<1x14x14x32xf32>) -> tensor<1x14x14x32xf32>
  %out = tensor.empty() : tensor<1x14x14x32xf32>
  %clip = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : tensor<1x14x14x32xf32>) outs(%out : tensor<1x14x14x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    %low = arith.maximumf %in, %zero : f32
    %high = arith.minimumf %low, %six : f32
    linalg.yield %high : f32
  } -> tensor<1x14x14x32xf32>
  return %clip : tensor<1x14x14x32xf32>
}

// A matrix product seen through reshapes (a 1x1 convolution as a GEMM) and
// its residual addition + ReLU: the epilogue is restated in the product's
// shape, the residual reshaped alike (a view), and fused: each tile adds
// its slice of the residual to the accumulator and applies the ReLU before
// the one write.
// FUSE-LABEL: func.func @gemm_residual_relu
// FUSE-NOT: linalg.generic
// FUSE: scf.forall (%{{.*}}, %[[ROW:.*]]) = (0, 0) to (64, 16) step (32, 8)
// FUSE: %[[ACC:.*]] = scf.for {{.*}} -> (vector<8x32xf32>)
// FUSE: %[[SKIP_TILE:.*]] = tensor.extract_slice %{{.*}}[%[[ROW]], %{{.*}}] [8, 32] [1, 1] : tensor<16x64xf32> to tensor<8x32xf32>
// FUSE: %[[SKIP:.*]] = vector.transfer_read %[[SKIP_TILE]]
// FUSE: %[[SUM:.*]] = arith.addf %[[ACC]], %[[SKIP]]
// FUSE: %[[RELU:.*]] = arith.maximumf %[[SUM]]
// FUSE: vector.transfer_write %[[RELU]]
// FUSE: scf.forall.in_parallel
// FUSE: tensor.expand_shape {{.*}} into tensor<1x4x4x64xf32>
// FUSE-NOT: linalg.generic
func.func @gemm_residual_relu(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>, %skip: tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x64xf32>) -> tensor<16x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<16x8xf32>, tensor<8x64xf32>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  %nhwc = tensor.expand_shape %c [[0, 1, 2], [3]] output_shape [1, 4, 4, 64] : tensor<16x64xf32> into tensor<1x4x4x64xf32>
  %out = tensor.empty() : tensor<1x4x4x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>,
                                        affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc, %skip : tensor<1x4x4x64xf32>, tensor<1x4x4x64xf32>) outs(%out : tensor<1x4x4x64xf32>) {
  ^bb0(%in: f32, %s: f32, %o: f32):
    %sum = arith.addf %in, %s : f32
    %relu = arith.maximumf %sum, %zero : f32
    linalg.yield %relu : f32
  } -> tensor<1x4x4x64xf32>
  return %r : tensor<1x4x4x64xf32>
}

// An activation whose result is padded stays a separate op:
// kiln-pad-in-place makes it write into the padded buffer's interior, which
// a tile of the product could not.
// FUSE-LABEL: func.func @gemm_relu_padded
// FUSE: scf.forall
// FUSE: scf.forall.in_parallel
// FUSE: linalg.generic
// FUSE: tensor.pad
func.func @gemm_relu_padded(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>) -> tensor<1x6x6x64xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x64xf32>) -> tensor<16x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<16x8xf32>, tensor<8x64xf32>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  %nhwc = tensor.expand_shape %c [[0, 1, 2], [3]] output_shape [1, 4, 4, 64] : tensor<16x64xf32> into tensor<1x4x4x64xf32>
  %out = tensor.empty() : tensor<1x4x4x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc : tensor<1x4x4x64xf32>) outs(%out : tensor<1x4x4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %relu = arith.maximumf %in, %zero : f32
    linalg.yield %relu : f32
  } -> tensor<1x4x4x64xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x64xf32> to tensor<1x6x6x64xf32>
  return %p : tensor<1x6x6x64xf32>
}

// A product in a loop over chunks of rows (kiln-convert-conv-to-gemm) is
// tiled in place: its start value (zero) is fused, and the parallel loop
// writes straight into its chunk of the loop-carried result (no chunk
// buffer copied into it afterwards).
// FUSE-LABEL: func.func @row_chunks
// FUSE: scf.for %[[ROW:.*]] = %c0 to %c28 step %c7 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<784x16xf32>)
// FUSE: %[[PIXEL:.*]] = arith.muli %[[ROW]], %c28
// FUSE: %[[CHUNK:.*]] = tensor.extract_slice %[[ACC]][%[[PIXEL]], 0] [196, 16] [1, 1]
// FUSE: %[[TILED:.*]] = scf.forall {{.*}} shared_outs(%{{.*}} = %[[CHUNK]]) -> (tensor<196x16xf32>)
// FUSE: scf.for {{.*}} -> (vector<7x16xf32>)
// FUSE: tensor.insert_slice %[[TILED]] into %[[ACC]][%[[PIXEL]], 0] [196, 16] [1, 1]
// FUSE: } {kiln.row_chunks}
func.func @row_chunks(%arg0: tensor<1x57x57x8xf32>) -> tensor<1x28x28x16xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %0 = tensor.empty() : tensor<1x28x28x16xf32>
  %1 = linalg.fill ins(%zero : f32) outs(%0 : tensor<1x28x28x16xf32>) -> tensor<1x28x28x16xf32>
  %weights = arith.constant dense<2.500000e-01> : tensor<72x16xf32>
  %collapsed = tensor.collapse_shape %1 [[0, 1, 2], [3]] : tensor<1x28x28x16xf32> into tensor<784x16xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %c28 = arith.constant 28 : index
  %2 = tensor.empty() : tensor<784x16xf32>
  %3 = scf.for %row = %c0 to %c28 step %c7 iter_args(%acc = %2) -> (tensor<784x16xf32>) {
    %4 = arith.muli %row, %c2 : index
    %rows = tensor.extract_slice %arg0[0, %4, 0, 0] [1, 15, 57, 8] [1, 1, 1, 1] : tensor<1x57x57x8xf32> to tensor<1x15x57x8xf32>
    %flat = tensor.collapse_shape %rows [[0], [1], [2, 3]] : tensor<1x15x57x8xf32> into tensor<1x15x456xf32>
    %5 = tensor.empty() : tensor<1x7x28x3x24xf32>
    %6 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d3, d2 * 16 + d4)>,
                                          affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
        ins(%flat : tensor<1x15x456xf32>) outs(%5 : tensor<1x7x28x3x24xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x7x28x3x24xf32>
    %patches = tensor.collapse_shape %6 [[0, 1, 2], [3, 4]] : tensor<1x7x28x3x24xf32> into tensor<196x72xf32>
    %7 = arith.muli %row, %c28 : index
    %init = tensor.extract_slice %collapsed[%7, 0] [196, 16] [1, 1] : tensor<784x16xf32> to tensor<196x16xf32>
    %8 = linalg.matmul ins(%patches, %weights : tensor<196x72xf32>, tensor<72x16xf32>) outs(%init : tensor<196x16xf32>) -> tensor<196x16xf32>
    %9 = tensor.insert_slice %8 into %acc[%7, 0] [196, 16] [1, 1] : tensor<196x16xf32> into tensor<784x16xf32>
    scf.yield %9 : tensor<784x16xf32>
  } {kiln.row_chunks}
  %expanded = tensor.expand_shape %3 [[0, 1, 2], [3]] output_shape [1, 28, 28, 16] : tensor<784x16xf32> into tensor<1x28x28x16xf32>
  return %expanded : tensor<1x28x28x16xf32>
}

// An NCHW-style bias of shape Cx1x1 (read at (c, 0, 0)) is a per-channel
// start value like a 1-D one: rebuilt in the product's shape and fused.
// AVX512-LABEL: func.func @bias_cx1x1
// AVX512-NOT: linalg.generic
// AVX512: tensor.collapse_shape %arg2 {{\[\[}}0, 1, 2]] : tensor<64x1x1xf32> into tensor<64xf32>
// AVX512: scf.forall
// AVX512: vector.broadcast %{{.*}} : vector<32xf32> to vector<8x32xf32>
func.func @bias_cx1x1(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>, %bias: tensor<64x1x1xf32>) -> tensor<16x64xf32> {
  %empty = tensor.empty() : tensor<1x4x4x64xf32>
  %broadcast = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                               iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<64x1x1xf32>) outs(%empty : tensor<1x4x4x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x64xf32>
  %init = tensor.collapse_shape %broadcast [[0, 1, 2], [3]] : tensor<1x4x4x64xf32> into tensor<16x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<16x8xf32>, tensor<8x64xf32>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}
