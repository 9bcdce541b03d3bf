// RUN: kiln-opt %s --kiln-expand-strided-copies | FileCheck %s

// CHECK-LABEL: func.func @copies
func.func @copies(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x4xf32>) {
  // Contiguous to contiguous stays a memcpy-able memref.copy.
  // CHECK: memref.copy %arg0, %arg1
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  // A strided view is copied with loops.
  // CHECK: linalg.copy ins(%{{.+}} : memref<4x4xf32, strided<[8, 1]>>) outs(%arg2 : memref<4x4xf32>)
  // CHECK-NOT: memref.copy
  %view = memref.subview %a[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  memref.copy %view, %c : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}
