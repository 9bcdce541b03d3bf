// RUN: kiln-opt %s --kiln-lower-abi | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-abi=external-weights | FileCheck %s --check-prefix=EXTERNAL

// The workspace becomes the entry function's next argument and each slot a
// view of it; weights are views of the embedded blob (or of one more
// argument with external weights).
// CHECK: module attributes {kiln.entry = {external_weights = false, function = "main", inputs = 1 : i64, outputs = 1 : i64, weights_size = 64 : i64, workspace_size = 128 : i64}
module attributes {kiln.weights_size = 64 : i64} {
  memref.global "private" constant @kiln_weights : memref<64xi8> = dense<0>
  // CHECK-LABEL: func.func @main
  // CHECK-SAME: (%[[IN:[^:]+]]: memref<4xf32>, %[[OUT:[^:]+]]: memref<4xf32> {bufferize.result}, %[[WS:[^:]+]]: memref<128xi8> {kiln.workspace}, %{{.+}}: !llvm.ptr {kiln.context})
  // EXTERNAL-LABEL: func.func @main
  // EXTERNAL-SAME: %[[WS:[^:]+]]: memref<128xi8> {kiln.workspace}, %[[W:[^:]+]]: memref<64xi8> {kiln.weights}, %{{.+}}: !llvm.ptr {kiln.context})
  func.func @main(%in: memref<4xf32>, %out: memref<4xf32> {bufferize.result})
      attributes {kiln.workspace_size = 128 : i64} {
    // CHECK: %[[BLOB:.+]] = memref.get_global @kiln_weights
    // CHECK: memref.view %[[WS]][%{{.+}}][] : memref<128xi8> to memref<4xf32>
    // CHECK: memref.view %[[BLOB]][%{{.+}}][] : memref<64xi8> to memref<4xf32>
    // EXTERNAL: memref.view %[[W]][%{{.+}}][] : memref<64xi8> to memref<4xf32>
    %slot = kiln.arena_slot offset 64 : memref<4xf32>
    %weight = kiln.weight_ref offset 0 : memref<4xf32>
    linalg.copy ins(%in : memref<4xf32>) outs(%slot : memref<4xf32>)
    linalg.copy ins(%weight : memref<4xf32>) outs(%out : memref<4xf32>)
    return
  }
}
// EXTERNAL-NOT: @kiln_weights
