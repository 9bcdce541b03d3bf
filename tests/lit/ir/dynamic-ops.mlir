// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// The ops of GraphDynamicOps.td parse, verify and print back; their
// data-dependent dimensions are `?` whatever the input shapes.

// CHECK-LABEL: func.func @non_zero
func.func @non_zero(%x: tensor<3x4xf32>) -> tensor<2x?xi64> {
  // CHECK: graph.non_zero %{{.*}} : (tensor<3x4xf32>) -> tensor<2x?xi64>
  %0 = graph.non_zero %x : (tensor<3x4xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// CHECK-LABEL: func.func @compress
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<2xi1>) -> (tensor<3x?xf32>, tensor<?xf32>) {
  // CHECK: graph.compress %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<3x?xf32>
  %0 = graph.compress %x, %c {axis = 1 : i64} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<3x?xf32>
  // CHECK: graph.compress %{{.*}}, %{{.*}} : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<?xf32>
  %1 = graph.compress %x, %c : (tensor<3x2xf32>, tensor<2xi1>) -> tensor<?xf32>
  return %0, %1 : tensor<3x?xf32>, tensor<?xf32>
}

// The inverse indices have one entry per slice: static.
// CHECK-LABEL: func.func @unique
func.func @unique(%x: tensor<2x4x2xf32>) -> (tensor<2x?x2xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  // CHECK: graph.unique %{{.*}} {axis = 1 : i64, sorted = false} : (tensor<2x4x2xf32>) -> (tensor<2x?x2xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  %y, %i, %inv, %n = graph.unique %x {axis = 1 : i64, sorted = false} : (tensor<2x4x2xf32>) -> (tensor<2x?x2xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %i, %inv, %n : tensor<2x?x2xf32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// CHECK-LABEL: func.func @non_max_suppression
func.func @non_max_suppression(%b: tensor<1x6x4xf32>, %s: tensor<1x2x6xf32>, %m: tensor<1xi64>, %iou: tensor<1xf32>, %score: tensor<f32>) -> tensor<?x3xi64> {
  // CHECK: graph.non_max_suppression %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {center_point_box = 1 : i64}
  // CHECK-SAME: -> tensor<?x3xi64>
  %0 = graph.non_max_suppression %b, %s, %m, %iou, %score {center_point_box = 1 : i64} : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}
