// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pad-in-place))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pad-in-place),one-shot-bufferize{bufferize-function-boundaries},cse,canonicalize)' | FileCheck %s --check-prefix=BUFFERS

// The fill of the padded shape moves before the ReLU, which writes its
// output into the interior; the pad becomes an insert_slice of the same
// interior (no copy once bufferized: the self-copy bufferization leaves
// folds away).
// CHECK-LABEL: func.func @relu_then_pad
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x6x6x8xf32>
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<1x6x6x8xf32>)
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x4x8xf32>)
// CHECK: tensor.insert_slice %[[RELU]] into %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad

// BUFFERS-LABEL: func.func @relu_then_pad
// BUFFERS: %[[BUF:.*]] = memref.alloc() {{.*}} : memref<1x6x6x8xf32>
// BUFFERS: linalg.fill {{.*}} outs(%[[BUF]]
// BUFFERS: %[[VIEW:.*]] = memref.subview %[[BUF]][0, 1, 1, 0] [1, 4, 4, 8]
// BUFFERS: linalg.generic {{.*}} outs(%[[VIEW]]
// BUFFERS-NOT: memref.copy
// BUFFERS: return %[[BUF]]
func.func @relu_then_pad(%x: tensor<1x4x4x8xf32>) -> tensor<1x6x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x4x8xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                          iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x8xf32>) outs(%empty : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  %padded = tensor.pad %relu low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  return %padded : tensor<1x6x6x8xf32>
}

// A pad of a function argument: the fill stays at the pad and the
// argument is copied into the interior.
// CHECK-LABEL: func.func @pad_argument
// CHECK: linalg.fill
// CHECK: tensor.insert_slice %arg0 into
func.func @pad_argument(%x: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %padded = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %ninf : f32
  } : tensor<2x3xf32> to tensor<4x5xf32>
  return %padded : tensor<4x5xf32>
}
