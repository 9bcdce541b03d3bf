// RUN: kiln-opt %s --kiln-plan-memory | FileCheck %s

// Three buffers in a chain: %a dies when %c is written, so %c reuses its
// offset; %b overlaps both and sits after the larger of them.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: kiln.workspace_lower_bound = 8192 : i64, kiln.workspace_size = 8192 : i64
func.func @chain(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  // CHECK-DAG: %[[A:.+]] = kiln.arena_slot offset 0 : memref<1024xf32>
  // CHECK-DAG: %[[B:.+]] = kiln.arena_slot offset 4096 : memref<1024xf32>
  // CHECK-DAG: %[[C:.+]] = kiln.arena_slot offset 0 : memref<1024xf32>
  // CHECK-NOT: memref.alloc
  %a = memref.alloc() : memref<1024xf32>
  linalg.copy ins(%x : memref<1024xf32>) outs(%a : memref<1024xf32>)
  %b = memref.alloc() : memref<1024xf32>
  linalg.copy ins(%a : memref<1024xf32>) outs(%b : memref<1024xf32>)
  %c = memref.alloc() : memref<1024xf32>
  linalg.copy ins(%b : memref<1024xf32>) outs(%c : memref<1024xf32>)
  linalg.copy ins(%c : memref<1024xf32>) outs(%y : memref<1024xf32>)
  return
}

// A view keeps its buffer alive: %a is read through a subview after %b is
// written, so they cannot share memory.
// CHECK-LABEL: func.func @view_extends_lifetime
// CHECK-SAME: kiln.workspace_size = 512 : i64
func.func @view_extends_lifetime(%x: memref<64xf32>, %y: memref<32xf32>) {
  // CHECK-DAG: kiln.arena_slot offset 0 : memref<64xf32>
  // CHECK-DAG: kiln.arena_slot offset 256 : memref<64xf32>
  %a = memref.alloc() : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
  %view = memref.subview %a[0] [32] [1] : memref<64xf32> to memref<32xf32, strided<[1]>>
  %b = memref.alloc() : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%b : memref<64xf32>)
  linalg.copy ins(%view : memref<32xf32, strided<[1]>>) outs(%y : memref<32xf32>)
  return
}

// Sizes round up to 64-byte slots; booleans take a byte each.
// CHECK-LABEL: func.func @rounding
// CHECK-SAME: kiln.workspace_size = 64 : i64
func.func @rounding(%x: memref<3xi1>) {
  // CHECK: kiln.arena_slot offset 0 : memref<3xi1>
  %a = memref.alloc() : memref<3xi1>
  linalg.copy ins(%x : memref<3xi1>) outs(%a : memref<3xi1>)
  return
}
