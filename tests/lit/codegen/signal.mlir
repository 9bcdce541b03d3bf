// RUN: kiln-opt %s -split-input-file --kiln-lower-graph-to-linalg | FileCheck %s

// A real DFT along axis 1 is one generic reducing over the samples, read
// through the channel-0 map, with f64 twiddles reduced modulo the length.
// CHECK-LABEL: func.func @dft_real
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.remui
// CHECK: math.cos %{{.+}} : f64
// CHECK: math.sin %{{.+}} : f64
// CHECK: arith.truncf %{{.+}} : f64 to f32
func.func @dft_real(%x: tensor<1x10x1xf32>) -> tensor<1x10x2xf32> {
  %y = graph.dft %x {axis = 1 : i64, length = 10 : i64} : (tensor<1x10x1xf32>) -> tensor<1x10x2xf32>
  return %y : tensor<1x10x2xf32>
}

// -----

// A complex inverse DFT reads both channels and scales by 1 / N.
// CHECK-LABEL: func.func @dft_inverse
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: arith.constant 2.500000e-01 : f32
func.func @dft_inverse(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %y = graph.dft %x {axis = 0 : i64, length = 4 : i64, inverse = true} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A onesided DFT keeps N / 2 + 1 bins; a truncating length slices the input.
// CHECK-LABEL: func.func @dft_onesided
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [6, 1] [1, 1] : tensor<8x1xf32> to tensor<6x1xf32>
// CHECK: linalg.generic
func.func @dft_onesided(%x: tensor<8x1xf32>) -> tensor<4x2xf32> {
  %y = graph.dft %x {axis = 0 : i64, length = 6 : i64, onesided = true} : (tensor<8x1xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// STFT reads the frame step at run time and the samples with tensor.extract;
// the window gives the reduction's extent.
// CHECK-LABEL: func.func @stft_window
// CHECK: tensor.extract %arg1[]
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%arg2 : tensor<16xf32>)
// CHECK: tensor.extract %arg0
func.func @stft_window(%s: tensor<1x128x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<1x15x9x2xf32> {
  %y = graph.stft %s, %step window %w : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
  return %y : tensor<1x15x9x2xf32>
}

// -----

// Without a window, a run-time frame length masks a reduction bounded by
// the bin count (2 * 9 - 1 samples for a onesided transform).
// CHECK-LABEL: func.func @stft_length
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<17xf32>)
// CHECK: linalg.generic
func.func @stft_length(%s: tensor<1x128x1xf32>, %step: tensor<i64>, %n: tensor<i64>) -> tensor<1x15x9x2xf32> {
  %y = graph.stft %s, %step length %n : (tensor<1x128x1xf32>, tensor<i64>, tensor<i64>) -> tensor<1x15x9x2xf32>
  return %y : tensor<1x15x9x2xf32>
}

// -----

// The mel matrix is an elementwise generic over the result computing its
// band edges with log10 / pow in f64.
// CHECK-LABEL: func.func @mel
// CHECK: math.log10 %{{.+}} : f64
// CHECK: linalg.generic
// CHECK: math.powf
// CHECK: math.floor
// CHECK: arith.truncf %{{.+}} : f64 to f32
func.func @mel(%b: tensor<i32>, %n: tensor<i32>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<9x8xf32> {
  %m = graph.mel_weight_matrix %b, %n, %r, %lo, %hi : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
  return %m : tensor<9x8xf32>
}

// -----

// TfIdfVectorizer counts the pool's grams over (row, gram, skip, start) with
// the items unrolled, then scatters the counts into their columns; a 1-D
// input is one row.
// CHECK-LABEL: func.func @tfidf
// CHECK: arith.constant dense<{{\[\[}}5, 6], [7, 8]]> : tensor<2x2xi64>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.mulf
func.func @tfidf(%x: tensor<12xi32>) -> tensor<3xf32> {
  %y = graph.tfidf_vectorizer %x {pool = array<i64: 4, 5, 6, 7, 8>,
      gram_lengths = array<i64: 1, 2, 2>, gram_indexes = array<i64: 0, 1, 2>,
      weights = array<f32: 1.0, 2.0, 3.0>, mode = "TFIDF", min_gram_length = 2 : i64,
      max_gram_length = 2 : i64, max_skip_count = 1 : i64}
      : (tensor<12xi32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
