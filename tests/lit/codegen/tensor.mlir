// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Data-movement ops: operands are function arguments so that nothing folds
// at the graph level and the lowering patterns themselves are exercised.

// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (-d0 + 2, d1)>
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1)>

// Shape queries and constant fills become constants (through the graph
// folders or the patterns) once shapes are static.
// CHECK-LABEL: func.func @shape_and_size
// CHECK-DAG: arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<24> : tensor<i64>
// CHECK-NOT: graph.
func.func @shape_and_size(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %s = graph.shape %x {start = 1 : i64, end = 3 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %n = graph.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  return %s, %n : tensor<2xi64>, tensor<i64>
}

// CHECK-LABEL: func.func @constant_of_shape
// CHECK-NOT: graph.
// CHECK: return %{{.*}} : tensor<2x3xi8>
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<2x3xui8> {
  %r = graph.constant_of_shape %s {value = dense<255> : tensor<1xui8>} : (tensor<2xi64>) -> tensor<2x3xui8>
  return %r : tensor<2x3xui8>
}

// CHECK-LABEL: func.func @range_constant
// CHECK: arith.constant dense<[1.000000e+00, 1.500000e+00, 2.000000e+00, 2.500000e+00]> : tensor<4xf32>
func.func @range_constant() -> tensor<4xf32> {
  %start = graph.constant dense<1.0> : tensor<f32>
  %limit = graph.constant dense<3.0> : tensor<f32>
  %delta = graph.constant dense<0.5> : tensor<f32>
  %r = graph.range %start, %limit, %delta : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @range_runtime
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.muli
// CHECK: arith.addi
func.func @range_runtime(%start: tensor<i64>, %limit: tensor<i64>, %delta: tensor<i64>) -> tensor<5xi64> {
  %r = graph.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  return %r : tensor<5xi64>
}

// CHECK-LABEL: func.func @reshapes
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [3, 8] : tensor<24xf32> into tensor<3x8xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2, 3]] : tensor<1x3x1x2xf32> into tensor<3x2xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2, 3]] output_shape [1, 3, 2, 1] : tensor<3x2xf32> into tensor<1x3x2x1xf32>
func.func @reshapes(%x: tensor<2x3x4xf32>, %y: tensor<1x3x1x2xf32>, %z: tensor<3x2xf32>)
    -> (tensor<6x4xf32>, tensor<3x8xf32>, tensor<3x2xf32>, tensor<1x3x2x1xf32>) {
  %shape = graph.constant dense<[3, -1]> : tensor<2xi64>
  %axes = graph.constant dense<[0, 2]> : tensor<2xi64>
  %uaxes = graph.constant dense<[0, 3]> : tensor<2xi64>
  %f = graph.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %r = graph.reshape %x, %shape : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3x8xf32>
  %s = graph.squeeze %y, %axes : (tensor<1x3x1x2xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %u = graph.unsqueeze %z, %uaxes : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<1x3x2x1xf32>
  return %f, %r, %s, %u : tensor<6x4xf32>, tensor<3x8xf32>, tensor<3x2xf32>, tensor<1x3x2x1xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xi1>) outs(%{{.*}} : tensor<4x2x3xi1>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xi1>) -> tensor<4x2x3xi1> {
  %r = graph.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xi1>) -> tensor<4x2x3xi1>
  return %r : tensor<4x2x3xi1>
}

// Size-1 dimensions that stretch are collapsed away; the broadcast then only
// adds dimensions.
// CHECK-LABEL: func.func @expand
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<3x1xf32> into tensor<3xf32>
// CHECK: linalg.broadcast ins(%[[C]] : tensor<3xf32>) outs(%{{.*}} : tensor<2x3x4xf32>) dimensions = [0, 2]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %shape = graph.constant dense<[2, 1, 4]> : tensor<3xi64>
  %r = graph.expand %x, %shape : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @tile
