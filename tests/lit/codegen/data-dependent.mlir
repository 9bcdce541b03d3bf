// RUN: kiln-opt %s --split-input-file --kiln-lower-graph-to-linalg | FileCheck %s

// Data-dependent ops compute into a buffer of their bound with loops that
// count as they write; the result is the leading slice, its size the count
// clamped to the bound by affine.min (which value-bounds analysis reads).

// CHECK-DAG: #[[MIN12:.+]] = affine_map<(d0) -> (d0, 12)>
// CHECK-LABEL: func.func @non_zero
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1]] : tensor<3x4xf32> into tensor<12xf32>
// CHECK: %[[BUF:.+]] = tensor.empty() : tensor<2x12xi64>
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[BUF]], %[[N:.+]] = %{{.+}}) -> (tensor<2x12xi64>, index)
// CHECK: %[[X:.+]] = tensor.extract %[[FLAT]][%[[I]]]
// CHECK: %[[NZ:.+]] = arith.cmpf une, %[[X]]
// CHECK: scf.if %[[NZ]] -> (tensor<2x12xi64>, index)
// CHECK: tensor.insert %{{.+}} into %[[ACC]][%{{.+}}, %[[N]]]
// CHECK: %[[COUNT:.+]] = affine.min #[[MIN12]](%[[LOOP]]#1)
// CHECK: %[[R:.+]] = tensor.extract_slice %[[LOOP]]#0[0, 0] [2, %[[COUNT]]] [1, 1] : tensor<2x12xi64> to tensor<2x?xi64>
// CHECK: return %[[R]]
func.func @non_zero(%x: tensor<3x4xf32>) -> tensor<2x?xi64> {
  %0 = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

// Compress copies each selected slice to the next free position; only the
// condition's length is scanned.
// CHECK-DAG: #[[MIN2:.+]] = affine_map<(d0) -> (d0, 2)>
// CHECK-LABEL: func.func @compress
// CHECK: %[[BUF:.+]] = tensor.empty() : tensor<3x2xf32>
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[BUF]], %[[N:.+]] = %{{.+}})
// CHECK: %[[KEEP:.+]] = tensor.extract %{{.+}}[%[[I]]] : tensor<2xi1>
// CHECK: scf.if %[[KEEP]]
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %{{.+}}[0, %[[I]]] [3, 1] [1, 1] : tensor<3x2xf32> to tensor<3x1xf32>
// CHECK: tensor.insert_slice %[[SLICE]] into %[[ACC]][0, %[[N]]] [3, 1] [1, 1]
// CHECK: %[[COUNT:.+]] = affine.min #[[MIN2]](%[[LOOP]]#1)
// CHECK: tensor.extract_slice %[[LOOP]]#0[0, 0] [3, %[[COUNT]]] [1, 1] : tensor<3x2xf32> to tensor<3x?xf32>
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<2xi1>) -> tensor<3x?xf32> {
  %0 = graph.compress %x, %c {axis = 1 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<3x?xf32>
  return %0 : tensor<3x?xf32>
}

// -----

// Unique of unsigned elements compares them unsigned; sorted ranks count the
// distinct values below each one. Three outputs share the distinct count.
// CHECK-DAG: #[[MIN6:.+]] = affine_map<(d0) -> (d0, 6)>
// CHECK-LABEL: func.func @unique
// CHECK: arith.cmpi eq
// CHECK: arith.cmpi ult
// CHECK: %[[LOOP:.+]]:4 = scf.for {{.+}} -> (tensor<6xi8>, tensor<6xi64>, tensor<6xi64>, tensor<6xi64>)
// CHECK: %[[COUNT:.+]] = affine.min #[[MIN6]](
// CHECK-DAG: tensor.extract_slice %[[LOOP]]#0[0] [%[[COUNT]]] [1] : tensor<6xi8> to tensor<?xi8>
// CHECK-DAG: tensor.extract_slice %[[LOOP]]#1[0] [%[[COUNT]]] [1] : tensor<6xi64> to tensor<?xi64>
// CHECK-DAG: tensor.extract_slice %[[LOOP]]#3[0] [%[[COUNT]]] [1] : tensor<6xi64> to tensor<?xi64>
// CHECK: return %{{.+}}, %{{.+}}, %[[LOOP]]#2, %{{.+}} : tensor<?xi8>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>
func.func @unique(%x: tensor<2x3xui8>) -> (tensor<?xui8>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>) {
  %y, %i, %inv, %n = graph.unique %x {sorted = true} : (tensor<2x3xui8>) -> (tensor<?xui8>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
  return %y, %i, %inv, %n : tensor<?xui8>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>
}

// -----

// A constant maximum (2 of 6 boxes) tightens the bound to
// batches x classes x 2 rows.
// CHECK-DAG: #[[MIN8:.+]] = affine_map<(d0) -> (d0, 8)>
// CHECK-LABEL: func.func @nms_constant_max
// CHECK: tensor.empty() : tensor<8x3xi64>
// CHECK: tensor.empty() : tensor<6xi1>
// CHECK: %[[COUNT:.+]] = affine.min #[[MIN8]](
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [%[[COUNT]], 3] [1, 1] : tensor<8x3xi64> to tensor<?x3xi64>
func.func @nms_constant_max(%b: tensor<2x6x4xf32>, %s: tensor<2x2x6xf32>, %iou: tensor<1xf32>, %score: tensor<1xf32>) -> tensor<?x3xi64> {
  %m = graph.constant dense<2> : tensor<1xi64>
  %0 = graph.non_max_suppression %b, %s, %m, %iou, %score : (tensor<2x6x4xf32>, tensor<2x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// With a run-time maximum every box of every class may be selected.
// CHECK-DAG: #[[MIN12:.+]] = affine_map<(d0) -> (d0, 12)>
// CHECK-LABEL: func.func @nms_runtime_max
// CHECK: %[[MAX:.+]] = tensor.extract %{{.+}}[%{{.+}}] : tensor<1xi64>
// CHECK: arith.maxsi %[[MAX]]
// CHECK: tensor.empty() : tensor<12x3xi64>
// CHECK: %[[COUNT:.+]] = affine.min #[[MIN12]](
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [%[[COUNT]], 3] [1, 1] : tensor<12x3xi64> to tensor<?x3xi64>
func.func @nms_runtime_max(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>, %iou: tensor<1xf32>, %score: tensor<1xf32>) -> tensor<?x3xi64> {
  %0 = graph.non_max_suppression %b, %s, %m, %iou, %score {center_point_box = 1 : i64} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// TopK with a run-time k orders the whole axis (a top_k with the axis size,
// lowered as usual) and keeps the first k, clamped to [0, 5].
// CHECK-DAG: #[[MIN5:.+]] = affine_map<(d0) -> (d0, 5)>
// CHECK-LABEL: func.func @top_k_runtime
// CHECK: %[[ALL:.+]]:2 = scf.for {{.+}} -> (tensor<3x5xf32>, tensor<3x5xi64>)
// CHECK: %[[K:.+]] = tensor.extract %{{.+}}[%{{.+}}] : tensor<1xi64>
// CHECK: %[[POS:.+]] = arith.maxsi %[[K]], %{{.+}} : i64
// CHECK: %[[KI:.+]] = arith.index_cast %[[POS]] : i64 to index
// CHECK: %[[N:.+]] = affine.min #[[MIN5]](%[[KI]])
// CHECK-DAG: tensor.extract_slice %[[ALL]]#0[0, 0] [3, %[[N]]] [1, 1] : tensor<3x5xf32> to tensor<3x?xf32>
// CHECK-DAG: tensor.extract_slice %[[ALL]]#1[0, 0] [3, %[[N]]] [1, 1] : tensor<3x5xi64> to tensor<3x?xi64>
func.func @top_k_runtime(%x: tensor<3x5xf32>, %k: tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>) {
  %v, %i = graph.top_k %x, %k {axis = 1 : i64, largest = true, sorted = true} : (tensor<3x5xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  return %v, %i : tensor<3x?xf32>, tensor<3x?xi64>
}
