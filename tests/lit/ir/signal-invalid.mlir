// RUN: kiln-opt %s -split-input-file -verify-diagnostics

func.func @dft_bad_axis(%x: tensor<4x1xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{axis 1 is out of range}}
  %y = graph.dft %x {axis = 1 : i64, length = 4 : i64} : (tensor<4x1xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

func.func @dft_bad_bins(%x: tensor<8x1xf32>) -> tensor<8x2xf32> {
  // expected-error @+1 {{does not match input}}
  %y = graph.dft %x {axis = 0 : i64, length = 8 : i64, onesided = true} : (tensor<8x1xf32>) -> tensor<8x2xf32>
  return %y : tensor<8x2xf32>
}

// -----

func.func @stft_no_length(%s: tensor<1x128x1xf32>, %step: tensor<i64>) -> tensor<1x15x9x2xf32> {
  // expected-error @+1 {{needs a window or a frame_length}}
  %y = graph.stft %s, %step : (tensor<1x128x1xf32>, tensor<i64>) -> tensor<1x15x9x2xf32>
  return %y : tensor<1x15x9x2xf32>
}

// -----

func.func @tfidf_bad_pool(%x: tensor<6xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{pool has 3 items, the grams need 4}}
  %y = graph.tfidf_vectorizer %x {pool = array<i64: 5, 6, 7>,
      gram_lengths = array<i64: 2, 2>, gram_indexes = array<i64: 0, 1>,
      weights = array<f32: 1.0, 1.0>, mode = "TF", min_gram_length = 2 : i64,
      max_gram_length = 2 : i64, max_skip_count = 0 : i64}
      : (tensor<6xi64>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
