// RUN: kiln-opt %s --canonicalize --split-input-file | FileCheck %s
// An If whose condition is a constant becomes the branch it takes.

// CHECK-LABEL: func.func @constant_true
// CHECK-NOT: graph.if
// CHECK: %[[S:.+]] = graph.add %arg0, %arg0
// CHECK: return %[[S]]
func.func @constant_true(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = graph.constant dense<true> : tensor<i1>
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    %s = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %s : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @constant_false
// CHECK-NOT: graph.if
// CHECK-NOT: graph.add
// CHECK: return %arg0
func.func @constant_false(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = graph.constant dense<false> : tensor<1xi1>
  %r = graph.if %c : tensor<1xi1> -> tensor<2xf32> {
    %s = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %s : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A run-time condition stays.
// CHECK-LABEL: func.func @runtime
// CHECK: graph.if %arg0
func.func @runtime(%c: tensor<i1>, %x: tensor<2xf32>) -> tensor<2xf32> {
  %r = graph.if %c : tensor<i1> -> tensor<2xf32> {
    %s = graph.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    graph.yield %s : tensor<2xf32>
  } else {
    graph.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
