//===- GraphElementwiseOps.td - elementwise graph ops ------------*- tablegen -*-===//
//
// Unary math and activations, broadcasting binary arithmetic, comparisons and
// logic, Where, Clip and Cast.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHELEMENTWISEOPS_TD
#define KILN_IR_GRAPHELEMENTWISEOPS_TD

include "ir/GraphBase.td"

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

def Graph_ExpOp : Graph_FloatUnaryOp<"exp", "exp(x)">;
def Graph_LogOp : Graph_FloatUnaryOp<"log", "log(x)">;
def Graph_SqrtOp : Graph_FloatUnaryOp<"sqrt", "sqrt(x)">;
def Graph_ReciprocalOp : Graph_FloatUnaryOp<"reciprocal", "1 / x">;
def Graph_FloorOp : Graph_FloatUnaryOp<"floor", "floor(x)">;
def Graph_CeilOp : Graph_FloatUnaryOp<"ceil", "ceil(x)">;
def Graph_RoundOp : Graph_FloatUnaryOp<"round", "round half to even(x)">;
def Graph_ErfOp : Graph_FloatUnaryOp<"erf", "erf(x)">;
def Graph_SinOp : Graph_FloatUnaryOp<"sin", "sin(x)">;
def Graph_CosOp : Graph_FloatUnaryOp<"cos", "cos(x)">;
def Graph_TanOp : Graph_FloatUnaryOp<"tan", "tan(x)">;
def Graph_AsinOp : Graph_FloatUnaryOp<"asin", "asin(x)">;
def Graph_AcosOp : Graph_FloatUnaryOp<"acos", "acos(x)">;
def Graph_AtanOp : Graph_FloatUnaryOp<"atan", "atan(x)">;
def Graph_SinhOp : Graph_FloatUnaryOp<"sinh", "sinh(x)">;
def Graph_CoshOp : Graph_FloatUnaryOp<"cosh", "cosh(x)">;
def Graph_AsinhOp : Graph_FloatUnaryOp<"asinh", "asinh(x)">;
def Graph_AcoshOp : Graph_FloatUnaryOp<"acosh", "acosh(x)">;
def Graph_AtanhOp : Graph_FloatUnaryOp<"atanh", "atanh(x)">;

def Graph_AbsOp : Graph_UnaryOp<"abs", Graph_NumericTensor> {
  let description = "Elementwise absolute value.";
  let hasFolder = 1;
}
def Graph_NegOp : Graph_UnaryOp<"neg", Graph_NumericTensor> {
  let description = "Elementwise negation.";
  let hasFolder = 1;
}
def Graph_SignOp : Graph_UnaryOp<"sign", Graph_NumericTensor> {
  let description = "Elementwise sign: -1, 0 or 1.";
}
def Graph_NotOp : Graph_UnaryOp<"not", Graph_BoolTensor> {
  let description = "Elementwise logical negation of an `i1` tensor.";
  let hasFolder = 1;
}
def Graph_IdentityOp : Graph_UnaryOp<"identity", Graph_Tensor> {
  let description = [{
    Returns its input. Kept so that graph outputs that alias inputs or other
    outputs stay distinct values; canonicalization removes the rest.
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def Graph_ReluOp : Graph_UnaryOp<"relu", Graph_NumericTensor> {
  let description = "Elementwise `max(x, 0)`.";
}
def Graph_SigmoidOp : Graph_FloatUnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Graph_TanhOp : Graph_FloatUnaryOp<"tanh", "tanh(x)">;
def Graph_SoftplusOp : Graph_FloatUnaryOp<"softplus", "log(exp(x) + 1)">;
def Graph_SoftsignOp : Graph_FloatUnaryOp<"softsign", "x / (1 + |x|)">;
def Graph_HardSwishOp : Graph_FloatUnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))">;
def Graph_MishOp : Graph_FloatUnaryOp<"mish", "x * tanh(softplus(x))">;

class Graph_AlphaActivationOp<string mnemonic, string formula, string alphaDefault>
    : Graph_UnaryOp<mnemonic, Graph_FloatTensor> {
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, alphaDefault>:$alpha);
  let description = "Elementwise `" # formula # "`.\n\n```mlir\n%y = graph."
      # mnemonic # " %x {alpha = 0.1 : f32} : tensor<8xf32>\n```";
}

