// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// The ops of GraphSignalOps.td parse, verify and print back.

// CHECK-LABEL: func.func @spectral
// CHECK: graph.dft %{{.+}} {axis = 1 : i64, inverse = true, length = 10 : i64}
// CHECK: graph.stft %{{.+}}, %{{.+}} window %{{.+}} :
// CHECK: graph.stft %{{.+}}, %{{.+}} length %{{.+}} {onesided = false} :
// CHECK: graph.mel_weight_matrix
func.func @spectral(%x: tensor<1x10x10x2xf32>, %s: tensor<1x128x1xf32>, %step: tensor<i64>,
                    %w: tensor<16xf32>, %b: tensor<i32>, %lo: tensor<f32>)
    -> (tensor<1x10x10x2xf32>, tensor<1x15x9x2xf32>, tensor<1x15x16x2xf32>, tensor<9x8xf32>) {
  %0 = graph.dft %x {axis = 1 : i64, length = 10 : i64, inverse = true}
      : (tensor<1x10x10x2xf32>) -> tensor<1x10x10x2xf32>
  %1 = graph.stft %s, %step window %w
      : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
  %2 = graph.stft %s, %step length %step {onesided = false}
      : (tensor<1x128x1xf32>, tensor<i64>, tensor<i64>) -> tensor<1x15x16x2xf32>
  %3 = graph.mel_weight_matrix %b, %b, %b, %lo, %lo
      : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
  return %0, %1, %2, %3 : tensor<1x10x10x2xf32>, tensor<1x15x9x2xf32>, tensor<1x15x16x2xf32>, tensor<9x8xf32>
}

// CHECK-LABEL: func.func @tfidf
// CHECK: graph.tfidf_vectorizer %{{.+}} {gram_indexes = array<i64: 0, 1>
func.func @tfidf(%x: tensor<2x6xi64>) -> tensor<2x2xf32> {
  %y = graph.tfidf_vectorizer %x {pool = array<i64: 5, 6, 7, 8>,
      gram_lengths = array<i64: 2, 2>, gram_indexes = array<i64: 0, 1>,
      weights = array<f32: 1.0, 1.0>, mode = "TF", min_gram_length = 2 : i64,
      max_gram_length = 2 : i64, max_skip_count = 0 : i64}
      : (tensor<2x6xi64>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
