// RUN: kiln-opt %s --split-input-file --kiln-bound-dynamic-results --verify-diagnostics | FileCheck %s

// A result with a data-dependent dimension becomes a 1-D buffer of the
// bounds' product (its elements dense at the start) plus an i64 result of
// its actual dimensions; static results keep their place.
// CHECK-LABEL: func.func @bounded
// CHECK-SAME: -> (tensor<3xf32>, tensor<8xi64> {graph.name = "idx", kiln.max_shape = array<i64: 2, 4>}, tensor<2xi64> {kiln.shape_of = 1 : i64})
// CHECK: %[[N:.+]] = affine.min
// CHECK: %[[R:.+]] = tensor.extract_slice %{{.+}}[0, 0] [2, %[[N]]] [1, 1]
// CHECK: %[[C2:.+]] = arith.constant 2 : index
// CHECK: %[[D1:.+]] = tensor.dim %[[R]], %{{.+}} : tensor<2x?xi64>
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<8xi64>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %[[C2]]
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %[[D1]]
// CHECK: %[[ROW:.+]] = arith.muli %{{.+}}, %[[C2]]
// CHECK: %[[ROWI:.+]] = arith.addi %[[ROW]], %[[I]]
// CHECK: %[[LIN:.+]] = arith.muli %[[ROWI]], %[[D1]]
// CHECK: %[[AT:.+]] = arith.addi %[[LIN]], %[[J]]
// CHECK: %[[E:.+]] = tensor.extract %[[R]][%[[I]], %[[J]]]
// CHECK: tensor.insert %[[E]] into %{{.+}}[%[[AT]]]
// CHECK: %[[S0:.+]] = arith.index_cast %[[C2]] : index to i64
// CHECK: %[[S1:.+]] = arith.index_cast %[[D1]] : index to i64
// CHECK: %[[DIMS:.+]] = tensor.from_elements %[[S0]], %[[S1]] : tensor<2xi64>
// CHECK: return %{{.+}}, %{{.+}}, %[[DIMS]] : tensor<3xf32>, tensor<8xi64>, tensor<2xi64>
func.func @bounded(%x: tensor<3xf32>, %buf: tensor<2x4xi64>, %count: index) -> (tensor<3xf32>, tensor<2x?xi64> {graph.name = "idx"}) {
  %n = affine.min affine_map<(d0) -> (d0, 4)>(%count)
  %r = tensor.extract_slice %buf[0, 0] [2, %n] [1, 1] : tensor<2x4xi64> to tensor<2x?xi64>
  return %x, %r : tensor<3xf32>, tensor<2x?xi64>
}

// -----

// A dimension nothing bounds is an error naming the output.
func.func @unbounded(%buf: tensor<8xf32>, %count: index) -> (tensor<?xf32> {graph.name = "y"}) {
  // expected-error @+1 {{output 0 ('y') of type 'tensor<?xf32>': dimension 0 depends on the data and has no upper bound known at compile time}}
  %r = tensor.extract_slice %buf[0] [%count] [1] : tensor<8xf32> to tensor<?xf32>
  return %r : tensor<?xf32>
}
