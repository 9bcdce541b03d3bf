//===- QuantImporters.cpp - ONNX quantization operators -------------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv, imported as compositions of
// existing graph ops so that they reuse the elementwise, reduction, matmul and
// convolution lowerings:
//
//   quantize(x)   = cast(clip(round(x / scale) + zero_point, qmin, qmax))
//   dequantize(q) = (f32(q) - f32(zero_point)) * scale
//   integer ops   = matmul / conv of (i32(q) - i32(zero_point)), in i32
//   QLinear ops   = quantize(f32(integer op) * (a_scale * b_scale / y_scale))
//
// graph.round rounds half to even, as ONNX requires; clipping in f32 before
// the cast saturates. Per-axis scales and zero points (1-D, one value per
// slice along `axis`) are reshaped so that they broadcast along that axis.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include <cmath>

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// The result of an op built by NodeImporter::create, or null when inference
/// failed (the failure is already reported at the node).
template <typename OpTy>
Value resultOf(OpTy op) {
  return op ? op->getResult(0) : Value();
}

Value castTo(NodeImporter &node, Value v, Type element) {
  if (!v)
    return {};
  if (cast<RankedTensorType>(v.getType()).getElementType() == element)
    return v;
  return resultOf(node.create<CastOp>(v, TypeAttr::get(element)));
}

template <typename OpTy>
Value binary(NodeImporter &node, Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return {};
  return resultOf(node.create<OpTy>(lhs, rhs));
}

/// A 1-D per-axis operand reshaped to broadcast along `axis` of a rank-`rank`
/// tensor; scalars and one-element tensors are returned as they are.
Value alongAxis(NodeImporter &node, Value v, int64_t axis, int64_t rank) {
  if (!v)
    return {};
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 0 || (type.getRank() == 1 && type.getDimSize(0) == 1))
    return v;
  SmallVector<int64_t> shape{type.getDimSize(0)};
  shape.append(rank - 1 - axis, 1);
  return resultOf(node.create<ReshapeOp>(v, node.constI64(shape), false));
}

/// The [qmin, qmax] range of a quantized element type.
std::pair<double, double> quantRange(Type element) {
  auto integer = cast<IntegerType>(element);
  unsigned width = integer.getWidth();
  if (integer.isUnsigned())
    return {0.0, std::ldexp(1.0, width) - 1};
  return {-std::ldexp(1.0, width - 1), std::ldexp(1.0, width - 1) - 1};
}

/// round(scaled) + zeroPoint, saturated to `element` and cast to it.
/// `scaled` is f32; `zeroPoint` may be null (0).
Value requantize(NodeImporter &node, Value scaled, Value zeroPoint, Type element) {
  Type f32 = node.builder().getF32Type();
  if (!scaled)
    return {};
  Value rounded = resultOf(node.create<RoundOp>(scaled));
  if (zeroPoint)
    rounded = binary<AddOp>(node, rounded, castTo(node, zeroPoint, f32));
  if (!rounded)
    return {};
  auto [lo, hi] = quantRange(element);
  Value clipped = resultOf(node.create<ClipOp>(rounded, node.constScalar(f32, lo),
                                               node.constScalar(f32, hi)));
  return castTo(node, clipped, element);
}

/// The element type a quantizing op produces: its zero point's, else uint8.
FailureOr<Type> quantizedType(NodeImporter &node, size_t zeroPointInput) {
  Type element = node.hasInput(zeroPointInput)
                     ? node.inputType(zeroPointInput).getElementType()
                     : IntegerType::get(node.context(), 8, IntegerType::Unsigned);
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer || integer.getWidth() != 8)
    return node.emitError() << node.opType() << " of element type " << element
                            << " is not supported (expected int8 or uint8)";
  return element;
}

/// The `axis` attribute (opset 13) normalized for rank `rank`; 1 before.
/// It is only checked when the scale (input 1) is per-axis: with a
/// per-tensor scale ONNX ignores it, whatever the rank.
FailureOr<int64_t> readQuantAxis(NodeImporter &node, int64_t rank) {
  auto axis = node.getInt("axis", 1);
  if (failed(axis))
    return failure();
  RankedTensorType scale = node.inputType(1);
  if (scale.getRank() == 0 || (scale.hasStaticShape() && scale.getNumElements() == 1))
    return int64_t(0);
  if (node.opset() < 13)
    return node.emitError() << node.opType() << " (opset " << node.opset()
                            << ") expects a scalar scale, got " << scale;
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for rank " << rank;
  return *normalized;
}

//===----------------------------------------------------------------------===//
// Quantize / dequantize
//===----------------------------------------------------------------------===//

