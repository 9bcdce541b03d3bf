// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Losses, masks, scans, Einsum, scatters and TopK. Operands are function
// arguments so the patterns themselves are exercised.

// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[NOAXIS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[EA:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[EB:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[EOUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0, d1) -> (d0, d1, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>

// Trilu compares column - row of the trailing two loops with the run-time k.
// CHECK-LABEL: func.func @trilu
// CHECK: %[[K:.+]] = tensor.extract %arg1[] : tensor<i64>
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]]]
// CHECK: %[[ROW:.+]] = linalg.index 1 : index
// CHECK: %[[COL:.+]] = linalg.index 2 : index
// CHECK: %[[DIFF:.+]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: %[[OFF:.+]] = arith.index_cast %[[DIFF]] : index to i64
// CHECK: %[[KEEP:.+]] = arith.cmpi sle, %[[OFF]], %[[K]] : i64
// CHECK: arith.select %[[KEEP]], %{{.+}}, %{{.+}} : i64
func.func @trilu(%x: tensor<2x3x4xi64>, %k: tensor<i64>) -> tensor<2x3x4xi64> {
  %y = graph.trilu %x, %k {upper = false} : (tensor<2x3x4xi64>, tensor<i64>) -> tensor<2x3x4xi64>
  return %y : tensor<2x3x4xi64>
}

