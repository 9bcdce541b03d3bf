// RUN: kiln-opt %s -split-input-file -verify-diagnostics --kiln-lower-graph-to-linalg | FileCheck %s

// A unary math op is one identity-mapped linalg.generic around the math op.
// CHECK-LABEL: func.func @exp
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%arg0 : tensor<2x3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: math.exp %{{.+}} : f32
func.func @exp(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = graph.exp %x : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Round is half-to-even; half-precision math is computed in f32.
// CHECK-LABEL: func.func @round_f16
// CHECK: %[[WIDE:.+]] = arith.extf %{{.+}} : f16 to f32
// CHECK: %[[ROUNDED:.+]] = math.roundeven %[[WIDE]] : f32
// CHECK: arith.truncf %[[ROUNDED]] : f32 to f16
func.func @round_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %r = graph.round %x : tensor<4xf16>
  return %r : tensor<4xf16>
}

// -----

// Sigmoid goes through exp(-|x|) so that neither branch overflows.
// CHECK-LABEL: func.func @sigmoid
// CHECK: %[[ABS:.+]] = math.absf
// CHECK: %[[NEG:.+]] = arith.negf %[[ABS]]
// CHECK: %[[E:.+]] = math.exp %[[NEG]]
// CHECK: %[[DEN:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK: %[[POS:.+]] = arith.divf %{{.+}}, %[[DEN]]
// CHECK: %[[NEGATIVE:.+]] = arith.divf %[[E]], %[[DEN]]
// CHECK: %[[GE:.+]] = arith.cmpf oge
// CHECK: arith.select %[[GE]], %[[POS]], %[[NEGATIVE]]
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.sigmoid %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @leaky_relu
// CHECK: %[[ALPHA:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[SCALED:.+]] = arith.mulf %[[ALPHA]], %[[IN:.+]] : f32
// CHECK: %[[LT:.+]] = arith.cmpf olt, %[[IN]]
// CHECK: arith.select %[[LT]], %[[SCALED]], %[[IN]]
func.func @leaky_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.leaky_relu %x {alpha = 0.25 : f32} : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Relu keeps NaN (maximumf); on unsigned integers it is the identity.
// CHECK-LABEL: func.func @relu_float
// CHECK: arith.maximumf
// CHECK-LABEL: func.func @relu_unsigned(%arg0: tensor<4xi8>
// CHECK: ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
// CHECK-NEXT: linalg.yield %[[IN]] : i8
func.func @relu_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.relu %x : tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @relu_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  %r = graph.relu %x : tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// Broadcasting reads size-1 dimensions at index 0 and aligns trailing dims.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x1x4xf32>, tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %r = graph.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @div_signed
// CHECK: arith.divsi
// CHECK-LABEL: func.func @div_unsigned(%arg0: tensor<4xi32>
// CHECK: arith.divui
// CHECK-LABEL: func.func @max_unsigned
// CHECK: arith.maxui
// CHECK-LABEL: func.func @min_float
// CHECK: arith.minimumf
func.func @div_signed(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %r = graph.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
func.func @div_unsigned(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %r = graph.div %a, %b : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %r : tensor<4xui32>
}
func.func @max_unsigned(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %r = graph.max %a, %b : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %r : tensor<4xui32>
}
func.func @min_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Integer Mod (fmod = 0) moves a remainder whose sign differs from the
// divisor's by one divisor, like Python; fmod = 1 is C's remainder.
// CHECK-LABEL: func.func @mod_python
// CHECK: %[[REM:.+]] = arith.remsi %[[A:.+]], %[[B:.+]] : i32
// CHECK: %[[XOR:.+]] = arith.xori %[[REM]], %[[B]]
// CHECK: %[[DIFFER:.+]] = arith.cmpi slt, %[[XOR]]
// CHECK: %[[NONZERO:.+]] = arith.cmpi ne, %[[REM]]
// CHECK: %[[FIX:.+]] = arith.andi %[[NONZERO]], %[[DIFFER]]
// CHECK: %[[SUM:.+]] = arith.addi %[[REM]], %[[B]]
// CHECK: arith.select %[[FIX]], %[[SUM]], %[[REM]]
// CHECK-LABEL: func.func @mod_c
// CHECK: %[[R:.+]] = arith.remf
// CHECK-NEXT: linalg.yield %[[R]]
func.func @mod_python(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %r = graph.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
func.func @mod_c(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.mod %a, %b {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A float base takes an integer exponent through sitofp; integer bases are
// raised exactly by repeated squaring.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @pow_float_int
// CHECK: ins(%arg0, %arg1 : tensor<4xf32>, tensor<i64>)
// CHECK: %[[E:.+]] = arith.sitofp %{{.+}} : i64 to f32
// CHECK: math.powf %{{.+}}, %[[E]] : f32
// CHECK-LABEL: func.func @pow_int
// CHECK: scf.while
// CHECK: arith.muli
// CHECK: arith.shrui
// CHECK: scf.yield
func.func @pow_float_int(%a: tensor<4xf32>, %b: tensor<i64>) -> tensor<4xf32> {
  %r = graph.pow %a, %b : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @pow_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %r = graph.pow %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// The slope broadcasts to the input's shape.
// CHECK-DAG: #[[SLOPE:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @prelu
// CHECK: ins(%arg0, %arg1 : tensor<1x2x3xf32>, tensor<2x1xf32>) outs(%{{.+}} : tensor<1x2x3xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[LT:.+]] = arith.cmpf olt, %[[X]]
// CHECK: %[[SCALED:.+]] = arith.mulf %[[S]], %[[X]]
// CHECK: arith.select %[[LT]], %[[SCALED]], %[[X]]
func.func @prelu(%x: tensor<1x2x3xf32>, %s: tensor<2x1xf32>) -> tensor<1x2x3xf32> {
  %r = graph.prelu %x, %s : (tensor<1x2x3xf32>, tensor<2x1xf32>) -> tensor<1x2x3xf32>
  return %r : tensor<1x2x3xf32>
}

// -----

// Shift amounts of the bit width or more give 0 instead of poison.
// CHECK-LABEL: func.func @shift_right
// CHECK: %[[WIDTH:.+]] = arith.constant 8 : i8
// CHECK: %[[OK:.+]] = arith.cmpi ult, %[[AMOUNT:.+]], %[[WIDTH]]
// CHECK: %[[SHIFTED:.+]] = arith.shrui %{{.+}}, %[[AMOUNT]]
// CHECK: arith.select %[[OK]], %[[SHIFTED]]
// CHECK-LABEL: func.func @shift_left
// CHECK: arith.shli
func.func @shift_right(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %r = graph.bit_shift %a, %b {shift_left = false} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}
func.func @shift_left(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %r = graph.bit_shift %a, %b {shift_left = true} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @less_float
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<4xi1>)
// CHECK: arith.cmpf olt
// CHECK-LABEL: func.func @greater_unsigned
// CHECK: arith.cmpi ugt
// CHECK-LABEL: func.func @less_or_equal_signed
// CHECK: arith.cmpi sle
// CHECK-LABEL: func.func @equal_bool
// CHECK: arith.cmpi eq
func.func @less_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %r = graph.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @greater_unsigned(%a: tensor<4xui16>, %b: tensor<4xui16>) -> tensor<4xi1> {
  %r = graph.greater %a, %b : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @less_or_equal_signed(%a: tensor<4xi64>, %b: tensor<i64>) -> tensor<4xi1> {
  %r = graph.less_or_equal %a, %b : (tensor<4xi64>, tensor<i64>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @equal_bool(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  %r = graph.equal %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @logic
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: arith.xori
// CHECK: %[[TRUE:.+]] = arith.constant true
// CHECK: arith.xori %{{.+}}, %[[TRUE]]
func.func @logic(%a: tensor<4xi1>, %b: tensor<i1>) -> tensor<4xi1> {
  %0 = graph.and %a, %b : (tensor<4xi1>, tensor<i1>) -> tensor<4xi1>
  %1 = graph.or %0, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = graph.xor %1, %b : (tensor<4xi1>, tensor<i1>) -> tensor<4xi1>
  %3 = graph.not %2 : tensor<4xi1>
  return %3 : tensor<4xi1>
}

// -----

// Where broadcasts all three operands.
// CHECK-DAG: #[[COND:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @where
// CHECK: linalg.generic {indexing_maps = [#[[COND]], #[[LHS]], #[[RHS]], #[[OUT]]]
// CHECK: ^bb0(%[[C:.+]]: i1, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK: arith.select %[[C]], %[[A]], %[[B]] : f32
func.func @where(%c: tensor<2x1xi1>, %a: tensor<3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
  %r = graph.where %c, %a, %b : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Clip bounds may be computed at run time; one-element bounds of any shape
// become rank-0 operands of the generic.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @clip
// CHECK: %[[HI:.+]] = tensor.collapse_shape %arg2 [] : tensor<1xf32> into tensor<f32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0, %arg1, %[[HI]] : tensor<4xf32>, tensor<f32>, tensor<f32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[L:.+]]: f32, %[[H:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[LOWERED:.+]] = arith.maximumf %[[X]], %[[L]]
// CHECK: arith.minimumf %[[LOWERED]], %[[H]]
// CHECK-LABEL: func.func @clip_unsigned
// CHECK: arith.maxui
// CHECK: arith.minui
func.func @clip(%x: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<1xf32>) -> tensor<4xf32> {
  %r = graph.clip %x, %lo, %hi : (tensor<4xf32>, tensor<f32>, tensor<1xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @clip_unsigned(%x: tensor<4xui8>, %lo: tensor<ui8>, %hi: tensor<ui8>) -> tensor<4xui8> {
  %r = graph.clip %x, %lo, %hi : (tensor<4xui8>, tensor<ui8>, tensor<ui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @is_nan
// CHECK: arith.cmpf uno, %[[X:.+]], %[[X]]
// CHECK-LABEL: func.func @is_inf_positive
// CHECK: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK: arith.cmpf oeq, %{{.+}}, %[[INF]]
// CHECK-LABEL: func.func @is_inf_both
// CHECK: %[[ABS:.+]] = math.absf
// CHECK: arith.cmpf oeq, %[[ABS]]
func.func @is_nan(%x: tensor<4xf32>) -> tensor<4xi1> {
  %r = graph.is_nan %x : (tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @is_inf_positive(%x: tensor<4xf32>) -> tensor<4xi1> {
  %r = graph.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @is_inf_both(%x: tensor<4xf32>) -> tensor<4xi1> {
  %r = graph.is_inf %x : (tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// Float to narrow integers goes through i64 so out-of-range values wrap;
// unsigned sources convert as unsigned; to-bool is `!= 0` (NaN is true).
// CHECK-LABEL: func.func @cast_f32_ui8
// CHECK: %[[WIDE:.+]] = arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.trunci %[[WIDE]] : i64 to i8
// CHECK-LABEL: func.func @cast_ui8_f32
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK-LABEL: func.func @cast_f32_bool
// CHECK: arith.cmpf une
// CHECK-LABEL: func.func @cast_f16_bf16
// CHECK: %[[F32:.+]] = arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %[[F32]] : f32 to bf16
func.func @cast_f32_ui8(%x: tensor<4xf32>) -> tensor<4xui8> {
  %r = graph.cast %x {to = ui8} : (tensor<4xf32>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}
func.func @cast_ui8_f32(%x: tensor<4xui8>) -> tensor<4xf32> {
  %r = graph.cast %x {to = f32} : (tensor<4xui8>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @cast_f32_bool(%x: tensor<4xf32>) -> tensor<4xi1> {
  %r = graph.cast %x {to = i1} : (tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}
func.func @cast_f16_bf16(%x: tensor<4xf16>) -> tensor<4xbf16> {
  %r = graph.cast %x {to = bf16} : (tensor<4xf16>) -> tensor<4xbf16>
  return %r : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-NEXT: return %arg0 : tensor<4xf32>
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.identity %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{has a dynamic shape; code generation needs static shapes}}
  // expected-error @+1 {{failed to legalize operation 'graph.tanh'}}
  %r = graph.tanh %x : tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

func.func @complex_where(%c: tensor<4xi1>, %a: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  // expected-error @+2 {{cannot generate code for a result of type 'tensor<4xcomplex<f32>>' (only integer and float elements)}}
  // expected-error @+1 {{failed to legalize operation 'graph.where'}}
  %r = graph.where %c, %a, %a : (tensor<4xi1>, tensor<4xcomplex<f32>>, tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  return %r : tensor<4xcomplex<f32>>
}