def Graph_LeakyReluOp : Graph_AlphaActivationOp<"leaky_relu",
    "x >= 0 ? x : alpha * x", "0.01f">;
def Graph_EluOp : Graph_AlphaActivationOp<"elu",
    "x >= 0 ? x : alpha * (exp(x) - 1)", "1.0f">;
def Graph_CeluOp : Graph_AlphaActivationOp<"celu",
    "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", "1.0f">;
def Graph_ThresholdedReluOp : Graph_AlphaActivationOp<"thresholded_relu",
    "x > alpha ? x : 0", "1.0f">;

def Graph_SeluOp : Graph_UnaryOp<"selu", Graph_FloatTensor> {
  let description = "Elementwise `x > 0 ? gamma * x : gamma * alpha * (exp(x) - 1)`.";
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.67326319217681884765625f">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.05070102214813232421875f">:$gamma);
}

def Graph_HardSigmoidOp : Graph_UnaryOp<"hard_sigmoid", Graph_FloatTensor> {
  let description = "Elementwise `max(0, min(1, alpha * x + beta))`.";
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5f">:$beta);
}

def Graph_ShrinkOp : Graph_UnaryOp<"shrink", Graph_NumericTensor> {
  let description = "Elementwise `x < -lambd ? x + bias : x > lambd ? x - bias : 0`.";
  let arguments = (ins Graph_NumericTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.0f">:$bias,
                       DefaultValuedAttr<F32Attr, "0.5f">:$lambd);
}