LogicalResult importQuantizeLinear(NodeImporter &node) {
  int64_t rank = node.inputType(0).getRank();
  auto element = quantizedType(node, 2);
  auto axis = readQuantAxis(node, rank);
  if (failed(element) || failed(axis))
    return failure();
  Type f32 = node.builder().getF32Type();
  Value x = castTo(node, node.input(0), f32);
  Value scale = alongAxis(node, node.input(1), *axis, rank);
  Value zeroPoint = node.hasInput(2) ? alongAxis(node, node.input(2), *axis, rank) : Value();
  Value y = requantize(node, binary<DivOp>(node, x, scale), zeroPoint, *element);
  if (!y)
    return failure();
  return node.setResult(y);
}

LogicalResult importDequantizeLinear(NodeImporter &node) {
  int64_t rank = node.inputType(0).getRank();
  auto axis = readQuantAxis(node, rank);
  if (failed(axis))
    return failure();
  Type f32 = node.builder().getF32Type();
  Value x = castTo(node, node.input(0), f32);
  if (node.hasInput(2))
    x = binary<SubOp>(node, x, castTo(node, alongAxis(node, node.input(2), *axis, rank), f32));
  Value y = binary<MulOp>(node, x, alongAxis(node, node.input(1), *axis, rank));
  if (!y)
    return failure();
  return node.setResult(y);
}

/// DynamicQuantizeLinear: the range [min(x, 0), max(x, 0)] maps onto
/// [0, 255]; the zero point is the rounded, saturated image of 0.
LogicalResult importDynamicQuantizeLinear(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  Type f32 = node.builder().getF32Type();
  Type u8 = IntegerType::get(node.context(), 8, IntegerType::Unsigned);
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    axes.push_back(i);
  Value zero = node.constScalar(f32, 0.0);
  Value lo = resultOf(node.create<ReduceMinOp>(node.input(0), node.constI64(axes), false, false));
  Value hi = resultOf(node.create<ReduceMaxOp>(node.input(0), node.constI64(axes), false, false));
  lo = binary<MinOp>(node, lo, zero);
  hi = binary<MaxOp>(node, hi, zero);
  Value scale =
      binary<DivOp>(node, binary<SubOp>(node, hi, lo), node.constScalar(f32, 255.0));
  Value zeroPoint = requantize(node, binary<DivOp>(node, binary<SubOp>(node, zero, lo), scale),
                               Value(), u8);
  Value y = requantize(node, binary<DivOp>(node, node.input(0), scale), zeroPoint, u8);
  if (!y)
    return failure();
  return node.setResults(ValueRange{y, scale, zeroPoint});
}

//===----------------------------------------------------------------------===//
// Integer matmul and convolution
//===----------------------------------------------------------------------===//

/// i32(q) - i32(zeroPoint); `zeroPoint` may be absent (input index past the
/// end or empty) and is reshaped along `axis` of a rank-`rank` operand.
Value shifted(NodeImporter &node, size_t input, size_t zeroPointInput, int64_t axis,
              int64_t rank) {
  Type i32 = node.builder().getI32Type();
  Value q = castTo(node, node.input(input), i32);
  if (!node.hasInput(zeroPointInput))
    return q;
  return binary<SubOp>(
      node, q, castTo(node, alongAxis(node, node.input(zeroPointInput), axis, rank), i32));
}

/// The convolution attributes of ConvInteger and QLinearConv; ConvOp checks
/// them and resolves auto_pad.
struct ConvAttrs {
  SmallVector<int64_t> kernel, strides, dilations, pads;
  int64_t group = 1;
  std::string autoPad;
};

FailureOr<ConvAttrs> readConvAttrs(NodeImporter &node, RankedTensorType weight) {
  int64_t n = weight.getRank() - 2;
  if (n < 1 || llvm::any_of(weight.getShape().drop_front(2), ShapedType::isDynamic))
    return node.emitError() << node.opType() << " needs a static N-D weight, got " << weight;
  ConvAttrs attrs;
  auto kernel = node.getInts("kernel_shape", SmallVector<int64_t>(weight.getShape().drop_front(2)));
  auto strides = node.getInts("strides", SmallVector<int64_t>(n, 1));
  auto dilations = node.getInts("dilations", SmallVector<int64_t>(n, 1));
  auto pads = node.getInts("pads", SmallVector<int64_t>(2 * n, 0));
  auto group = node.getInt("group", 1);
  auto autoPad = node.getString("auto_pad", std::string("NOTSET"));
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(group) || failed(autoPad))
    return failure();
  if (int64_t(kernel->size()) != n || int64_t(strides->size()) != n ||
      int64_t(dilations->size()) != n || int64_t(pads->size()) != 2 * n)
    return node.emitError() << node.opType()
                            << " attributes do not match the weight's spatial rank " << n;
  attrs.kernel = *kernel;
  attrs.strides = *strides;
  attrs.dilations = *dilations;
  attrs.pads = *pads;
  attrs.group = *group;
  attrs.autoPad = *autoPad;
  return attrs;
}

