// RUN: kiln-opt %s --kiln-expand-strided-copies | FileCheck %s

// CHECK-LABEL: func.func @copies
func.func @copies(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x4xf32>,
                  %d: memref<8x4xf32>, %e: memref<2x300xf32>, %f: memref<4x600xf32>) {
  // Contiguous to contiguous stays a memcpy-able memref.copy.
  // CHECK: memref.copy %arg0, %arg1
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  // A strided view with contiguous rows: a parallel loop over the rows, one
  // vector read and write per row.
  // CHECK: %[[VIEW:.+]] = memref.subview %arg0
  // CHECK: scf.parallel (%[[ROW:.+]]) =
  // CHECK: %[[LINE:.+]] = vector.transfer_read %[[VIEW]][%[[ROW]], %{{.+}}], %{{.+}} {in_bounds = [true]} : memref<4x4xf32, strided<[8, 1]>>, vector<4xf32>
  // CHECK: vector.transfer_write %[[LINE]], %arg2[%[[ROW]], %{{.+}}] {in_bounds = [true]} : vector<4xf32>, memref<4x4xf32>
  %view = memref.subview %a[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  memref.copy %view, %c : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  // Rows of fewer than 4 elements (a column) and rows over 256 elements are
  // copied with loops.
  // CHECK: linalg.copy ins(%{{.+}} : memref<4x1xf32, strided<[8, 1]>>
  %column = memref.subview %a[0, 0] [4, 1] [1, 1] : memref<4x8xf32> to memref<4x1xf32, strided<[8, 1]>>
  %column2 = memref.subview %d[0, 0] [4, 1] [2, 1] : memref<8x4xf32> to memref<4x1xf32, strided<[8, 1]>>
  memref.copy %column, %column2 : memref<4x1xf32, strided<[8, 1]>> to memref<4x1xf32, strided<[8, 1]>>
  // CHECK: linalg.copy ins(%{{.+}} : memref<2x300xf32, strided<[1200, 1]>>)
  // CHECK-NOT: memref.copy
  %wide = memref.subview %f[0, 0] [2, 300] [2, 1] : memref<4x600xf32> to memref<2x300xf32, strided<[1200, 1]>>
  memref.copy %wide, %e : memref<2x300xf32, strided<[1200, 1]>> to memref<2x300xf32>
  return
}
