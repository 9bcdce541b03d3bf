// RUN: kiln-opt %s --split-input-file --kiln-instrument-kernels --verify-diagnostics | FileCheck %s

// Three kernels: the fill (no node) joins the matmul after it, whose two loop
// nests come from the same node; the fused Add+Relu loop names both nodes.
// FLOPs are the float ops times the static trip counts around them (4x8x16
// multiply-adds = 1024; 4x8 adds and maxes = 64); bytes are each buffer the
// kernel touches, once, a view made within the kernel counting as its buffer
// (A 256 + B 512 + C 128 = 896; C + D + E = 384). A copy from no node is a
// kernel of its own.
// CHECK: module attributes {kiln.profile_kernels = [
// CHECK-SAME: {bytes = 896 : i64, flops = 1024 : i64, name = "mm", nodes = ["mm"], op_types = ["MatMul"]}
// CHECK-SAME: {bytes = 384 : i64, flops = 64 : i64, name = "add + relu", nodes = ["add", "relu"], op_types = ["Add", "Relu"]}
// CHECK-SAME: {bytes = 256 : i64, flops = 0 : i64, name = "kernel 2", nodes = [], op_types = []}
// CHECK: func.func private @kiln_profile_end(!llvm.ptr, i32)
// CHECK: func.func private @kiln_profile_begin(!llvm.ptr, i32)
// CHECK-LABEL: func.func @main
// CHECK: %[[K0:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @kiln_profile_begin(%arg5, %[[K0]])
// CHECK-NEXT: linalg.fill
// CHECK: scf.for
// CHECK: call @kiln_profile_end(%arg5, %[[K0]])
// CHECK: %[[K1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @kiln_profile_begin(%arg5, %[[K1]])
// CHECK-NEXT: scf.parallel
// CHECK: call @kiln_profile_end(%arg5, %[[K1]])
// CHECK: call @kiln_profile_begin
// CHECK-NEXT: memref.copy
// CHECK-NEXT: call @kiln_profile_end
// CHECK-NEXT: return
#mm = loc(fused<"MatMul">["mm"])
#add = loc(fused<"Add">["add"])
#relu = loc(fused<"Relu">["relu"])
func.func @main(%a: memref<4x16xf32>, %b: memref<16x8xf32>, %c: memref<4x8xf32>,
                %d: memref<4x8xf32>, %e: memref<4x8xf32>, %context: !llvm.ptr {kiln.context}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x8xf32>)
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      scf.for %k = %c0 to %c16 step %c1 {
        %x = memref.load %a[%i, %k] : memref<4x16xf32>
        %y = memref.load %b[%k, %j] : memref<16x8xf32>
        %acc = memref.load %c[%i, %j] : memref<4x8xf32>
        %p = arith.mulf %x, %y : f32 loc(#mm)
        %s = arith.addf %acc, %p : f32 loc(#mm)
        memref.store %s, %c[%i, %j] : memref<4x8xf32>
      } loc(#mm)
    } loc(#mm)
  } loc(#mm)
  // A view between two loop nests of one kernel stays inside it.
  %view = memref.subview %c[0, 0] [4, 8] [1, 1] : memref<4x8xf32> to memref<4x8xf32, strided<[8, 1]>>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %view[%i, %c0] : memref<4x8xf32, strided<[8, 1]>>
    memref.store %x, %view[%i, %c0] : memref<4x8xf32, strided<[8, 1]>>
  } loc(#mm)
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %x = memref.load %c[%i, %j] : memref<4x8xf32>
    %y = memref.load %d[%i, %j] : memref<4x8xf32>
    %s = arith.addf %x, %y : f32 loc(#add)
    %r = arith.maximumf %s, %zero : f32 loc(#relu)
    memref.store %r, %e[%i, %j] : memref<4x8xf32>
  } loc(#relu)
  memref.copy %e, %d : memref<4x8xf32> to memref<4x8xf32>
  return
}

// -----

// expected-error @+1 {{kiln-instrument-kernels needs the context argument kiln-lower-abi adds}}
func.func @main(%a: memref<4xf32>) {
  return
}

// -----

// expected-error @+1 {{no entry function 'main' to profile}}
module {
  func.func @other() {
    return
  }
}
