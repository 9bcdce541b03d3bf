// RUN: kiln-opt %s --kiln-refine-shapes | FileCheck %s

// Sizes flow back from a consumer whose type is static (the importer gives
// the last op a model's declared output shape) to a range of run-time
// length, through elementwise ops that keep it; the chain then follows
// forward.

// ONNX's HannWindow function body, in short: both summands derive from the
// one range, so their sum has its length, and the declared [10] fixes it.
// CHECK-LABEL: func.func @range_from_declared_output
// CHECK: graph.range {{.*}} -> tensor<10xf32>
// CHECK: graph.mul {{.*}} -> tensor<10xf32>
// CHECK: graph.cos {{.*}} : tensor<10xf32>
// CHECK: graph.sub {{.*}} -> tensor<10xf32>
// CHECK: graph.cos {{.*}} : tensor<10xf32>
// CHECK: graph.add {{.*}} -> tensor<10xf32>
// The same-type cast folds away.
// CHECK: return %{{.+}} : tensor<10xf32>
func.func @range_from_declared_output(%n: tensor<f32>, %step: tensor<f32>) -> tensor<10xf32> {
  %zero = graph.constant dense<0.0> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %r = graph.range %zero, %n, %one : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %a = graph.mul %r, %step : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %c = graph.cos %a : tensor<?xf32>
  %s = graph.sub %one, %c : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  %d = graph.cos %r : tensor<?xf32>
  %t = graph.add %s, %d : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %y = graph.cast %t {to = f32} : (tensor<?xf32>) -> tensor<10xf32>
  return %y : tensor<10xf32>
}

// Two ranges of independent lengths: either may be 1 and broadcast, so the
// sum's size says nothing about them.
// CHECK-LABEL: func.func @independent_ranges
// CHECK: graph.range {{.*}} -> tensor<?xf32>
// CHECK: graph.range {{.*}} -> tensor<?xf32>
func.func @independent_ranges(%n: tensor<f32>, %m: tensor<f32>) -> tensor<10xf32> {
  %zero = graph.constant dense<0.0> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %r = graph.range %zero, %n, %one : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %q = graph.range %zero, %m, %one : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %t = graph.add %r, %q : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %y = graph.cast %t {to = f32} : (tensor<?xf32>) -> tensor<10xf32>
  return %y : tensor<10xf32>
}

// A static operand fixes the result forward already; the other operand may
// still be 1, so its range stays dynamic.
// CHECK-LABEL: func.func @static_operand
// CHECK: graph.range {{.*}} -> tensor<?xf32>
// CHECK: graph.add {{.*}} -> tensor<10xf32>
func.func @static_operand(%n: tensor<f32>, %v: tensor<10xf32>) -> tensor<?xf32> {
  %zero = graph.constant dense<0.0> : tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %r = graph.range %zero, %n, %one : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %t = graph.add %r, %v : (tensor<?xf32>, tensor<10xf32>) -> tensor<?xf32>
  return %t : tensor<?xf32>
}
