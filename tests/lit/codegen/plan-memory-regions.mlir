// RUN: kiln-opt %s --kiln-plan-memory --split-input-file --verify-diagnostics | FileCheck %s
// Allocations nested in branches and sequential loops (ONNX If, Loop, Scan)
// get a slot alive for their whole top-level op.

// The loop body's temporary moves in front of the loop; %after is written
// after the loop, so it can reuse the temporary's slot but not %before's,
// which the loop reads.
// CHECK-LABEL: func.func @loop_temporary
// CHECK-SAME: kiln.workspace_size = 512 : i64
// CHECK: %[[BEFORE:.+]] = kiln.arena_slot offset {{0|256}} : memref<64xf32>
// CHECK: %[[TEMP:.+]] = kiln.arena_slot offset [[T:[0-9]+]] : memref<64xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: kiln.arena_slot
// CHECK: }
// CHECK: kiln.arena_slot offset [[T]] : memref<64xf32>
func.func @loop_temporary(%x: memref<64xf32>, %y: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %before = memref.alloc() : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%before : memref<64xf32>)
  scf.for %i = %c0 to %c3 step %c1 {
    %temp = memref.alloc() : memref<64xf32>
    linalg.copy ins(%before : memref<64xf32>) outs(%temp : memref<64xf32>)
    linalg.copy ins(%temp : memref<64xf32>) outs(%before : memref<64xf32>)
  }
  %after = memref.alloc() : memref<64xf32>
  linalg.copy ins(%before : memref<64xf32>) outs(%after : memref<64xf32>)
  linalg.copy ins(%after : memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

// A branch's buffer that scf.if returns stays alive where the result is
// used: %b, written after the if while %r is still read, cannot share it.
// CHECK-LABEL: func.func @branch_result
// CHECK-SAME: kiln.workspace_size = 512 : i64
// CHECK-DAG: kiln.arena_slot offset 0 : memref<64xf32>
// CHECK-DAG: kiln.arena_slot offset 256 : memref<64xf32>
func.func @branch_result(%c: i1, %x: memref<64xf32>, %y: memref<64xf32>) {
  %r = scf.if %c -> (memref<64xf32>) {
    %a = memref.alloc() : memref<64xf32>
    linalg.copy ins(%x : memref<64xf32>) outs(%a : memref<64xf32>)
    scf.yield %a : memref<64xf32>
  } else {
    scf.yield %x : memref<64xf32>
  }
  %b = memref.alloc() : memref<64xf32>
  linalg.copy ins(%r : memref<64xf32>) outs(%b : memref<64xf32>)
  linalg.add ins(%b, %r : memref<64xf32>, memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

// Iterations of a parallel loop run at once; one slot cannot serve them.
// Each iteration's buffer goes on its worker's stack, in a scope that gives
// it back at the end of the iteration.
// CHECK-LABEL: func.func @parallel
// CHECK-SAME: kiln.workspace_size = 0
// CHECK: scf.parallel
// CHECK-NEXT: memref.alloca_scope {
// CHECK-NEXT: %[[T:.*]] = memref.alloca() : memref<64xf32>
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<64xf32>) outs(%[[T]] : memref<64xf32>)
// CHECK-NOT: memref.dealloc
// CHECK: }
func.func @parallel(%x: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %t = memref.alloc() : memref<64xf32>
    linalg.copy ins(%x : memref<64xf32>) outs(%t : memref<64xf32>)
    memref.dealloc %t : memref<64xf32>
  }
  return
}

// -----

// Too big for a worker's stack.
func.func @parallel_too_big(%x: memref<128x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    // expected-error @+1 {{cannot place a buffer of 524288 bytes, allocated in each iteration of a parallel loop, on the stack (the limit is 262144)}}
    %t = memref.alloc() : memref<128x1024xf32>
    linalg.copy ins(%x : memref<128x1024xf32>) outs(%t : memref<128x1024xf32>)
  }
  return
}
