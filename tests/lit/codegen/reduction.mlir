// RUN: kiln-opt %s -split-input-file -verify-diagnostics --kiln-lower-graph-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @sum_keepdims
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[SUM:.+]] = linalg.reduce ins(%arg0 : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>) dimensions = [1]
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[SUM]] {{\[}}[0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
func.func @sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_sum %x, %axes {keepdims = true} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  return %r : tensor<2x1x4xf32>
}

// -----

// Empty axes reduce everything; negative axes count from the back.
// CHECK-LABEL: func.func @sum_all
// CHECK: linalg.reduce ins(%arg0 : tensor<2x3xi32>) outs(%{{.+}} : tensor<i32>) dimensions = [0, 1]
// CHECK: arith.addi
// CHECK-NOT: tensor.expand_shape
// CHECK-LABEL: func.func @max_negative_axis
// CHECK: %[[LOWEST:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[LOWEST]] : f32)
// CHECK: linalg.reduce ins(%arg0 : tensor<2x3xf32>) outs(%{{.+}} : tensor<2xf32>) dimensions = [1]
// CHECK: arith.maximumf
func.func @sum_all(%x: tensor<2x3xi32>) -> tensor<i32> {
  %axes = graph.constant dense<> : tensor<0xi64>
  %r = graph.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3xi32>, tensor<0xi64>) -> tensor<i32>
  return %r : tensor<i32>
}
func.func @max_negative_axis(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[-1]> : tensor<1xi64>
  %r = graph.reduce_max %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// noop_with_empty_axes makes an empty reduction the identity.
// CHECK-LABEL: func.func @noop
// CHECK-NOT: linalg
// CHECK: return %arg0 : tensor<2x3xf32>
func.func @noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %axes = graph.constant dense<> : tensor<0xi64>
  %r = graph.reduce_l2 %x, %axes {keepdims = true, noop_with_empty_axes = true} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Unsigned min starts at the largest unsigned value and compares unsigned.
// CHECK-LABEL: func.func @min_unsigned(%arg0: tensor<4x5xi8>
// CHECK: %[[HIGHEST:.+]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[HIGHEST]] : i8)
// CHECK: linalg.reduce
// CHECK: arith.minui
// CHECK-LABEL: func.func @max_signed
// CHECK: arith.constant -128 : i8
// CHECK: arith.maxsi
// CHECK-LABEL: func.func @min_float
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
func.func @min_unsigned(%x: tensor<4x5xui8>) -> tensor<5xui8> {
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.reduce_min %x, %axes {keepdims = false} : (tensor<4x5xui8>, tensor<1xi64>) -> tensor<5xui8>
  return %r : tensor<5xui8>
}
func.func @max_signed(%x: tensor<4x5xi8>) -> tensor<5xi8> {
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.reduce_max %x, %axes {keepdims = false} : (tensor<4x5xi8>, tensor<1xi64>) -> tensor<5xi8>
  return %r : tensor<5xi8>
}
func.func @min_float(%x: tensor<4x5xf32>) -> tensor<5xf32> {
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.reduce_min %x, %axes {keepdims = false} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @mean_float
// CHECK: linalg.reduce
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.constant 8.000000e+00 : f32
// CHECK: arith.divf
func.func @mean_float(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %axes = graph.constant dense<[0, 2]> : tensor<2xi64>
  %r = graph.reduce_mean %x, %axes {keepdims = false} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// Integer means accumulate in i64 so the sum cannot wrap before dividing.
// CHECK-LABEL: func.func @mean_int
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK-SAME: ins(%arg0 : tensor<3x2xi32>) outs(%{{.+}} : tensor<2xi64>)
// CHECK: arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.addi
// CHECK: arith.constant 3 : i64
// CHECK: arith.divsi
// CHECK: arith.trunci %{{.+}} : i64 to i32
// CHECK-LABEL: func.func @mean_unsigned
// CHECK: arith.extui %{{.+}} : i8 to i64
func.func @mean_int(%x: tensor<3x2xi32>) -> tensor<1x2xi32> {
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.reduce_mean %x, %axes {keepdims = true} : (tensor<3x2xi32>, tensor<1xi64>) -> tensor<1x2xi32>
  return %r : tensor<1x2xi32>
}
func.func @mean_unsigned(%x: tensor<3x2xui8>) -> tensor<2xui8> {
  %axes = graph.constant dense<[0]> : tensor<1xi64>
  %r = graph.reduce_mean %x, %axes {keepdims = false} : (tensor<3x2xui8>, tensor<1xi64>) -> tensor<2xui8>
  return %r : tensor<2xui8>
}

// -----

// CHECK-LABEL: func.func @prod
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: linalg.reduce
// CHECK: arith.mulf
// CHECK-LABEL: func.func @l1
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: math.absf
// CHECK: arith.addf
// CHECK-LABEL: func.func @l1_int
// CHECK: math.absi
// CHECK: arith.addi
// CHECK-LABEL: func.func @sum_square
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: %[[SQ:.+]] = arith.mulf %[[X:.+]], %[[X]] : f32
// CHECK: arith.addf %[[SQ]]
// CHECK-LABEL: func.func @l2
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: math.sqrt
// CHECK-LABEL: func.func @log_sum
// CHECK: linalg.reduce
// CHECK: math.log
func.func @prod(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_prod %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @l1(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_l1 %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @l1_int(%x: tensor<2x3xi64>) -> tensor<2xi64> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_l1 %x, %axes {keepdims = false} : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}
func.func @sum_square(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_sum_square %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @l2(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_l2 %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @log_sum(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_log_sum %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// LogSumExp subtracts the (finite) max before exp and adds it back after log.
// CHECK-LABEL: func.func @log_sum_exp
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x3xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.+]] = linalg.generic {{.*}} ins(%[[MAX]] : tensor<2xf32>)
// CHECK: math.absf
// CHECK: arith.select
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}} ins(%arg0, %[[SHIFT]] : tensor<2x3xf32>, tensor<2xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[SHIFT]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: math.log
// CHECK: arith.addf
func.func @log_sum_exp(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_log_sum_exp %x, %axes {keepdims = false} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Half-precision sums accumulate in f32 and round once at the end.
// CHECK-LABEL: func.func @sum_f16
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<2xf32>)
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @sum_f16(%x: tensor<2x3xf16>) -> tensor<2xf16> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  %r = graph.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3xf16>, tensor<1xi64>) -> tensor<2xf16>
  return %r : tensor<2xf16>
}

// -----

// CHECK-LABEL: func.func @arg_max
// CHECK: %[[LOWEST:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[VALUES:.+]] = linalg.fill ins(%[[LOWEST]] : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK: %[[INDICES:.+]] = linalg.fill ins(%[[ZERO]] : i64) outs(%{{.+}} : tensor<2x4xi64>)
// CHECK: %[[R:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%arg0 : tensor<2x3x4xf32>) outs(%[[VALUES]], %[[INDICES]] : tensor<2x4xf32>, tensor<2x4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: linalg.index 1 : index
// CHECK: arith.index_cast
// CHECK: tensor.expand_shape %[[R]]#1 {{\[}}[0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xi64> into tensor<2x1x4xi64>
func.func @arg_max(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %r = graph.arg_max %x {axis = 1 : i64, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %r : tensor<2x1x4xi64>
}

// -----

// select_last_index turns the strict comparison into a non-strict one.
// CHECK-LABEL: func.func @arg_min_last
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.cmpf ole
// CHECK-LABEL: func.func @arg_max_unsigned
// CHECK: arith.constant 0 : i8
// CHECK: arith.cmpi ugt
// CHECK-LABEL: func.func @arg_min_signed_last
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.cmpi sle
func.func @arg_min_last(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %r = graph.arg_min %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}
func.func @arg_max_unsigned(%x: tensor<2x3xui8>) -> tensor<3xi64> {
  %r = graph.arg_max %x {axis = 0 : i64, keepdims = false} : (tensor<2x3xui8>) -> tensor<3xi64>
  return %r : tensor<3xi64>
}
func.func @arg_min_signed_last(%x: tensor<2x3xi32>) -> tensor<3xi64> {
  %r = graph.arg_min %x {axis = 0 : i64, keepdims = false, select_last_index = true} : (tensor<2x3xi32>) -> tensor<3xi64>
  return %r : tensor<3xi64>
}

// -----

// Without keepdims, which dimension goes is data-dependent ([2x2] -> [2] either way).
func.func @runtime_axes(%x: tensor<2x2xf32>, %axes: tensor<1xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{reduction axes must be a constant for code generation}}
  // expected-error @+1 {{failed to legalize operation 'graph.reduce_sum'}}
  %r = graph.reduce_sum %x, %axes {keepdims = false} : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @bool_sum(%x: tensor<2x3xi1>) -> tensor<2xi1> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  // expected-error @+2 {{reduction of i1 (bool) tensors is supported only for reduce_max and reduce_min}}
  // expected-error @+1 {{failed to legalize operation 'graph.reduce_sum'}}
  %r = graph.reduce_sum %x, %axes {keepdims = false} : (tensor<2x3xi1>, tensor<1xi64>) -> tensor<2xi1>
  return %r : tensor<2xi1>
}

// -----

func.func @dynamic(%x: tensor<?x3xf32>) -> tensor<?xf32> {
  %axes = graph.constant dense<[1]> : tensor<1xi64>
  // expected-error @+2 {{has a dynamic shape; code generation needs static shapes}}
  // expected-error @+1 {{failed to legalize operation 'graph.reduce_max'}}
  %r = graph.reduce_max %x, %axes {keepdims = false} : (tensor<?x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// Axes computed at run time need not be read when the types decide them:
// with keepdims, exactly the dimensions that shrink to 1 are reduced.
// CHECK-LABEL: func.func @runtime_axes_keepdims
func.func @runtime_axes_keepdims(%x: tensor<3x2x2xf32>, %axes: tensor<1xi64>) -> tensor<3x1x2xf32> {
  // CHECK: linalg.reduce
  // CHECK-SAME: dimensions = [1]
  %r = graph.reduce_sum %x, %axes {keepdims = true, noop_with_empty_axes = false} : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x1x2xf32>
  return %r : tensor<3x1x2xf32>
}
