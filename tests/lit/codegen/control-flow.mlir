// RUN: kiln-opt %s --kiln-lower-graph-to-linalg --split-input-file | FileCheck %s

// graph.if becomes scf.if on the condition's element; the branches' graph
// ops are lowered in place.
// CHECK-LABEL: func.func @if
// CHECK: %[[C:.+]] = tensor.extract %arg0[] : tensor<i1>
// CHECK: %[[R:.+]] = scf.if %[[C]] -> (tensor<2xf32>) {
// CHECK:   %[[S:.+]] = linalg.generic
// CHECK:     arith.addf
// CHECK:   scf.yield %[[S]] : tensor<2xf32>
// CHECK: } else {
// CHECK:   scf.yield %arg1 : tensor<2xf32>
// CHECK: }
// CHECK: return %[[R]]
func.func @if(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    %s = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %s : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A constant trip count with the condition passed through: scf.for, the
// scan output a zero-filled tensor the loop carries and inserts rows into
// (no guard: the output has a row for every iteration).
// CHECK-LABEL: func.func @counted_loop
// CHECK: %[[ZEROS:.+]] = linalg.fill {{.*}} -> tensor<3x1xf32>
// CHECK: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[IV:.+]] = %{{.+}} to %[[C3]] step %{{.+}} iter_args(%[[Y:.+]] = %arg0, %[[YS:.+]] = %[[ZEROS]])
// CHECK:   %[[NEXT:.+]] = linalg.generic {{.*}} ins(%[[Y]], %[[Y]]
// CHECK-NOT: scf.if
// CHECK:   %[[ROWS:.+]] = tensor.insert_slice %[[NEXT]] into %[[YS]][%[[IV]], 0] [1, 1] [1, 1]
// CHECK:   scf.yield %[[NEXT]], %[[ROWS]] : tensor<1xf32>, tensor<3x1xf32>
// CHECK: return %[[LOOP]]#0, %[[LOOP]]#1
func.func @counted_loop(%y0: tensor<1xf32>) -> (tensor<1xf32>, tensor<3x1xf32>) {
  %m = graph.constant dense<3> : tensor<i64>
  %y, %ys = graph.loop trip_count(%m : tensor<i64>) initial(%y0) : (tensor<1xf32>) -> (tensor<1xf32>, tensor<3x1xf32>) {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %y: tensor<1xf32>):
    %n = graph.add %y, %y : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    graph.yield %cond, %n, %n : tensor<i1>, tensor<1xf32>, tensor<1xf32>
  }
  return %y, %ys : tensor<1xf32>, tensor<3x1xf32>
}

// -----

// A run-time trip count and a condition the body computes: scf.while over
// (iteration, condition, carried values).
// CHECK-LABEL: func.func @while_loop
// CHECK-DAG: %[[M:.+]] = tensor.extract %arg0[] : tensor<i64>
// CHECK-DAG: %[[C0:.+]] = tensor.extract %arg1[] : tensor<i1>
// CHECK: %[[W:.+]]:3 = scf.while (%[[I:.+]] = %{{.+}}, %[[C:.+]] = %[[C0]], %[[Y:.+]] = %arg2) : (i64, i1, tensor<1xf32>)
// CHECK:   %[[BELOW:.+]] = arith.cmpi slt, %[[I]], %[[M]] : i64
// CHECK:   %[[GO:.+]] = arith.andi %[[C]], %[[BELOW]] : i1
// CHECK:   scf.condition(%[[GO]])
// CHECK: } do {
// CHECK:   %[[LT:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1xi1>)
// CHECK:     arith.cmpf olt
// CHECK:   %[[NI:.+]] = arith.addi %{{.+}}, %{{.+}} : i64
// CHECK:   %[[NC:.+]] = tensor.extract %[[LT]][%{{.+}}] : tensor<1xi1>
// CHECK:   scf.yield %[[NI]], %[[NC]], %{{.+}} : i64, i1, tensor<1xf32>
// CHECK: return %[[W]]#2
func.func @while_loop(%m: tensor<i64>, %c: tensor<i1>, %y0: tensor<1xf32>, %limit: tensor<1xf32>) -> tensor<1xf32> {
  %y = graph.loop trip_count(%m : tensor<i64>) condition(%c : tensor<i1>) initial(%y0) : (tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %y: tensor<1xf32>):
    %n = graph.add %y, %y : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %lt = graph.less %n, %limit : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xi1>
    graph.yield %lt, %n : tensor<1xi1>, tensor<1xf32>
  }
  return %y : tensor<1xf32>
}

// -----

// Scan: scf.for over the sequence; a reversed input is read at
// length - 1 - step, slices along axis 1 drop that dimension.
// CHECK-LABEL: func.func @scan
// CHECK: scf.for %[[T:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %arg0, %[[OUT:.+]] = %{{.+}})
// CHECK:   %[[C2:.+]] = arith.constant 2 : index
// CHECK:   %[[REV:.+]] = arith.subi %[[C2]], %[[T]] : index
// CHECK:   %[[COL:.+]] = tensor.extract_slice %arg1[0, %[[REV]]] [2, 1] [1, 1] : tensor<2x3xf32> to tensor<2xf32>
// CHECK:   %[[SUM:.+]] = linalg.generic {{.*}} ins(%[[ACC]], %[[COL]]
// CHECK:   %[[INS:.+]] = tensor.insert_slice %[[SUM]] into %[[OUT]][0, %[[T]]] [2, 1] [1, 1] : tensor<2xf32> into tensor<2x3xf32>
// CHECK:   scf.yield %[[SUM]], %[[INS]]
func.func @scan(%s0: tensor<2xf32>, %x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  %s, %ss = graph.scan initial(%s0) inputs(%x) {scan_input_axes = array<i64: 1>, scan_input_directions = array<i64: 1>, scan_output_axes = array<i64: 1>, scan_output_directions = array<i64: 0>} : (tensor<2xf32>, tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2x3xf32>) {
  ^bb0(%acc: tensor<2xf32>, %col: tensor<2xf32>):
    %n = graph.add %acc, %col : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %n, %n : tensor<2xf32>, tensor<2xf32>
  }
  return %s, %ss : tensor<2xf32>, tensor<2x3xf32>
}

// -----

// A declared scan-output length shorter than the run-time trip count: rows
// past it are not written.
// CHECK-LABEL: func.func @declared_length
// CHECK: scf.while
// CHECK: } do {
// CHECK: ^bb0(%[[I:.+]]: i64, %{{.+}}: i1, %[[YS:.+]]: tensor<2xi64>):
// CHECK:   %[[ROW:.+]] = arith.index_cast %[[I]] : i64 to index
// CHECK:   %[[C2:.+]] = arith.constant 2 : index
// CHECK:   %[[INSIDE:.+]] = arith.cmpi ult, %[[ROW]], %[[C2]] : index
// CHECK:   scf.if %[[INSIDE]] -> (tensor<2xi64>) {
// CHECK:     tensor.insert_slice %{{.+}} into %[[YS]][%[[ROW]]] [1] [1]
// CHECK:   } else {
// CHECK:     scf.yield %[[YS]] : tensor<2xi64>
func.func @declared_length(%m: tensor<i64>) -> tensor<2xi64> {
  %is = graph.loop trip_count(%m : tensor<i64>) initial() : () -> tensor<2xi64> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    graph.yield %cond, %i : tensor<i1>, tensor<i64>
  }
  return %is : tensor<2xi64>
}