Value createConv(NodeImporter &node, Value x, Value w, Value bias, const ConvAttrs &attrs) {
  if (!x || !w)
    return {};
  return resultOf(node.create<ConvOp>(x, w, bias, attrs.kernel, attrs.strides, attrs.dilations,
                                      attrs.pads, attrs.group, attrs.autoPad));
}

LogicalResult importMatMulInteger(NodeImporter &node) {
  // A's zero point may be per row (M values), B's per column (N values).
  int64_t aRank = node.inputType(0).getRank(), bRank = node.inputType(1).getRank();
  Value a = shifted(node, 0, 2, aRank - 2, aRank);
  Value b = shifted(node, 1, 3, bRank - 1, bRank);
  Value y = binary<MatMulOp>(node, a, b);
  if (!y)
    return failure();
  return node.setResult(y);
}

LogicalResult importConvInteger(NodeImporter &node) {
  auto attrs = readConvAttrs(node, node.inputType(1));
  if (failed(attrs))
    return failure();
  int64_t wRank = node.inputType(1).getRank();
  Value x = shifted(node, 0, 2, 0, 0);
  Value w = shifted(node, 1, 3, 0, wRank);
  Value y = createConv(node, x, w, Value(), *attrs);
  if (!y)
    return failure();
  return node.setResult(y);
}

/// f32(acc) * (aScale * bScale / yScale), requantized with y's zero point.
Value requantizeAccumulator(NodeImporter &node, Value acc, Value aScale, Value bScale,
                            Value yScale, Value yZeroPoint) {
  Type f32 = node.builder().getF32Type();
  auto element = quantizedType(node, 7);
  if (failed(element))
    return {};
  Value multiplier = binary<DivOp>(node, binary<MulOp>(node, aScale, bScale), yScale);
  return requantize(node, binary<MulOp>(node, castTo(node, acc, f32), multiplier), yZeroPoint,
                    *element);
}

/// QLinearMatMul(a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale,
/// y_zero_point).
LogicalResult importQLinearMatMul(NodeImporter &node) {
  int64_t aRank = node.inputType(0).getRank(), bRank = node.inputType(3).getRank();
  Value a = shifted(node, 0, 2, aRank - 2, aRank);
  Value b = shifted(node, 3, 5, bRank - 1, bRank);
  Value acc = binary<MatMulOp>(node, a, b);
  Value y = requantizeAccumulator(node, acc, alongAxis(node, node.input(1), aRank - 2, aRank),
                                  alongAxis(node, node.input(4), bRank - 1, bRank),
                                  node.input(6), node.input(7));
  if (!y)
    return failure();
  return node.setResult(y);
}

/// QLinearConv(x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
/// y_zero_point, B): the int32 bias is added to the accumulator.
LogicalResult importQLinearConv(NodeImporter &node) {
  auto attrs = readConvAttrs(node, node.inputType(3));
  if (failed(attrs))
    return failure();
  int64_t wRank = node.inputType(3).getRank();
  Value x = shifted(node, 0, 2, 0, 0);
  // The weight's zero point and scale are per output channel: they
  // broadcast along dimension 0 of the weight and 1 of the result.
  Value w = shifted(node, 3, 5, 0, wRank);
  Value bias = node.hasInput(8) ? node.input(8) : Value();
  Value acc = createConv(node, x, w, bias, *attrs);
  Value y = requantizeAccumulator(node, acc, node.input(1),
                                  alongAxis(node, node.input(4), 1, wRank), node.input(6),
                                  node.input(7));
  if (!y)
    return failure();
  return node.setResult(y);
}

constexpr int64_t kMax = 17;

const OpImporterEntry kQuantImporters[] = {
    {"QuantizeLinear", 10, kMax, importQuantizeLinear},
    {"DequantizeLinear", 10, kMax, importDequantizeLinear},
    {"DynamicQuantizeLinear", 11, kMax, importDynamicQuantizeLinear},
    {"MatMulInteger", 10, kMax, importMatMulInteger},
    {"ConvInteger", 10, kMax, importConvInteger},
    {"QLinearMatMul", 10, kMax, importQLinearMatMul},
    {"QLinearConv", 10, kMax, importQLinearConv},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> quantImporters() { return kQuantImporters; }

} // namespace kiln