def Graph_ClipOp : Graph_Op<"clip", [AllTypesMatch<["input", "output"]>]> {
  let summary = "clamps every element to [min, max]";
  let description = [{
    Elementwise `min(max(x, min), max)`. `min` and `max` are scalar (rank-0)
    tensors of the input's element type. Opsets before 11 carried them as float
    attributes; absent bounds are materialized at import as the lowest/highest
    value of the element type, so both operands are always present.

    ```mlir
    %y = graph.clip %x, %lo, %hi : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Graph_NumericTensor:$input, Graph_NumericTensor:$min,
                       Graph_NumericTensor:$max);
  let results = (outs Graph_NumericTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_IsNaNOp : Graph_InferredOp<"is_nan"> {
  let summary = "elementwise test for NaN";
  let description = "Yields `i1` true where the input is NaN.";
  let arguments = (ins Graph_FloatTensor:$input);
  let results = (outs Graph_BoolTensor:$output);
}

def Graph_IsInfOp : Graph_InferredOp<"is_inf"> {
  let summary = "elementwise test for infinity";
  let description = "Yields `i1` true where the input is +inf (if `detect_positive`) or -inf (if `detect_negative`).";
  let arguments = (ins Graph_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
  let results = (outs Graph_BoolTensor:$output);
}

//===----------------------------------------------------------------------===//
// Binary arithmetic, comparison and logic
//===----------------------------------------------------------------------===//

def Graph_AddOp : Graph_ArithmeticOp<"add", "lhs + rhs", [Commutative]> {
  let hasFolder = 1;
}
def Graph_SubOp : Graph_ArithmeticOp<"sub", "lhs - rhs"> {
  let hasFolder = 1;
}
def Graph_MulOp : Graph_ArithmeticOp<"mul", "lhs * rhs", [Commutative]> {
  let hasFolder = 1;
}
def Graph_DivOp : Graph_ArithmeticOp<"div", "lhs / rhs (integers truncate)"> {
  let hasFolder = 1;
}
def Graph_MaxOp : Graph_ArithmeticOp<"max", "max(lhs, rhs)", [Commutative]> {
  let hasFolder = 1;
}
def Graph_MinOp : Graph_ArithmeticOp<"min", "min(lhs, rhs)", [Commutative]> {
  let hasFolder = 1;
}

def Graph_ModOp : Graph_ArithmeticOp<"mod", "lhs mod rhs"> {
  let arguments = (ins Graph_NumericTensor:$lhs, Graph_NumericTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
  let description = [{
    Elementwise remainder after broadcasting. With `fmod = false` (integers
    only) the result takes the sign of the divisor, like Python's `%`; with
    `fmod = true` it takes the sign of the dividend, like C's `fmod`.
  }];
  let hasFolder = 1;
}

def Graph_PowOp : Graph_BroadcastBinaryOp<"pow", Graph_NumericTensor,
                                          Graph_NumericTensor, 0, 0> {
  let summary = "elementwise power with broadcasting";
  let description = [{
    Computes `lhs ^ rhs` after broadcasting. Unlike the other arithmetic ops,
    the exponent may have a different element type; the result has the base's.

    ```mlir
    %z = graph.pow %x, %e : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
}

def Graph_PReluOp : Graph_BroadcastBinaryOp<"prelu", Graph_NumericTensor,
                                            Graph_NumericTensor, 0, 1> {
  let summary = "parametric ReLU";
  let description = [{
    `x >= 0 ? x : slope * x`, where `slope` broadcasts unidirectionally to `x`.

    ```mlir
    %y = graph.prelu %x, %slope : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
}

def Graph_BitShiftOp : Graph_ArithmeticOp<"bit_shift", "lhs << rhs or lhs >> rhs"> {
  let arguments = (ins Graph_IntTensor:$lhs, Graph_IntTensor:$rhs,
                       BoolAttr:$shift_left);
  let description = "Shifts unsigned integers left (`shift_left`) or right.";
}

def Graph_EqualOp : Graph_CompareOp<"equal", "lhs == rhs"> {
  let hasFolder = 1;
}
def Graph_LessOp : Graph_CompareOp<"less", "lhs < rhs"> {
  let hasFolder = 1;
}
def Graph_LessOrEqualOp : Graph_CompareOp<"less_or_equal", "lhs <= rhs"> {
  let hasFolder = 1;
}
def Graph_GreaterOp : Graph_CompareOp<"greater", "lhs > rhs"> {
  let hasFolder = 1;
}
def Graph_GreaterOrEqualOp : Graph_CompareOp<"greater_or_equal", "lhs >= rhs"> {
  let hasFolder = 1;
}

def Graph_AndOp : Graph_LogicalOp<"and", "lhs and rhs">;
def Graph_OrOp : Graph_LogicalOp<"or", "lhs or rhs">;
def Graph_XorOp : Graph_LogicalOp<"xor", "lhs xor rhs">;

def Graph_WhereOp : Graph_InferredOp<"where"> {
  let summary = "selects elements from two tensors by a condition";
  let description = [{
    `condition ? lhs : rhs` elementwise after broadcasting all three operands.

    ```mlir
    %z = graph.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Graph_BoolTensor:$condition, Graph_Tensor:$lhs,
                       Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_CastOp : Graph_InferredOp<"cast"> {
  let summary = "converts every element to another element type";
  let description = [{
    Converts elementwise to the element type `to`, with ONNX's rules: float to
    integer truncates toward zero, integer to bool is `!= 0`, unsigned types
    (`ui8`...) are zero-extended.

    ```mlir
    %y = graph.cast %x {to = i64} : (tensor<4xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, TypeAttr:$to);
  let results = (outs Graph_Tensor:$output);
  let hasFolder = 1;
}

#endif // KILN_IR_GRAPHELEMENTWISEOPS_TD
