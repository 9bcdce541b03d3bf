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
