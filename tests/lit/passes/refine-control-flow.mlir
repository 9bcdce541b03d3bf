// RUN: kiln-opt %s --kiln-graph-opt-pipeline | FileCheck %s
// Control-flow results become static as folding makes their inputs so: a
// Loop whose trip count folds to a constant (PyTorch's x.size(0)) gets a
// static scan-output length, and the function signature follows.

// CHECK-LABEL: func.func @trip_from_shape
// CHECK-SAME: -> tensor<4x2xf32>
// CHECK: graph.loop trip_count(%{{.+}} : tensor<i64>) initial() : () -> tensor<4x2xf32>
// CHECK: return %{{.+}} : tensor<4x2xf32>
func.func @trip_from_shape(%x: tensor<4x2xf32>) -> tensor<?x2xf32> {
  %s = graph.shape %x : (tensor<4x2xf32>) -> tensor<2xi64>
  %zero = graph.constant dense<0> : tensor<i64>
  %m = graph.gather %s, %zero {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %ys = graph.loop trip_count(%m : tensor<i64>) initial() : () -> tensor<?x2xf32> {
  ^bb0(%i: tensor<i64>, %cond: tensor<i1>):
    %row = graph.gather %x, %i {axis = 0 : i64} : (tensor<4x2xf32>, tensor<i64>) -> tensor<2xf32>
    graph.yield %cond, %row : tensor<i1>, tensor<2xf32>
  }
  return %ys : tensor<?x2xf32>
}

// Branches that yield the same static shape make the If's result static.
// CHECK-LABEL: func.func @if_join
// CHECK-SAME: -> tensor<3xf32>
// CHECK: graph.if %arg0 : tensor<i1> -> tensor<3xf32>
func.func @if_join(%c: tensor<i1>, %x: tensor<3xf32>) -> tensor<?xf32> {
  %r = graph.if %c : tensor<i1> -> tensor<?xf32> {
    graph.yield %x : tensor<3xf32>
  } else {
    %n = graph.neg %x : tensor<3xf32>
    graph.yield %n : tensor<3xf32>
  }
  return %r : tensor<?xf32>
}
