// RUN: kiln-opt %s --split-input-file --kiln-lower-graph-to-linalg --verify-diagnostics | FileCheck %s

// Consumers of a data-dependent tensor run on its static buffer and slice
// their result by the same count: every linalg op stays static, and the
// final slice's size is still the affine.min of the count.
// CHECK-LABEL: func.func @chain
// CHECK: %[[LOOP:.+]]:2 = scf.for
// CHECK: %[[N:.+]] = affine.min #{{.+}}(%[[LOOP]]#1)
// CHECK: %[[ADD:.+]] = linalg.generic {{.+}} ins(%[[LOOP]]#0, %{{.+}} : tensor<4x3xf32>, tensor<3xf32>) outs(%{{.+}} : tensor<4x3xf32>)
// CHECK: %[[MUL:.+]] = linalg.generic {{.+}} ins(%[[ADD]], %[[LOOP]]#0 : tensor<4x3xf32>, tensor<4x3xf32>)
// CHECK: %[[CAST:.+]] = linalg.generic {{.+}} ins(%[[MUL]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<4x3xi32>)
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[CAST]] : tensor<4x3xi32>) outs(%{{.+}} : tensor<3x4xi32>) permutation = [1, 0]
// CHECK: %[[R:.+]] = tensor.extract_slice %[[T]][0, 0] [3, %[[N]]] [1, 1] : tensor<3x4xi32> to tensor<3x?xi32>
// CHECK: return %[[R]]
func.func @chain(%x: tensor<4x3xf32>, %c: tensor<4xi1>, %b: tensor<3xf32>) -> tensor<3x?xi32> {
  %k = graph.compress %x, %c {axis = 0 : i64} : (tensor<4x3xf32>, tensor<4xi1>) -> tensor<?x3xf32>
  %s = graph.add %k, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %m = graph.mul %s, %k : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %i = graph.cast %m {to = i32} : (tensor<?x3xf32>) -> tensor<?x3xi32>
  %t = graph.transpose %i {perm = array<i64: 1, 0>} : (tensor<?x3xi32>) -> tensor<3x?xi32>
  return %t : tensor<3x?xi32>
}

// -----

// Gather with data-dependent indices gathers with the whole index buffer
// (the lowering clamps the padding's indices into range).
// CHECK-LABEL: func.func @gather_rows
// CHECK: %[[N:.+]] = affine.min
// CHECK: %[[G:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<12x2x4xf32>)
// CHECK: tensor.extract_slice %[[G]][0, 0, 0] [%[[N]], 2, 4] [1, 1, 1] : tensor<12x2x4xf32> to tensor<?x2x4xf32>
func.func @gather_rows(%x: tensor<3x4xf32>, %table: tensor<3x4xf32>) -> tensor<?x2x4xf32> {
  %nz = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  %t = graph.transpose %nz {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %g = graph.gather %table, %t {axis = 0 : i64} : (tensor<3x4xf32>, tensor<?x2xi64>) -> tensor<?x2x4xf32>
  return %g : tensor<?x2x4xf32>
}

// -----

// Integer division by the padding could trap: not sunk, and the ordinary
// pattern reports the dynamic shape at the op.
func.func @integer_div(%n: tensor<4xi64>, %c: tensor<4xi1>) -> tensor<?xi64> {
  %k = graph.compress %n, %c {axis = 0 : i64} : (tensor<4xi64>, tensor<4xi1>) -> tensor<?xi64>
  // expected-error @+2 {{operand of type 'tensor<?xi64>' has a dynamic shape}}
  // expected-error @+1 {{failed to legalize operation 'graph.div'}}
  %q = graph.div %k, %k : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  return %q : tensor<?xi64>
}

// -----

// A reduction over the data-dependent axis would read the padding.
func.func @reduce_over_count(%x: tensor<3x4xf32>) -> tensor<2x1xi64> {
  %nz = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  %axes = graph.constant dense<1> : tensor<1xi64>
  // expected-error @+2 {{operand of type 'tensor<2x?xi64>' has a dynamic shape}}
  // expected-error @+1 {{failed to legalize operation 'graph.reduce_sum'}}
  %r = graph.reduce_sum %nz, %axes {keepdims = true, noop_with_empty_axes = false} : (tensor<2x?xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  return %r : tensor<2x1xi64>
}

// -----

// Ops that keep, drop or insert whole dimensions other than the counted one
// run on the buffer too; Shape reads the counts.
// CHECK-LABEL: func.func @moves
// CHECK: %[[N:.+]] = affine.min
// CHECK: %[[T:.+]] = linalg.transpose {{.+}} outs(%{{.+}} : tensor<12x2xi64>)
// CHECK: %[[COL:.+]] = tensor.extract_slice %[[T]][0, 1] [12, 1] [1, 1] : tensor<12x2xi64> to tensor<12x1xi64>
// CHECK: tensor.extract_slice %[[COL]][0, 0] [%[[N]], 1] [1, 1] : tensor<12x1xi64> to tensor<?x1xi64>
// CHECK: %[[SQ:.+]] = tensor.collapse_shape %[[COL]] {{\[\[}}0, 1]] : tensor<12x1xi64> into tensor<12xi64>
// CHECK: tensor.extract_slice %[[SQ]][0] [%[[N]]] [1] : tensor<12xi64> to tensor<?xi64>
// CHECK: %[[MAX:.+]] = linalg.reduce ins(%[[T]] : tensor<12x2xi64>) outs(%{{.+}} : tensor<12xi64>) dimensions = [1]
// CHECK: tensor.extract_slice %[[MAX]][0] [%[[N]]] [1] : tensor<12xi64> to tensor<?xi64>
// CHECK: %[[TWO:.+]] = arith.index_cast %{{.+}} : index to i64
// CHECK: %[[COUNT:.+]] = arith.index_cast %[[N]] : index to i64
// CHECK: tensor.from_elements %[[TWO]], %[[COUNT]] : tensor<2xi64>
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [%[[N]], 4] [1, 1] : tensor<12x4xi64> to tensor<?x4xi64>
func.func @moves(%x: tensor<3x4xf32>) -> (tensor<?x1xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2xi64>, tensor<?x4xi64>) {
  %nz = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  %t = graph.transpose %nz {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %one = graph.constant dense<1> : tensor<1xi64>
  %two = graph.constant dense<2> : tensor<1xi64>
  %col = graph.slice %t, %one, %two, %one, %one : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %sq = graph.squeeze %col, %one : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %max = graph.reduce_max %t, %one {keepdims = false, noop_with_empty_axes = false} : (tensor<?x2xi64>, tensor<1xi64>) -> tensor<?xi64>
  %shape = graph.shape %nz {start = 0 : i64} : (tensor<2x?xi64>) -> tensor<2xi64>
  %cat = graph.concat %t, %t {axis = 1 : i64} : (tensor<?x2xi64>, tensor<?x2xi64>) -> tensor<?x4xi64>
  return %col, %sq, %max, %shape, %cat : tensor<?x1xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2xi64>, tensor<?x4xi64>
}

// -----

// Concatenating along the counted axis would take the padding along.
func.func @concat_counted(%x: tensor<3x4xf32>) -> tensor<2x?xi64> {
  %nz = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  // expected-error @+2 {{has a dynamic shape}}
  // expected-error @+1 {{failed to legalize operation 'graph.concat'}}
  %cat = graph.concat %nz, %nz {axis = 1 : i64} : (tensor<2x?xi64>, tensor<2x?xi64>) -> tensor<2x?xi64>
  return %cat : tensor<2x?xi64>
}
