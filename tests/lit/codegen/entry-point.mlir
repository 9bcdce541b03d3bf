// RUN: kiln-opt %s --kiln-create-entry-point=name=net | FileCheck %s

// NAME_run loads the buffer pointers from the input/output structs, checks
// them and the workspace alignment, and calls the now-internal body.
module attributes {kiln.entry = {external_weights = false, function = "main", inputs = 1 : i64, outputs = 2 : i64, weights_size = 0 : i64, workspace_size = 256 : i64}} {
  // CHECK: llvm.func internal @__kiln_net_impl(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
  llvm.func @main(%in: !llvm.ptr, %out0: !llvm.ptr, %out1: !llvm.ptr, %ws: !llvm.ptr,
                  %context: !llvm.ptr {kiln.context}) {
    llvm.return
  }
  // CHECK-LABEL: llvm.func @net_run
  // CHECK-SAME: (%[[IN:[^:]+]]: !llvm.ptr, %[[OUT:[^:]+]]: !llvm.ptr, %[[WS:[^:]+]]: !llvm.ptr, %[[CTX:[^:]+]]: !llvm.ptr) -> i32
  // CHECK: llvm.ptrtoint %[[WS]]
  // CHECK: llvm.and %{{.+}}, %{{.+}} : i64
  // CHECK: llvm.cond_br
  // CHECK: llvm.getelementptr %[[IN]][0]
  // CHECK: llvm.getelementptr %[[OUT]][0]
  // CHECK: llvm.getelementptr %[[OUT]][1]
  // CHECK: llvm.call @__kiln_net_impl(%{{.+}}, %{{.+}}, %{{.+}}, %[[WS]], %[[CTX]])
  // CHECK: llvm.return %{{.+}} : i32
}