// CHECK: %[[B:.*]] = linalg.broadcast ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x2x3xf32>) dimensions = [0]
// CHECK: tensor.collapse_shape %[[B]] {{\[}}[0, 1], [2]] : tensor<2x2x3xf32> into tensor<4x3xf32>
func.func @tile(%x: tensor<2x3xf32>, %repeats: tensor<2xi64>) -> tensor<4x3xf32> {
  %r = graph.tile %x, %repeats : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x6xi8>
// CHECK: %[[A:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0] [2, 1] [1, 1]
// CHECK: %[[B:.*]] = tensor.insert_slice %{{.*}} into %[[A]][0, 1] [2, 5] [1, 1]
// CHECK: return %[[B]]
func.func @concat(%a: tensor<2x1xui8>, %empty: tensor<2x0xui8>, %b: tensor<2x5xui8>) -> tensor<2x6xui8> {
  %r = graph.concat %a, %empty, %b {axis = 1 : i64} : (tensor<2x1xui8>, tensor<2x0xui8>, tensor<2x5xui8>) -> tensor<2x6xui8>
  return %r : tensor<2x6xui8>
}

// CHECK-LABEL: func.func @split
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 1] [1, 1] : tensor<2x6xf32> to tensor<2x1xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 5] [1, 1] : tensor<2x6xf32> to tensor<2x5xf32>
func.func @split(%x: tensor<2x6xf32>) -> (tensor<2x1xf32>, tensor<2x5xf32>) {
  %sizes = graph.constant dense<[1, 5]> : tensor<2xi64>
  %a, %b = graph.split %x, %sizes {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2xi64>) -> (tensor<2x1xf32>, tensor<2x5xf32>)
  return %a, %b : tensor<2x1xf32>, tensor<2x5xf32>
}

