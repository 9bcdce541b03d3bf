// RUN: kiln-opt %s --kiln-lower-graph-to-linalg | FileCheck %s

// Slice, Pad and Resize whose shape-like operands are graph inputs: the
// result type is static, so the lowerings read the operands at run time and
// compute the source indices (or coordinates) inside a linalg.generic.

// Runtime starts, axes and steps: each dimension's first index and stride
// are selected from the runtime axes; ends only fix the (static) size.
// CHECK-LABEL: func.func @slice_runtime(
// CHECK: tensor.extract %arg3[
// CHECK: tensor.extract %arg1[
// CHECK: tensor.extract %arg4[
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<3x10x5xf32>)
// CHECK: arith.muli
// CHECK: tensor.extract %arg0[
// CHECK-NOT: graph.slice
func.func @slice_runtime(%x: tensor<20x10x5xf32>, %starts: tensor<2xi64>, %ends: tensor<2xi64>, %axes: tensor<2xi64>, %steps: tensor<2xi64>) -> tensor<3x10x5xf32> {
  %r = graph.slice %x, %starts, %ends, %axes, %steps : (tensor<20x10x5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<3x10x5xf32>
  return %r : tensor<3x10x5xf32>
}

// Reflect padding by runtime pads: the mirrored index uses a runtime period.
// CHECK-LABEL: func.func @pad_runtime_reflect(
// CHECK: tensor.extract %arg1[
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<6x7xi32>)
// CHECK: arith.remsi
// CHECK: tensor.extract %arg0[
func.func @pad_runtime_reflect(%x: tensor<4x5xi32>, %pads: tensor<4xi64>) -> tensor<6x7xi32> {
  %value = graph.constant dense<0> : tensor<i32>
  %axes = graph.constant dense<[0, 1]> : tensor<2xi64>
  %r = graph.pad %x, %pads, %value, %axes {mode = "reflect"} : (tensor<4x5xi32>, tensor<4xi64>, tensor<i32>, tensor<2xi64>) -> tensor<6x7xi32>
  return %r : tensor<6x7xi32>
}

// Constant padding: positions outside the data select the pad value.
// CHECK-LABEL: func.func @pad_runtime_constant(
// CHECK: tensor.extract %arg1[
// CHECK: %[[VALUE:.*]] = tensor.extract %arg2[] : tensor<f32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<7xf32>)
// CHECK: %[[READ:.*]] = tensor.extract %arg0[
// CHECK: arith.select %{{.*}}, %[[READ]], %[[VALUE]] : f32
func.func @pad_runtime_constant(%x: tensor<4xf32>, %pads: tensor<2xi64>, %value: tensor<f32>) -> tensor<7xf32> {
  %axes = graph.constant dense<0> : tensor<1xi64>
  %r = graph.pad %x, %pads, %value, %axes : (tensor<4xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>) -> tensor<7xf32>
  return %r : tensor<7xf32>
}

// Runtime scales: one generic per resized axis computes the input
// coordinate from the scale (read once, widened to f64) and two linear taps.
// CHECK-LABEL: func.func @resize_runtime_scales(
// CHECK: tensor.extract %arg1[%{{.*}}] : tensor<4xf32>
// CHECK: arith.extf {{.*}} : f32 to f64
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x4x2xf32>)
// CHECK: math.floor
// CHECK-COUNT-2: tensor.extract %arg0
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x4x4xf32>)
func.func @resize_runtime_scales(%x: tensor<1x1x2x2xf32>, %s: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  %y = graph.resize %x scales %s {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "linear", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, tensor<4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// Runtime sizes equal the static result type, so the constant-table
// lowering applies without reading them.
// CHECK-LABEL: func.func @resize_runtime_sizes(
// CHECK-NOT: tensor.extract %arg1
// CHECK: arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x4x4xf32>)
func.func @resize_runtime_sizes(%x: tensor<1x1x2x2xf32>, %s: tensor<4xi64>) -> tensor<1x1x4x4xf32> {
  %y = graph.resize %x sizes %s {coordinate_transformation_mode = "asymmetric", cubic_coeff_a = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32, mode = "nearest", nearest_mode = "floor"} : (tensor<1x1x2x2xf32>, tensor<4xi64>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
