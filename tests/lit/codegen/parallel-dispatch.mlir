// RUN: kiln-opt %s --kiln-form-parallel-dispatch="min-chunks=8 min-work=1024" | FileCheck %s
// RUN: kiln-opt %s --kiln-form-parallel-dispatch="min-chunks=8 min-work=1024" --convert-scf-to-cf \
// RUN:   --finalize-memref-to-llvm --convert-arith-to-llvm --convert-index-to-llvm \
// RUN:   --convert-func-to-llvm=use-bare-ptr-memref-call-conv --convert-cf-to-llvm \
// RUN:   --reconcile-unrealized-casts --kiln-lower-parallel-dispatch | FileCheck %s --check-prefix=LLVM

// A 2x16x64 kernel: the leading dimensions collapse to 32 iterations handed to
// the pool; the last stays a nested loop in the kernel body, whose constants
// are recomputed there and whose buffers are passed.
// CHECK-LABEL: func.func private @main_kernel0
// CHECK-SAME: (%[[I:.+]]: index, %[[IN:.+]]: memref<2x16x64xf32>, %[[OUT:.+]]: memref<2x16x64xf32>)
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK: %[[J:.+]] = arith.remui %[[I]], %[[C16]]
// CHECK: %[[B:.+]] = arith.divui %[[I]], %[[C16]]
// CHECK: scf.parallel (%[[K:.+]]) =
// CHECK: memref.load %[[IN]][%[[B]], %[[J]], %[[K]]]
// CHECK: func.func private @main_dispatch0(!llvm.ptr, memref<2x16x64xf32>, memref<2x16x64xf32>)
// CHECK-SAME: attributes {kiln.dispatch_body = @main_kernel0, kiln.dispatch_count = 32 : i64}
// The chunk loop's kernel (see below): the subview of the reshape is rebuilt
// from the buffer and the induction variable, in that order.
// CHECK: func.func private @main_kernel2
// CHECK-SAME: (%{{.+}}: index, %[[BUF:.+]]: memref<2x16x64xf32>, %[[IV:.+]]: index)
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %[[BUF]]
// CHECK: memref.subview %[[FLAT]][%[[IV]], 0]
// CHECK-LABEL: func.func @main
// CHECK: call @main_dispatch0(%arg2, %arg0, %arg1)
// A kernel below min-work stays serial.
// CHECK: scf.parallel
// CHECK-NOT: call
// Eight iterations of 64-lane vector work are 8 x 3 x 64 element operations:
// over min-work, so the vectorized kernel goes to the pool.
// CHECK: call @main_dispatch1(%arg2, %arg4)
// A kernel inside a loop over chunks of rows (a convolution computed a
// chunk at a time) is dispatched on each iteration; the loop's induction
// variable is passed to the body, and the views it reads (a subview in the
// loop of a reshape outside it) are rebuilt there in program order.
// Kernels in other loops stay serial.
// CHECK: scf.for %[[CHUNK:.+]] = %c0 to %c4 step %c1
// CHECK: call @main_dispatch2(%arg2, %arg0, %[[CHUNK]])
// CHECK: scf.for
// CHECK-NEXT: scf.parallel

// LLVM: llvm.func @kiln_parallel_for(!llvm.ptr, i64, !llvm.ptr, !llvm.ptr)
// LLVM: llvm.func internal @main_dispatch0_chunk(%{{.+}}: !llvm.ptr, %[[BEGIN:.+]]: i64, %[[END:.+]]: i64)
// LLVM: llvm.icmp "slt"
// LLVM: llvm.call @main_kernel0(
// LLVM: llvm.func internal @main_dispatch0(%[[CTX:[^:]+]]: !llvm.ptr,
// LLVM: llvm.alloca
// LLVM: llvm.call @kiln_parallel_for(%[[CTX]], %{{.+}}, %{{.+}}, %{{.+}})
func.func @main(%in: memref<2x16x64xf32>, %out: memref<2x16x64xf32>,
                %context: !llvm.ptr {kiln.context}, %small: memref<4xf32>,
                %rows: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%b, %j, %k) = (%c0, %c0, %c0) to (%c2, %c16, %c64) step (%c1, %c1, %c1) {
    %x = memref.load %in[%b, %j, %k] : memref<2x16x64xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %out[%b, %j, %k] : memref<2x16x64xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %x = memref.load %small[%i] : memref<4xf32>
    memref.store %x, %small[%i] : memref<4xf32>
    scf.reduce
  }
  %c8 = arith.constant 8 : index
  scf.parallel (%r) = (%c0) to (%c8) step (%c1) {
    %v = vector.load %rows[%r, %c0] : memref<8x64xf32>, vector<64xf32>
    %w = vector.fma %v, %v, %v : vector<64xf32>
    vector.store %w, %rows[%r, %c0] : memref<8x64xf32>, vector<64xf32>
    scf.reduce
  }
  %flat = memref.collapse_shape %in [[0, 1], [2]] : memref<2x16x64xf32> into memref<32x64xf32>
  scf.for %chunk = %c0 to %c4 step %c1 {
    %chunkRows = memref.subview %flat[%chunk, 0] [16, 64] [1, 1] : memref<32x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    scf.parallel (%j, %k) = (%c0, %c0) to (%c16, %c64) step (%c1, %c1) {
      %x = memref.load %chunkRows[%j, %k] : memref<16x64xf32, strided<[64, 1], offset: ?>>
      %y = arith.index_cast %chunk : index to i32
      %z = arith.sitofp %y : i32 to f32
      %s = arith.addf %x, %z : f32
      memref.store %s, %in[%c0, %j, %k] : memref<2x16x64xf32>
      scf.reduce
    }
  } {kiln.row_chunks}
  scf.for %step = %c0 to %c4 step %c1 {
    scf.parallel (%j, %k) = (%c0, %c0) to (%c16, %c64) step (%c1, %c1) {
      %x = memref.load %in[%c1, %j, %k] : memref<2x16x64xf32>
      %s = arith.addf %x, %x : f32
      memref.store %s, %in[%c1, %j, %k] : memref<2x16x64xf32>
      scf.reduce
    }
  }
  return
}
