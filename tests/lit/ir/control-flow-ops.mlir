// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// graph.if, graph.loop and graph.scan parse, verify and print back; regions
// read outer values, and results may be more static than the bodies.

// CHECK-LABEL: func.func @if_reads_outer
// CHECK: %[[R:.+]] = graph.if %arg0 : tensor<i1> -> tensor<2xf32> {
// CHECK:   %[[S:.+]] = graph.add %arg1, %arg1
// CHECK:   graph.yield %[[S]] : tensor<2xf32>
// CHECK: } else {
// CHECK:   graph.yield %arg1 : tensor<2xf32>
// CHECK: }
func.func @if_reads_outer(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    %s = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %s : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// CHECK-LABEL: func.func @loop
// CHECK: graph.loop trip_count(%arg0 : tensor<i64>) initial(%arg1) : (tensor<1xf32>) -> (tensor<1xf32>, tensor<3x1xf32>) {
// CHECK: ^bb0(%{{.+}}: tensor<i64>, %[[C:.+]]: tensor<i1>, %[[Y:.+]]: tensor<1xf32>):
// CHECK:   graph.yield %[[C]], %{{.+}}, %{{.+}} : tensor<i1>, tensor<1xf32>, tensor<1xf32>
func.func @loop(%m: tensor<i64>, %y0: tensor<1xf32>) -> (tensor<1xf32>, tensor<3x1xf32>) {
  %y, %ys = graph.loop trip_count(%m : tensor<i64>) initial(%y0) : (tensor<1xf32>) -> (tensor<1xf32>, tensor<3x1xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %y: tensor<1xf32>):
    %n = graph.add %y, %y : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    graph.yield %cond, %n, %n : tensor<i1>, tensor<1xf32>, tensor<1xf32>
  }
  return %y, %ys : tensor<1xf32>, tensor<3x1xf32>
}

// A loop with only a condition and no carried values.
// CHECK-LABEL: func.func @while_only
// CHECK: graph.loop condition(%arg0 : tensor<i1>) initial() : () -> ()
func.func @while_only(%c: tensor<i1>) {
  graph.loop condition(%c : tensor<i1>) initial() : () -> () {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    graph.yield %cond : tensor<i1>
  }
  return
}

// CHECK-LABEL: func.func @scan
// CHECK: graph.scan initial(%arg0) inputs(%arg1) {scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: 1>, scan_output_directions = array<i64: 0>} : (tensor<2xf32>, tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>)
func.func @scan(%s0: tensor<2xf32>, %x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  %s, %ss = graph.scan initial(%s0) inputs(%x) {scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: 1>, scan_output_directions = array<i64: 0>} : (tensor<2xf32>, tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  ^bb0(%acc: tensor<2xf32>, %col: tensor<2xf32>):
    %n = graph.add %acc, %col : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %n, %n : tensor<2xf32>, tensor<2xf32>
  }
  return %s, %ss : tensor<2xf32>, tensor<2x3xf32>
}