// Clamped start/end and a stride.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[1, 0, 0] [2, 4, 3] [1, 1, 2] : tensor<3x4x5xf32> to tensor<2x4x3xf32>
// CHECK-NOT: linalg.generic
func.func @slice(%x: tensor<3x4x5xf32>) -> tensor<2x4x3xf32> {
  %starts = graph.constant dense<[1, -100]> : tensor<2xi64>
  %ends = graph.constant dense<[3, 10]> : tensor<2xi64>
  %axes = graph.constant dense<[0, -1]> : tensor<2xi64>
  %steps = graph.constant dense<[1, 2]> : tensor<2xi64>
  %r = graph.slice %x, %starts, %ends, %axes, %steps : (tensor<3x4x5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x4x3xf32>
  return %r : tensor<2x4x3xf32>
}

// A negative step takes the window from its lowest element, then reverses it.
// CHECK-LABEL: func.func @slice_reverse
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 1] [3, 2] [1, 2] : tensor<3x4xf32> to tensor<3x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]{{.*}} ins(%[[S]] : tensor<3x2xf32>)
func.func @slice_reverse(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %starts = graph.constant dense<[-1, 1]> : tensor<2xi32>
  %ends = graph.constant dense<[-100, 4]> : tensor<2xi32>
  %axes = graph.constant dense<[0, 1]> : tensor<2xi32>
  %steps = graph.constant dense<[-1, 2]> : tensor<2xi32>
  %r = graph.slice %x, %starts, %ends, %axes, %steps : (tensor<3x4xf32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// Negative pads crop first; the rest is a tensor.pad with the constant value.
// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[C:.*]] = tensor.extract_slice %{{.*}}[1, 0] [2, 2] [1, 1] : tensor<3x4xi8> to tensor<2x2xi8>
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[] : tensor<i8>
// CHECK: tensor.pad %[[C]] low[0, 2] high[1, 0]
// CHECK: tensor.yield %[[V]] : i8
func.func @pad_constant(%x: tensor<3x4xui8>, %value: tensor<ui8>) -> tensor<3x4xui8> {
  %pads = graph.constant dense<[-1, 2, 1, -2]> : tensor<4xi64>
  %axes = graph.constant dense<[0, 1]> : tensor<2xi64>
  %r = graph.pad %x, %pads, %value, %axes {mode = "constant"} : (tensor<3x4xui8>, tensor<4xi64>, tensor<ui8>, tensor<2xi64>) -> tensor<3x4xui8>
  return %r : tensor<3x4xui8>
}

// CHECK-LABEL: func.func @pad_reflect
// CHECK: linalg.generic
// CHECK: linalg.index 1
// CHECK: arith.remui
// CHECK: arith.select
// CHECK: tensor.extract %{{.*}} : tensor<3x4xf32>
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<3x9xf32> {
  %pads = graph.constant dense<[3, 2]> : tensor<2xi64>
  %value = graph.constant dense<0.0> : tensor<f32>
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.pad %x, %pads, %value, %axes {mode = "reflect"} : (tensor<3x4xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<3x9xf32>
  return %r : tensor<3x9xf32>
}

// CHECK-LABEL: func.func @pad_edge
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @pad_edge(%x: tensor<3x4xf32>) -> tensor<5x4xf32> {
  %pads = graph.constant dense<[1, 1]> : tensor<2xi64>
  %value = graph.constant dense<0.0> : tensor<f32>
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.pad %x, %pads, %value, %axes {mode = "edge"} : (tensor<3x4xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}

// CHECK-LABEL: func.func @depth_to_space
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x8x2x3xf32> into tensor<1x2x2x2x2x3xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x2x2x2x3x2xf32> into tensor<1x2x4x6xf32>
func.func @depth_to_space(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %r = graph.depth_to_space %x {blocksize = 2 : i64, mode = "DCR"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %r : tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK: tensor.expand_shape %{{.*}} : tensor<1x3x4x6xf32> into tensor<1x3x2x2x3x2xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x2x2x3x2x3xf32> into tensor<1x12x2x3xf32>
func.func @space_to_depth(%x: tensor<1x3x4x6xf32>) -> tensor<1x12x2x3xf32> {
  %r = graph.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x3x4x6xf32>) -> tensor<1x12x2x3xf32>
  return %r : tensor<1x12x2x3xf32>
}

// Indices are read through the indexing map; negative ones wrap and all are
// clamped into the axis.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<5xi32>)
// CHECK: ^bb0(%[[I:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[D0:.*]] = linalg.index 0
// CHECK: arith.index_cast %[[I]] : i32 to index
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: %[[D2:.*]] = linalg.index 2
// CHECK: tensor.extract %{{.*}}[%[[D0]], %[[K]], %[[D2]]] : tensor<2x3x4xf32>
func.func @gather(%x: tensor<2x3x4xf32>, %ids: tensor<5xi32>) -> tensor<2x5x4xf32> {
  %r = graph.gather %x, %ids {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi32>) -> tensor<2x5x4xf32>
  return %r : tensor<2x5x4xf32>
}

// A constant scalar index is a slice.
// CHECK-LABEL: func.func @gather_scalar
// CHECK: %[[S:.*]] = tensor.extract_slice %{{.*}}[0, 2, 0] [2, 1, 4] [1, 1, 1]
// CHECK: tensor.collapse_shape %[[S]] {{\[}}[0], [1, 2]] : tensor<2x1x4xf32> into tensor<2x4xf32>
func.func @gather_scalar(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %id = graph.constant dense<-1> : tensor<i64>
  %r = graph.gather %x, %id {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @gather_elements
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4xi64>)
// CHECK: ^bb0(%[[I:.*]]: i64, %{{.*}}: f32):
// CHECK: arith.index_cast %[[I]]
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: %[[D1:.*]] = linalg.index 1
// CHECK: tensor.extract %{{.*}}[%[[K]], %[[D1]]] : tensor<3x4xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %ids: tensor<2x4xi64>) -> tensor<2x4xf32> {
  %r = graph.gather_elements %x, %ids {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic
// CHECK: %[[B:.*]] = linalg.index 0
// CHECK: %[[O:.*]] = linalg.index 1
// CHECK: tensor.extract %{{.*}}[%[[B]], %[[O]], %{{.*}}] : tensor<2x2x1xi64>
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: %[[T:.*]] = linalg.index 2
// CHECK: tensor.extract %{{.*}}[%[[B]], %[[K]], %[[T]]] : tensor<2x3x4xf32>
func.func @gather_nd(%x: tensor<2x3x4xf32>, %ids: tensor<2x2x1xi64>) -> tensor<2x2x4xf32> {
  %r = graph.gather_nd %x, %ids {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2x1xi64>) -> tensor<2x2x4xf32>
  return %r : tensor<2x2x4xf32>
}

// Results without elements need no computation.
// CHECK-LABEL: func.func @empty_slice
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x0xf32>
// CHECK: return %[[E]]
func.func @empty_slice(%x: tensor<3x4xf32>) -> tensor<3x0xf32> {
  %starts = graph.constant dense<[3]> : tensor<1xi64>
  %ends = graph.constant dense<[1]> : tensor<1xi64>
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %steps = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.slice %x, %starts, %ends, %axes, %steps : (tensor<3x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x0xf32>
  return %r : tensor<3x0xf32>
}
