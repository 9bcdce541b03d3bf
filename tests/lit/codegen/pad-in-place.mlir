// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pad-in-place))' | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-pad-in-place),eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries},cse,canonicalize)' | FileCheck %s --check-prefix=BUFFERS

// The padded shape's border is filled before the ReLU (one slab per padded
// side: rows 0 and 5, columns 0 and 5; the interior is not filled, the ReLU
// writes all of it), and the ReLU writes its output into the interior; the
// pad becomes an insert_slice of that same interior (no copy once
// bufferized: the self-copy bufferization leaves folds away).
// CHECK-LABEL: func.func @relu_then_pad
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x6x6x8xf32>
// CHECK: %[[TOP:.*]] = linalg.fill {{.*}} -> tensor<1x1x6x8xf32>
// CHECK: %[[B1:.*]] = tensor.insert_slice %[[TOP]] into %[[EMPTY]][0, 0, 0, 0] [1, 1, 6, 8]
// CHECK: %[[B2:.*]] = tensor.insert_slice %{{.*}} into %[[B1]][0, 5, 0, 0] [1, 1, 6, 8]
// CHECK: %[[B3:.*]] = tensor.insert_slice %{{.*}} into %[[B2]][0, 0, 0, 0] [1, 6, 1, 8]
// CHECK: %[[FILLED:.*]] = tensor.insert_slice %{{.*}} into %[[B3]][0, 0, 5, 0] [1, 6, 1, 8]
// CHECK-NOT: linalg.fill {{.*}} -> tensor<1x6x6x8xf32>
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} outs(%[[INTERIOR]] : tensor<1x4x4x8xf32>)
// CHECK: tensor.insert_slice %[[RELU]] into %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad

// BUFFERS-LABEL: func.func @relu_then_pad
// BUFFERS: %[[BUF:.*]] = memref.alloc() {{.*}} : memref<1x6x6x8xf32>
// BUFFERS: %[[ROW:.*]] = memref.subview %[[BUF]][0, 0, 0, 0] [1, 1, 6, 8]
// BUFFERS: linalg.fill {{.*}} outs(%[[ROW]]
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

// A pad of a function argument: the border fills stay at the pad and the
// argument is copied into the interior.
// CHECK-LABEL: func.func @pad_argument
// CHECK-COUNT-4: linalg.fill
// CHECK: tensor.insert_slice %arg0 into %{{.*}}[1, 1] [2, 3] [1, 1]
func.func @pad_argument(%x: tensor<2x3xf32>) -> tensor<4x5xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %padded = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %ninf : f32
  } : tensor<2x3xf32> to tensor<4x5xf32>
  return %padded : tensor<4x5xf32>
}

// A tiled kernel (here a vectorized ReLU, one tile per pixel) whose shared
// output starts empty writes its tiles into the interior the same way.
// CHECK-LABEL: func.func @tiled_relu_then_pad
// CHECK: %[[BORDER:.*]] = tensor.insert_slice {{.*}}[0, 0, 5, 0] [1, 6, 1, 8]
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[BORDER]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK: %[[TILED:.*]] = scf.forall {{.*}} shared_outs(%{{.*}} = %[[INTERIOR]])
// CHECK: tensor.insert_slice %[[TILED]] into %[[BORDER]][0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
// BUFFERS-LABEL: func.func @tiled_relu_then_pad
// BUFFERS: %[[BUF:.*]] = memref.alloc() {{.*}} : memref<1x6x6x8xf32>
// BUFFERS: %[[VIEW:.*]] = memref.subview %[[BUF]][0, 1, 1, 0] [1, 4, 4, 8]
// BUFFERS: scf.forall
// BUFFERS: %[[TILE:.*]] = memref.subview %[[VIEW]][0, %{{.*}}, %{{.*}}, 0] [1, 1, 1, 8]
// BUFFERS: vector.transfer_write %{{.*}}, %[[TILE]]
// BUFFERS-NOT: memref.copy
// BUFFERS: return %[[BUF]]
func.func @tiled_relu_then_pad(%x: tensor<1x4x4x8xf32>) -> tensor<1x6x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %vzero = arith.constant dense<0.0> : vector<8xf32>
  %c0 = arith.constant 0 : index
  %empty = tensor.empty() : tensor<1x4x4x8xf32>
  %relu = scf.forall (%h, %w) in (4, 4) shared_outs(%out = %empty) -> (tensor<1x4x4x8xf32>) {
    %v = vector.transfer_read %x[%c0, %h, %w, %c0], %zero {in_bounds = [true]} : tensor<1x4x4x8xf32>, vector<8xf32>
    %r = arith.maximumf %v, %vzero : vector<8xf32>
    %tile = tensor.extract_slice %out[0, %h, %w, 0] [1, 1, 1, 8] [1, 1, 1, 1] : tensor<1x4x4x8xf32> to tensor<8xf32>
    %written = vector.transfer_write %r, %tile[%c0] {in_bounds = [true]} : vector<8xf32>, tensor<8xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %written into %out[0, %h, %w, 0] [1, 1, 1, 8] [1, 1, 1, 1] : tensor<8xf32> into tensor<1x4x4x8xf32>
    }
  }
  %padded = tensor.pad %relu low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  return %padded : tensor<1x6x6x8xf32>
}