// A negative k survives the unsigned attribute getter; only the operand's
// shape is read.
// CHECK-LABEL: func.func @eye_like
// CHECK-DAG: %[[K:.+]] = arith.constant -1 : i64
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID2]]], iterator_types = ["parallel", "parallel"]} outs(
// CHECK: %[[ON:.+]] = arith.cmpi eq, %{{.+}}, %[[K]] : i64
// CHECK: arith.select %[[ON]], %[[ONE]], %[[ZERO]] : f32
func.func @eye_like(%x: tensor<3x4xui8>) -> tensor<3x4xf32> {
  %y = graph.eye_like %x {dtype = f32, k = -1 : i64} : (tensor<3x4xui8>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// The result type gives the depth; float indices truncate, negative ones wrap.
// CHECK-LABEL: func.func @one_hot
// CHECK: %[[OFF:.+]] = tensor.extract %arg2[%{{.+}}] : tensor<2xi8>
// CHECK: %[[ON:.+]] = tensor.extract %arg2[%{{.+}}] : tensor<2xi8>
// CHECK: linalg.generic {indexing_maps = [#[[NOAXIS]], #[[ID3]]]
// CHECK: arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.constant 5 : i64
// CHECK: linalg.index 1 : index
// CHECK: %[[HIT:.+]] = arith.cmpi eq
// CHECK: arith.select %[[HIT]], %[[ON]], %[[OFF]] : i8
func.func @one_hot(%i: tensor<2x3xf32>, %d: tensor<i64>, %v: tensor<2xui8>) -> tensor<2x5x3xui8> {
  %y = graph.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<2x3xf32>, tensor<i64>, tensor<2xui8>) -> tensor<2x5x3xui8>
  return %y : tensor<2x5x3xui8>
}

// CumSum walks the flattened tensor backwards for `reverse`; with a constant
// axis the stride and size are constants. Exclusive sums add the
// predecessor's input to its result.
// CHECK-LABEL: func.func @cumsum_constant_axis
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: %[[INIT:.+]] = linalg.fill
// CHECK: %[[LOOP:.+]] = scf.for %[[IV:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OUT:.+]] = %[[INIT]]) -> (tensor<6xf32>)
// CHECK: %[[POS:.+]] = arith.subi %{{.+}}, %[[IV]] : index
// CHECK: %[[PREV:.+]] = arith.select
// CHECK: %[[ACC:.+]] = tensor.extract %[[OUT]][%[[PREV]]] : tensor<6xf32>
// CHECK: %[[X:.+]] = tensor.extract %[[FLAT]][%[[PREV]]] : tensor<6xf32>
// CHECK: arith.addf %[[ACC]], %[[X]] : f32
// CHECK: tensor.insert %{{.+}} into %[[OUT]][%[[POS]]] : tensor<6xf32>
// CHECK: tensor.expand_shape %[[LOOP]] {{\[}}[0, 1]] output_shape [2, 3]
func.func @cumsum_constant_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = graph.constant dense<-1> : tensor<i32>
  %y = graph.cumsum %x, %a {exclusive = true, reverse = true} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// A run-time axis selects the stride and size of the chosen dimension.
// CHECK-LABEL: func.func @cumsum_runtime_axis
// CHECK: %[[AXIS:.+]] = tensor.extract %arg1[] : tensor<i64>
// CHECK: %[[IS0:.+]] = arith.cmpi eq, %{{.+}}, %{{.+}} : index
// CHECK: %[[STRIDE:.+]] = arith.select %[[IS0]]
// CHECK: %[[SIZE:.+]] = arith.select %[[IS0]]
// CHECK: scf.for
// CHECK: %[[Q:.+]] = arith.divui %{{.+}}, %[[STRIDE]] : index
// CHECK: arith.remui %[[Q]], %[[SIZE]] : index
// CHECK: arith.addi %{{.+}}, %{{.+}} : i32
func.func @cumsum_runtime_axis(%x: tensor<2x3xi32>, %a: tensor<i64>) -> tensor<2x3xi32> {
  %y = graph.cumsum %x, %a : (tensor<2x3xi32>, tensor<i64>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// Result labels are the parallel loops (in result order), then the summed
// labels.
// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[EA]], #[[EB]], #[[EOUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @einsum_batch_matmul(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) -> tensor<5x4x2xf32> {
  %y = graph.einsum %a, %b {equation = "bij, bjk -> bki"} : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x4x2xf32>
  return %y : tensor<5x4x2xf32>
}

// A repeated label reads the diagonal; the implicit result keeps the
// ellipsis dimensions and drops the repeated label. f16 sums in f32.
// CHECK-LABEL: func.func @einsum_trace_f16
// CHECK: linalg.generic {indexing_maps = [#[[DIAG]], #{{.+}}], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<3x4x4xf16>) outs(%{{.+}} : tensor<3xf32>)
// CHECK: arith.extf
// CHECK: arith.truncf
func.func @einsum_trace_f16(%a: tensor<3x4x4xf16>) -> tensor<3xf16> {
  %y = graph.einsum %a {equation = "...ii"} : (tensor<3x4x4xf16>) -> tensor<3xf16>
  return %y : tensor<3xf16>
}

// "mean" reduces every loop into the weighted loss and the total weight, and
// an ignored target contributes to neither.
// CHECK-LABEL: func.func @nll_mean
// CHECK: %[[SUMS:.+]]:2 = linalg.generic {indexing_maps = [#[[ID2]], #[[SCALAR]], #[[SCALAR]]], iterator_types = ["reduction", "reduction"]}
// CHECK: %[[X:.+]] = tensor.extract %arg0[%{{.+}}, %{{.+}}, %{{.+}}] : tensor<3x5x2xf32>
// CHECK: %[[W:.+]] = tensor.extract %arg2[%{{.+}}] : tensor<5xf32>
// CHECK: %[[XW:.+]] = arith.mulf %[[X]], %[[W]] : f32
// CHECK: %[[LOSS:.+]] = arith.negf %[[XW]] : f32
// CHECK: %[[IGNORED:.+]] = arith.cmpi eq, %{{.+}}, %c-1_i64 : i64
// CHECK: arith.select %[[IGNORED]], %{{.+}}, %[[LOSS]] : f32
// CHECK: arith.select %[[IGNORED]], %{{.+}}, %[[W]] : f32
// CHECK: linalg.generic
// CHECK: arith.divf
func.func @nll_mean(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %m = graph.negative_log_likelihood_loss %x, %t, %w {ignore_index = -1 : i64, reduction = "mean"} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %m : tensor<f32>
}

// CHECK-LABEL: func.func @nll_none
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%arg1 : tensor<3x2xi32>) outs(%{{.+}} : tensor<3x2xf32>)
// CHECK: arith.negf
// CHECK-NOT: arith.divf
func.func @nll_none(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi32>) -> tensor<3x2xf32> {
  %n = graph.negative_log_likelihood_loss %x, %t {reduction = "none"} : (tensor<3x5x2xf32>, tensor<3x2xi32>) -> tensor<3x2xf32>
  return %n : tensor<3x2xf32>
}

// Scatters loop over the updates carrying the data; a reduction reads the
// element it combines with.
// CHECK-LABEL: func.func @scatter_elements_max
// CHECK: scf.for %{{.+}} = %{{.+}} to %c8 step %{{.+}} iter_args(%[[OUT:.+]] = %arg0) -> (tensor<3x4xf32>)
// CHECK: %[[IDX:.+]] = tensor.extract %arg1[%[[ROW:.+]], %[[COL:.+]]] : tensor<2x4xi32>
// CHECK: %[[UPD:.+]] = tensor.extract %arg2[%[[ROW]], %[[COL]]] : tensor<2x4xf32>
// CHECK: %[[TARGET:.+]] = arith.minsi
// CHECK: %[[CUR:.+]] = tensor.extract %[[OUT]][%[[TARGET]], %[[COL]]] : tensor<3x4xf32>
// CHECK: %[[NEW:.+]] = arith.maximumf %[[CUR]], %[[UPD]] : f32
// CHECK: tensor.insert %[[NEW]] into %[[OUT]][%[[TARGET]], %[[COL]]] : tensor<3x4xf32>
func.func @scatter_elements_max(%d: tensor<3x4xf32>, %i: tensor<2x4xi32>, %u: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %y = graph.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "max"} : (tensor<3x4xf32>, tensor<2x4xi32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @scatter_nd_none
// CHECK: scf.for %{{.+}} = %{{.+}} to %c15 step %{{.+}} iter_args(%[[OUT:.+]] = %arg0) -> (tensor<4x5xi32>)
// CHECK: tensor.extract %arg1[%{{.+}}, %{{.+}}] : tensor<3x1xi64>
// CHECK: %[[UPD:.+]] = tensor.extract %arg2[%{{.+}}, %{{.+}}] : tensor<3x5xi32>
// CHECK-NOT: tensor.extract %[[OUT]]
// CHECK: tensor.insert %[[UPD]] into %[[OUT]]
func.func @scatter_nd_none(%d: tensor<4x5xi32>, %i: tensor<3x1xi64>, %u: tensor<3x5xi32>) -> tensor<4x5xi32> {
  %y = graph.scatter_nd %d, %i, %u : (tensor<4x5xi32>, tensor<3x1xi64>, tensor<3x5xi32>) -> tensor<4x5xi32>
  return %y : tensor<4x5xi32>
}

// k (from the result type) selections per row, each a scan of the row.
// CHECK-LABEL: func.func @top_k_smallest
// CHECK: scf.for %[[ROW:.+]] = %{{.+}} to %c3
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %c2
// CHECK: scf.for %[[E:.+]] = %{{.+}} to %c4
// CHECK: tensor.extract %arg0[%[[ROW]], %[[E]]] : tensor<3x4xf32>
// CHECK: arith.cmpf uno
// CHECK: tensor.insert %{{.+}} into %{{.+}}[%[[ROW]], %[[J]]] : tensor<3x2xf32>
// CHECK: tensor.insert %{{.+}} into %{{.+}}[%[[ROW]], %[[J]]] : tensor<3x2xi64>
func.func @top_k_smallest(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = graph.top_k %x, %k {axis = 1 : i64, largest = false} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}
