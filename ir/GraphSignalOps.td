//===- GraphSignalOps.td - spectral signal ops ------------*- tablegen -*-===//
//
// Discrete Fourier transforms (ONNX DFT), short-time Fourier transforms
// (ONNX STFT), the mel filter bank matrix (ONNX MelWeightMatrix) and n-gram
// counting (ONNX TfIdfVectorizer). Complex
// values are stored as a trailing dimension of 2 (real, imaginary); a real
// signal has a trailing dimension of 1.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHSIGNALOPS_TD
#define KILN_IR_GRAPHSIGNALOPS_TD

include "ir/GraphBase.td"

def Graph_DFTOp : Graph_Op<"dft"> {
  let summary = "a discrete Fourier transform along one axis";
  let description = [{
    `y[k] = scale * sum_n x[n] * exp(sign * 2 pi i k n / N)` along `axis` of
    the input, where sign is -1 (forward) or +1 (`inverse`, with scale 1 / N),
    and N is `length`: the input is zero-padded or truncated to N along the
    axis. The input's last dimension is 1 (real) or 2 (complex); the result's
    is 2. With `onesided`, only the N / 2 + 1 non-redundant frequencies of a
    real input are produced. `axis` is non-negative and not the last
    dimension.

    ```mlir
    %y = graph.dft %x {axis = 1 : i64, length = 10 : i64}
        : (tensor<1x10x10x1xf32>) -> tensor<1x10x10x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, I64Attr:$axis, I64Attr:$length,
                       DefaultValuedAttr<BoolAttr, "false">:$inverse,
                       DefaultValuedAttr<BoolAttr, "false">:$onesided);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_STFTOp : Graph_Op<"stft", [AttrSizedOperandSegments]> {
  let summary = "a short-time Fourier transform";
  let description = [{
    The signal `[batch, length, 1 or 2]` is cut into frames of
    `frame_length` samples, `frame_step` apart; each frame is multiplied by
    `window` (ones when absent) and transformed by a forward DFT of length
    `frame_length`. The result is `[batch, frames, bins, 2]`, with
    `bins = frame_length / 2 + 1` when `onesided`. The frame step and length
    are scalar operands read at run time; the frame length defaults to the
    window's length. The frame and bin counts come from the static result
    type.

    ```mlir
    %y = graph.stft %signal, %step window %w {onesided = true}
        : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$signal, Graph_IndexTensor:$frame_step,
                       Optional<Graph_FloatTensor>:$window,
                       Optional<Graph_IndexTensor>:$frame_length,
                       DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = [{
    $signal `,` $frame_step (`window` $window^)? (`length` $frame_length^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_MelWeightMatrixOp : Graph_Op<"mel_weight_matrix"> {
  let summary = "a mel filter bank matrix";
  let description = [{
    The `[dft_length / 2 + 1, num_mel_bins]` matrix of triangular filters
    spaced evenly on the mel scale between `lower_edge_hertz` and
    `upper_edge_hertz`, with ONNX MelWeightMatrix's arithmetic: band edges
    are spectrogram bins `floor((dft_length + 1) * hz / sample_rate)`. The
    scalar operands are read at run time; the shape comes from the static
    result type.

    ```mlir
    %m = graph.mel_weight_matrix %bins, %n, %rate, %lo, %hi
        : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
    ```
  }];
  let arguments = (ins Graph_IndexTensor:$num_mel_bins, Graph_IndexTensor:$dft_length,
                       Graph_IndexTensor:$sample_rate, Graph_FloatTensor:$lower_edge_hertz,
                       Graph_FloatTensor:$upper_edge_hertz);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_TfIdfVectorizerOp : Graph_Op<"tfidf_vectorizer"> {
  let summary = "n-gram counts against a fixed pool (ONNX TfIdfVectorizer)";
  let description = [{
    Counts, in each row of the 1-D or 2-D integer input, the occurrences of
    the pool's n-grams: gram g has `gram_lengths[g]` items, taken in order
    from the flattened `pool`, and is counted into result column
    `gram_indexes[g]`. An n-gram with n >= 2 matches items `skip + 1` apart
    for every skip in [0, `max_skip_count`]; a unigram matches once. Only
    grams with lengths in [`min_gram_length`, `max_gram_length`] count. The
    `mode` is "TF" (the count), "IDF" (`weights[g]` when the count is
    positive) or "TFIDF" (count times `weights[g]`).

    ```mlir
    %y = graph.tfidf_vectorizer %x {pool = array<i64: 5, 6, 7, 8>,
        gram_lengths = array<i64: 2, 2>, gram_indexes = array<i64: 0, 1>,
        weights = array<f32: 1.0, 1.0>, mode = "TF", min_gram_length = 2 : i64,
        max_gram_length = 2 : i64, max_skip_count = 0 : i64}
        : (tensor<12xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Graph_IndexTensor:$input, DenseI64ArrayAttr:$pool,
                       DenseI64ArrayAttr:$gram_lengths, DenseI64ArrayAttr:$gram_indexes,
                       DenseF32ArrayAttr:$weights, StrAttr:$mode, I64Attr:$min_gram_length,
                       I64Attr:$max_gram_length, I64Attr:$max_skip_count);
  let results = (outs Graph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // KILN_IR_GRAPHSIGNALOPS_TD
