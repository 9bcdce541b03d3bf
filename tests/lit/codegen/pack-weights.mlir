// RUN: kiln-opt %s --kiln-pack-weights | FileCheck %s

// Both constants land in one blob at 64-byte aligned offsets; uses become
// weight references and the per-weight globals disappear.
// CHECK: module attributes {kiln.weights_size = 128 : i64}
// CHECK: memref.global "private" constant @kiln_weights : memref<128xi8> = dense_resource<kiln_weights> {alignment = 64 : i64}
// CHECK-NOT: @w0
// CHECK-NOT: @w1
module {
  memref.global "private" constant @w0 : memref<2xf32> = dense<[1.0, 2.0]>
  memref.global "private" constant @w1 : memref<3xi1> = dense<[true, false, true]>
  // CHECK-LABEL: func.func @uses
  func.func @uses(%out: memref<2xf32>) {
    // CHECK: kiln.weight_ref offset 0 : memref<2xf32>
    // CHECK: kiln.weight_ref offset 64 : memref<3xi1>
    %0 = memref.get_global @w0 : memref<2xf32>
    %1 = memref.get_global @w1 : memref<3xi1>
    linalg.copy ins(%0 : memref<2xf32>) outs(%out : memref<2xf32>)
    return
  }
}
// The blob holds the values: 1.0f, 2.0f, then the booleans as bytes.
// CHECK: kiln_weights: "0x400000000000803F00000040{{0+}}010001{{0+}}"
