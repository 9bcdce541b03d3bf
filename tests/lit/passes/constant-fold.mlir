// RUN: kiln-opt %s --canonicalize | FileCheck %s
// RUN: kiln-opt %s --canonicalize --kiln-refine-shapes --canonicalize | FileCheck %s --check-prefix=CHAIN

// Folders for the shape arithmetic PyTorch exports: each function's ops fold
// into constants once their inputs are constants and their types are static.

// CHECK-LABEL: func.func @gather
// CHECK-DAG: %[[SCALAR:.+]] = graph.constant dense<3> : tensor<i64>
// CHECK-DAG: %[[PAIR:.+]] = graph.constant dense<[4, 2]> : tensor<2xi64>
// CHECK-DAG: %[[COLUMN:.+]] = graph.constant dense<{{\[}}[3], [6]]> : tensor<2x1xi64>
// CHECK-NOT: graph.gather
// CHECK: return %[[SCALAR]], %[[PAIR]], %[[COLUMN]]
func.func @gather(%x: tensor<2x3x4xf32>) -> (tensor<i64>, tensor<2xi64>, tensor<2x1xi64>) {
  %s = graph.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i = graph.constant dense<1> : tensor<i64>
  %g = graph.gather %s, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %j = graph.constant dense<[2, -3]> : tensor<2xi64>
  %h = graph.gather %s, %j {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %m = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %k = graph.constant dense<[2]> : tensor<1xi32>
  %c = graph.gather %m, %k {axis = 1 : i64} : (tensor<2x3xi64>, tensor<1xi32>) -> tensor<2x1xi64>
  return %g, %h, %c : tensor<i64>, tensor<2xi64>, tensor<2x1xi64>
}

// An out-of-range index is left for run time to report.
// CHECK-LABEL: func.func @gather_out_of_range
// CHECK: graph.gather
func.func @gather_out_of_range() -> tensor<i64> {
  %s = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %i = graph.constant dense<3> : tensor<i64>
  %g = graph.gather %s, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %g : tensor<i64>
}

// CHECK-LABEL: func.func @unsqueeze_squeeze_flatten_reshape
// CHECK-DAG: graph.constant dense<7> : tensor<1xi64>
// CHECK-DAG: graph.constant dense<7> : tensor<i64>
// CHECK-DAG: graph.constant dense<{{\[}}[1, 2, 3, 4, 5, 6]]> : tensor<1x6xi64>
// CHECK-DAG: graph.constant dense<{{\[}}[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi64>
// CHECK-NOT: graph.unsqueeze
// CHECK-NOT: graph.squeeze
// CHECK-NOT: graph.flatten
// CHECK-NOT: graph.reshape
func.func @unsqueeze_squeeze_flatten_reshape() -> (tensor<1xi64>, tensor<i64>, tensor<1x6xi64>, tensor<3x2xi64>) {
  %v = graph.constant dense<7> : tensor<i64>
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %u = graph.unsqueeze %v, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %w = graph.constant dense<[7]> : tensor<1xi64>
  %s = graph.squeeze %w, %axes : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
  %m = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %f = graph.flatten %m {axis = 0 : i64} : (tensor<2x3xi64>) -> tensor<1x6xi64>
  %shape = graph.constant dense<[3, -1]> : tensor<2xi64>
  %r = graph.reshape %m, %shape : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<3x2xi64>
  return %u, %s, %f, %r : tensor<1xi64>, tensor<i64>, tensor<1x6xi64>, tensor<3x2xi64>
}

// Reshapes that do not change the type disappear, constant or not.
// CHECK-LABEL: func.func @noop_reshapes(%arg0: tensor<2x3xf32>)
// CHECK-NEXT: return %arg0, %arg0
func.func @noop_reshapes(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %shape = graph.constant dense<[2, 3]> : tensor<2xi64>
  %r = graph.reshape %x, %shape : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %c = graph.cast %x {to = f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r, %c : tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK-DAG: graph.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
// CHECK-DAG: graph.constant dense<{{\[}}[1, 2, 9], [3, 4, 9]]> : tensor<2x3xi32>
// CHECK-NOT: graph.concat
func.func @concat() -> (tensor<5xi64>, tensor<2x3xi32>) {
  %a = graph.constant dense<[1, 2]> : tensor<2xi64>
  %b = graph.constant dense<[3]> : tensor<1xi64>
  %c = graph.constant dense<[4, 5]> : tensor<2xi64>
  %r = graph.concat %a, %b, %c {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %m = graph.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %n = graph.constant dense<9> : tensor<2x1xi32>
  %s = graph.concat %m, %n {axis = 1 : i64} : (tensor<2x2xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  return %r, %s : tensor<5xi64>, tensor<2x3xi32>
}

// Float to integer truncates toward zero; unsigned sources zero-extend;
// to-bool is `!= 0`.
// CHECK-LABEL: func.func @cast
// CHECK-DAG: graph.constant dense<[-2, 2, 0]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<[3.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: graph.constant dense<255> : tensor<1xi64>
// CHECK-DAG: graph.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[-1, 0]> : tensor<2xi8>
// CHECK-NOT: graph.cast %cst
func.func @cast() -> (tensor<3xi64>, tensor<2xf32>, tensor<1xi64>, tensor<3xi1>, tensor<2xi8>) {
  %f = graph.constant dense<[-2.7, 2.5, 0.2]> : tensor<3xf32>
  %a = graph.cast %f {to = i64} : (tensor<3xf32>) -> tensor<3xi64>
  %i = graph.constant dense<[3, -1]> : tensor<2xi64>
  %b = graph.cast %i {to = f32} : (tensor<2xi64>) -> tensor<2xf32>
  %u = graph.constant dense<255> : tensor<1xui8>
  %c = graph.cast %u {to = i64} : (tensor<1xui8>) -> tensor<1xi64>
  %j = graph.constant dense<[5, 0, -1]> : tensor<3xi64>
  %d = graph.cast %j {to = i1} : (tensor<3xi64>) -> tensor<3xi1>
  %k = graph.constant dense<[255, 256]> : tensor<2xi64>
  %e = graph.cast %k {to = i8} : (tensor<2xi64>) -> tensor<2xi8>
  return %a, %b, %c, %d, %e : tensor<3xi64>, tensor<2xf32>, tensor<1xi64>, tensor<3xi1>, tensor<2xi8>
}

// NaN has no integer value: left for run time.
// CHECK-LABEL: func.func @cast_nan
// CHECK: graph.cast
func.func @cast_nan() -> tensor<1xi64> {
  %f = graph.constant dense<0x7FC00000> : tensor<1xf32>
  %a = graph.cast %f {to = i64} : (tensor<1xf32>) -> tensor<1xi64>
  return %a : tensor<1xi64>
}

// CHECK-LABEL: func.func @slice
// CHECK-DAG: graph.constant dense<[1, 3]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[4, 3, 2, 1, 0]> : tensor<5xi64>
// CHECK-DAG: graph.constant dense<{{\[}}[2, 3], [5, 6]]> : tensor<2x2xi64>
// CHECK-DAG: graph.constant dense<[4, 5]> : tensor<2xi64>
// CHECK-NOT: graph.slice
func.func @slice(%x: tensor<1x3x4x5xf32>) -> (tensor<2xi64>, tensor<5xi64>, tensor<2x2xi64>, tensor<2xi64>) {
  %v = graph.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
  %zero = graph.constant dense<[0]> : tensor<1xi64>
  %one = graph.constant dense<[1]> : tensor<1xi64>
  %m1 = graph.constant dense<[-1]> : tensor<1xi64>
  %two = graph.constant dense<[2]> : tensor<1xi64>
  %a = graph.slice %v, %one, %m1, %zero, %two : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // Reversed with the exporter's sentinels (INT64_MAX start, INT64_MIN end).
  %big = graph.constant dense<[9223372036854775807]> : tensor<1xi64>
  %small = graph.constant dense<[-9223372036854775808]> : tensor<1xi64>
  %b = graph.slice %v, %big, %small, %zero, %m1 : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xi64>
  %m = graph.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %c = graph.slice %m, %one, %big, %one, %one : (tensor<2x3xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x2xi64>
  // The spatial dimensions of a shape: Shape -> Slice.
  %s = graph.shape %x : (tensor<1x3x4x5xf32>) -> tensor<4xi64>
  %d = graph.slice %s, %two, %big, %zero, %one : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %a, %b, %c, %d : tensor<2xi64>, tensor<5xi64>, tensor<2x2xi64>, tensor<2xi64>
}

// Integer arithmetic broadcasts; division truncates toward zero.
// CHECK-LABEL: func.func @arithmetic
// CHECK-DAG: graph.constant dense<[11, 12, 13]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<[-9, -8, -7]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<{{\[}}[2, 4, 6], [-2, -4, -6]]> : tensor<2x3xi64>
// CHECK-DAG: graph.constant dense<[-3, 3, 0]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<[10, 10, 30]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<[1, -7, 3]> : tensor<3xi64>
// CHECK-DAG: graph.constant dense<200> : tensor<2xui8>
// CHECK-DAG: graph.constant dense<[1.500000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-NOT: graph.add
// CHECK-NOT: graph.sub
// CHECK-NOT: graph.mul
// CHECK-NOT: graph.div
// CHECK-NOT: graph.max
// CHECK-NOT: graph.min
func.func @arithmetic() -> (tensor<3xi64>, tensor<3xi64>, tensor<2x3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xui8>, tensor<2xf32>) {
  %v = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %ten = graph.constant dense<10> : tensor<i64>
  %add = graph.add %v, %ten : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %sub = graph.sub %v, %ten : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %col = graph.constant dense<[[2], [-2]]> : tensor<2x1xi64>
  %mul = graph.mul %col, %v : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %n = graph.constant dense<[-7, 7, 1]> : tensor<3xi64>
  %d = graph.constant dense<[2, 2, 2]> : tensor<3xi64>
  %div = graph.div %n, %d : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %w = graph.constant dense<[10, 2, 30]> : tensor<3xi64>
  %z = graph.constant dense<[1, -7, 10]> : tensor<3xi64>
  %max = graph.max %w, %ten : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %min = graph.min %z, %v : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  // Unsigned: 200 is larger than 100.
  %u = graph.constant dense<[200, 100]> : tensor<2xui8>
  %u2 = graph.constant dense<[100, 200]> : tensor<2xui8>
  %umax = graph.max %u, %u2 : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %f = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %h = graph.constant dense<1.5> : tensor<f32>
  %fmul = graph.mul %f, %h : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %add, %sub, %mul, %div, %max, %min, %umax, %fmul : tensor<3xi64>, tensor<3xi64>, tensor<2x3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xui8>, tensor<2xf32>
}

// Division by zero traps at run time; the folder leaves it there.
// CHECK-LABEL: func.func @div_by_zero
// CHECK: graph.div
func.func @div_by_zero() -> tensor<2xi64> {
  %n = graph.constant dense<[1, 2]> : tensor<2xi64>
  %d = graph.constant dense<[1, 0]> : tensor<2xi64>
  %r = graph.div %n, %d : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// CHECK-LABEL: func.func @compare_and_where
// CHECK-DAG: graph.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-DAG: graph.constant dense<[1, -1, -1]> : tensor<3xi64>
// CHECK-NOT: graph.equal
// CHECK-NOT: graph.less
// CHECK-NOT: graph.greater
// CHECK-NOT: graph.where
func.func @compare_and_where() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi64>) {
  %a = graph.constant dense<[1, 2, 3]> : tensor<3xi64>
  %two = graph.constant dense<2> : tensor<i64>
  %eq = graph.equal %a, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %lt = graph.less %a, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %gt = graph.greater %a, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %le = graph.less_or_equal %a, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %ge = graph.greater_or_equal %a, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  // PyTorch's "dimension or -1" idiom: Where(Equal(x, k), ..., ...).
  %m1 = graph.constant dense<-1> : tensor<i64>
  %w = graph.where %lt, %a, %m1 : (tensor<3xi1>, tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  return %eq, %lt, %gt, %le, %ge, %w : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi64>
}

// A uniform condition selects a side even when it is not constant.
// CHECK-LABEL: func.func @where_uniform(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>)
// CHECK-NEXT: return %arg1
func.func @where_uniform(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
  %c = graph.constant dense<false> : tensor<3xi1>
  %w = graph.where %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %w : tensor<3xf32>
}

// Splats fold at any size; other results only when small.
// CHECK-LABEL: func.func @constant_of_shape_range_size
// CHECK-DAG: graph.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-DAG: graph.constant dense<1> : tensor<1000x1000xi64>
// CHECK-DAG: graph.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CHECK-DAG: graph.constant dense<[10, 7, 4]> : tensor<3xi32>
// CHECK-DAG: graph.constant dense<[5.000000e-01, 7.500000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK-DAG: graph.constant dense<24> : tensor<i64>
// CHECK: graph.range {{.*}} -> tensor<2000xi64>
// CHECK-NOT: graph.constant_of_shape
// CHECK-NOT: graph.size
func.func @constant_of_shape_range_size(%x: tensor<2x3x4xf32>) -> (tensor<2x3xf32>, tensor<1000x1000xi64>, tensor<5xi64>, tensor<3xi32>, tensor<3xf32>, tensor<i64>, tensor<2000xi64>) {
  %s = graph.constant dense<[2, 3]> : tensor<2xi64>
  %z = graph.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x3xf32>
  %big = graph.constant dense<[1000, 1000]> : tensor<2xi64>
  %ones = graph.constant_of_shape %big {value = dense<1> : tensor<1xi64>} : (tensor<2xi64>) -> tensor<1000x1000xi64>
  %start = graph.constant dense<0> : tensor<i64>
  %limit = graph.constant dense<5> : tensor<i64>
  %delta = graph.constant dense<1> : tensor<i64>
  %r = graph.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  %s2 = graph.constant dense<10> : tensor<i32>
  %l2 = graph.constant dense<2> : tensor<i32>
  %d2 = graph.constant dense<-3> : tensor<i32>
  %down = graph.range %s2, %l2, %d2 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
  %fs = graph.constant dense<0.5> : tensor<f32>
  %fl = graph.constant dense<1.1> : tensor<f32>
  %fd = graph.constant dense<0.25> : tensor<f32>
  %fr = graph.range %fs, %fl, %fd : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  %n = graph.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  %bl = graph.constant dense<2000> : tensor<i64>
  %long = graph.range %start, %bl, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2000xi64>
  return %z, %ones, %r, %down, %fr, %n, %long : tensor<2x3xf32>, tensor<1000x1000xi64>, tensor<5xi64>, tensor<3xi32>, tensor<3xf32>, tensor<i64>, tensor<2000xi64>
}

// CHECK-LABEL: func.func @dynamic_size
// CHECK: graph.size
func.func @dynamic_size(%x: tensor<?x3xf32>) -> tensor<i64> {
  %n = graph.size %x : (tensor<?x3xf32>) -> tensor<i64>
  return %n : tensor<i64>
}

// CHECK-LABEL: func.func @unary
// CHECK-DAG: graph.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: graph.constant dense<[-3, 4]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG: graph.constant dense<[2.500000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NOT: graph.not
// CHECK-NOT: graph.neg
// CHECK-NOT: graph.abs
func.func @unary() -> (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xf32>) {
  %b = graph.constant dense<[true, false]> : tensor<2xi1>
  %not = graph.not %b : tensor<2xi1>
  %i = graph.constant dense<[3, -4]> : tensor<2xi64>
  %neg = graph.neg %i : tensor<2xi64>
  %abs = graph.abs %i : tensor<2xi64>
  %f = graph.constant dense<[-2.5, -0.0]> : tensor<2xf32>
  %fabs = graph.abs %f : tensor<2xf32>
  return %not, %neg, %abs, %fabs : tensor<2xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xf32>
}

// Large non-splat constants are never copied into folded results.
// CHECK-LABEL: func.func @no_weight_copies
// CHECK: graph.reshape
func.func @no_weight_copies() -> tensor<1x2000xi64> {
  %r = graph.constant dense<0> : tensor<i64>
  %l = graph.constant dense<2000> : tensor<i64>
  %d = graph.constant dense<1> : tensor<i64>
  %v = graph.range %r, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2000xi64>
  %s = graph.constant dense<[1, 2000]> : tensor<2xi64>
  %w = graph.reshape %v, %s : (tensor<2000xi64>, tensor<2xi64>) -> tensor<1x2000xi64>
  return %w : tensor<1x2000xi64>
}

// The full chain torch.flatten(x, 1) / x.view(x.size(0), -1) exports:
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape. The shape operand folds
// to a constant and shape refinement makes the reshape static.
// CHECK-LABEL: func.func @pytorch_view
// CHECK: %[[SHAPE:.+]] = graph.constant dense<[2, -1]> : tensor<2xi64>
// CHECK: graph.reshape %arg0, %[[SHAPE]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
// CHAIN-LABEL: func.func @pytorch_view(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHAIN: %[[SHAPE:.+]] = graph.constant dense<[2, -1]> : tensor<2xi64>
// CHAIN-NEXT: %[[R:.+]] = graph.reshape %arg0, %[[SHAPE]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
// CHAIN-NEXT: return %[[R]] : tensor<2x12xf32>
func.func @pytorch_view(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %s = graph.shape %x : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %i0 = graph.constant dense<0> : tensor<i64>
  %d0 = graph.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %u0 = graph.unsqueeze %d0, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = graph.constant dense<[-1]> : tensor<1xi64>
  %cat = graph.concat %u0, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = graph.reshape %x, %cat : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// Attention-style head split: the batch and sequence dimensions come from
// Shape -> Gather, the head count from integer division, and Cast / Mul /
// Slice appear on the way (as in exported transformer blocks).
// CHAIN-LABEL: func.func @pytorch_heads(%arg0: tensor<2x8x64xf32>) -> tensor<2x8x4x16xf32>
// CHAIN: %[[SHAPE:.+]] = graph.constant dense<[2, 8, 4, 16]> : tensor<4xi64>
// CHAIN-NEXT: %[[R:.+]] = graph.reshape %arg0, %[[SHAPE]] : (tensor<2x8x64xf32>, tensor<4xi64>) -> tensor<2x8x4x16xf32>
// CHAIN-NEXT: return %[[R]]
func.func @pytorch_heads(%x: tensor<2x8x64xf32>) -> tensor<?x?x?x?xf32> {
  %s = graph.shape %x : (tensor<2x8x64xf32>) -> tensor<3xi64>
  %start = graph.constant dense<[0]> : tensor<1xi64>
  %end = graph.constant dense<[2]> : tensor<1xi64>
  %axis = graph.constant dense<[0]> : tensor<1xi64>
  %step = graph.constant dense<[1]> : tensor<1xi64>
  %bs = graph.slice %s, %start, %end, %axis, %step : (tensor<3xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %i2 = graph.constant dense<2> : tensor<i64>
  %hidden = graph.gather %s, %i2 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %headDim = graph.constant dense<16> : tensor<i64>
  %heads = graph.div %hidden, %headDim : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %headsF = graph.cast %heads {to = f32} : (tensor<i64>) -> tensor<f32>
  %one = graph.constant dense<1.0> : tensor<f32>
  %headsF1 = graph.mul %headsF, %one : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %headsI = graph.cast %headsF1 {to = i64} : (tensor<f32>) -> tensor<i64>
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %h1 = graph.unsqueeze %headsI, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %d1 = graph.unsqueeze %headDim, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %cat = graph.concat %bs, %h1, %d1 {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %r = graph.reshape %x, %cat : (tensor<2x8x64xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}
