// RUN: kiln-opt %s --canonicalize --kiln-refine-shapes | FileCheck %s

// Once graph.shape folds to a constant, the reshape's type becomes static;
// the relu tied to it and the function signature follow.
// CHECK-LABEL: func.func @fold_then_refine(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4x6xf32>) -> tensor<4x6xf32>
func.func @fold_then_refine(%x: tensor<2x3x4xf32>, %like: tensor<4x6xf32>) -> tensor<?x?xf32> {
  // CHECK: %[[S:.+]] = graph.constant dense<[4, 6]> : tensor<2xi64>
  %s = graph.shape %like : (tensor<4x6xf32>) -> tensor<2xi64>
  // CHECK: %[[R:.+]] = graph.reshape %arg0, %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  %r = graph.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: graph.relu %[[R]] : tensor<4x6xf32>
  %y = graph.relu %r : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @refine_direct(%arg0: tensor<2x3x4xf32>) -> tensor<4x6xf32>
func.func @refine_direct(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %t = graph.constant dense<[4, -1]> : tensor<2xi64>
  // CHECK: graph.reshape %arg0, %{{.*}} -> tensor<4x6xf32>
  %r = graph.reshape %x, %t : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// A range of constants gets its length (and then folds); a chain that needs folding between
// refinements (shape -> reshape -> shape -> reshape) becomes static in one run.
// CHECK-LABEL: func.func @range_and_chain(%arg0: tensor<2x3x4xf32>) -> (tensor<5xi64>, tensor<6x4xf32>)
func.func @range_and_chain(%x: tensor<2x3x4xf32>) -> (tensor<?xi64>, tensor<?x?xf32>) {
  %start = graph.constant dense<0> : tensor<i64>
  %limit = graph.constant dense<10> : tensor<i64>
  %delta = graph.constant dense<2> : tensor<i64>
  // CHECK: graph.constant dense<[0, 2, 4, 6, 8]> : tensor<5xi64>
  %r = graph.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %flat = graph.constant dense<[-1]> : tensor<1xi64>
  %a = graph.reshape %x, %flat : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<?xf32>
  %s = graph.shape %a : (tensor<?xf32>) -> tensor<1xi64>
  %six = graph.constant dense<[6]> : tensor<1xi64>
  %t = graph.concat %six, %flat {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // CHECK: graph.reshape {{.+}} -> tensor<6x4xf32>
  %b = graph.reshape %a, %t : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r, %b : tensor<?xi64>, tensor<?x?xf32>
}
