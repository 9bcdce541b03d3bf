// RUN: kiln-opt %s --kiln-loop-buffers-in-place --split-input-file | FileCheck %s

// Each iteration computes the carried value into a fresh buffer: it gets one
// buffer, allocated before the loop, that the iteration's result is copied
// into; the loop's argument and result become that buffer.
// CHECK-LABEL: func.func @fresh_per_iteration
// CHECK: %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK: linalg.copy ins(%arg0 : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[B]]) -> (memref<4xf32>) {
// CHECK:   %[[N:.+]] = memref.alloc() : memref<4xf32>
// CHECK:   linalg.copy ins(%[[B]] : memref<4xf32>) outs(%[[N]] : memref<4xf32>)
// CHECK:   linalg.copy ins(%[[N]] : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK:   scf.yield %[[B]] : memref<4xf32>
// CHECK: linalg.copy ins(%[[B]] : memref<4xf32>) outs(%arg1 : memref<4xf32>)
func.func @fresh_per_iteration(%x: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> (memref<4xf32>) {
    %n = memref.alloc() : memref<4xf32>
    linalg.copy ins(%a : memref<4xf32>) outs(%n : memref<4xf32>)
    scf.yield %n : memref<4xf32>
  }
  linalg.copy ins(%r : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// -----

// Values that swap each iteration: both are read into temporaries before
// either buffer is overwritten.
// CHECK-LABEL: func.func @swap
// CHECK: %[[P:.+]] = memref.alloc() : memref<2xf32>
// CHECK: %[[Q:.+]] = memref.alloc() : memref<2xf32>
// CHECK: scf.for
// CHECK:   %[[T1:.+]] = memref.alloc() : memref<2xf32>
// CHECK:   linalg.copy ins(%[[Q]] : memref<2xf32>) outs(%[[T1]] : memref<2xf32>)
// CHECK:   %[[T2:.+]] = memref.alloc() : memref<2xf32>
// CHECK:   linalg.copy ins(%[[P]] : memref<2xf32>) outs(%[[T2]] : memref<2xf32>)
// CHECK:   linalg.copy ins(%[[T1]] : memref<2xf32>) outs(%[[P]] : memref<2xf32>)
// CHECK:   linalg.copy ins(%[[T2]] : memref<2xf32>) outs(%[[Q]] : memref<2xf32>)
// CHECK:   scf.yield %[[P]], %[[Q]]
func.func @swap(%p0: memref<2xf32>, %q0: memref<2xf32>) -> (memref<2xf32>, memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%p = %p0, %q = %q0) -> (memref<2xf32>, memref<2xf32>) {
    scf.yield %q, %p : memref<2xf32>, memref<2xf32>
  }
  return %r#0, %r#1 : memref<2xf32>, memref<2xf32>
}

// -----

// A buffer updated in place (the scan outputs' rows, also under a guard) is
// left alone.
// CHECK-LABEL: func.func @in_place
// CHECK-NOT: memref.alloc
// CHECK: scf.for {{.*}} iter_args(%[[A:.+]] = %arg0)
// CHECK: scf.yield %{{.+}} : memref<4xf32>
func.func @in_place(%x: memref<4xf32>, %c: i1) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> (memref<4xf32>) {
    %g = scf.if %c -> (memref<4xf32>) {
      scf.yield %a : memref<4xf32>
    } else {
      scf.yield %a : memref<4xf32>
    }
    scf.yield %g : memref<4xf32>
  }
  return %r : memref<4xf32>
}

// -----

// scf.while: the value the body yields and the copy the condition region
// makes each get a buffer; the body and the result read the latter.
// CHECK-LABEL: func.func @while
// CHECK: %[[B:.+]] = memref.alloc() : memref<4xf32>
// CHECK: linalg.copy ins(%arg0 : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK: %[[C:.+]] = memref.alloc() : memref<4xf32>
// CHECK: scf.while (%{{.+}} = %[[B]])
// CHECK:   %[[COPY:.+]] = memref.alloc() : memref<4xf32>
// CHECK:   memref.copy %[[B]], %[[COPY]]
// CHECK:   linalg.copy ins(%[[COPY]] : memref<4xf32>) outs(%[[C]] : memref<4xf32>)
// CHECK:   scf.condition(%arg1) %[[C]]
// CHECK: } do {
// CHECK:   %[[N:.+]] = memref.alloc() : memref<4xf32>
// CHECK:   linalg.copy ins(%[[C]] : memref<4xf32>) outs(%[[N]] : memref<4xf32>)
// CHECK:   linalg.copy ins(%[[N]] : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK:   scf.yield %[[B]]
// CHECK: return %[[C]]
func.func @while(%x: memref<4xf32>, %go: i1) -> memref<4xf32> {
  %r = scf.while (%a = %x) : (memref<4xf32>) -> memref<4xf32> {
    %copy = memref.alloc() : memref<4xf32>
    memref.copy %a, %copy : memref<4xf32> to memref<4xf32>
    scf.condition(%go) %copy : memref<4xf32>
  } do {
  ^bb0(%b: memref<4xf32>):
    %n = memref.alloc() : memref<4xf32>
    linalg.copy ins(%b : memref<4xf32>) outs(%n : memref<4xf32>)
    scf.yield %n : memref<4xf32>
  }
  return %r : memref<4xf32>
}
