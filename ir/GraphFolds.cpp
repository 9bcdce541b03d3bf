//===- GraphFolds.cpp - folders of graph ops -------------------------------===//
//
// Folders let the shape arithmetic that PyTorch's exporter emits (Shape ->
// Gather -> Unsqueeze -> Concat -> Reshape, Cast, integer Mul/Div, Equal ->
// Where, Range...) collapse into constants once shapes are static, so code
// generation sees constant shape operands.
//
// A fold must produce exactly the op's result type, so ops whose result type
// is not static yet do not fold; --kiln-refine-shapes makes them static and a
// later canonicalization folds them. Results that are not splats are only
// built up to kMaxFoldedElements elements, so weights are never copied.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APSInt.h"

#include <cmath>

using namespace mlir;

namespace kiln::graph {

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  RankedTensorType input = getInput().getType();
  auto resultType = cast<RankedTensorType>(getOutput().getType());
  if (!resultType.hasStaticShape())
    return {};
  int64_t rank = input.getRank();
  // I64Attr getters return uint64_t; the attribute is signed.
  int64_t start = static_cast<int64_t>(getStart());
  if (start < 0)
    start += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < start + resultType.getDimSize(0); ++i) {
    if (input.isDynamicDim(i))
      return {};
    dims.push_back(input.getDimSize(i));
  }
  return DenseElementsAttr::get(resultType, ArrayRef<int64_t>(dims));
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

/// The most elements a folder materializes for a result that is not a splat:
/// plenty for shape arithmetic, too few to duplicate a weight.
constexpr int64_t kMaxFoldedElements = 1024;

DenseElementsAttr getDense(Attribute attr) {
  return dyn_cast_or_null<DenseElementsAttr>(attr);
}

/// The type a folder must produce for `result`, or null when it is not static
/// (the fold then waits for shape refinement).
RankedTensorType getFoldableType(Value result) {
  auto type = dyn_cast<RankedTensorType>(result.getType());
  return type && type.hasStaticShape() ? type : RankedTensorType();
}

bool isUnsignedElement(Type type) {
  auto intType = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  return intType && (intType.isUnsigned() || intType.getWidth() == 1);
}

/// Integer contents of a constant as int64 (respecting signedness), or nullopt.
std::optional<SmallVector<int64_t>> getInts(Attribute attr) {
  DenseElementsAttr dense = getDense(attr);
  if (!dense || !isa<IntegerType>(dense.getElementType()))
    return std::nullopt;
  bool isUnsigned = isUnsignedElement(dense.getElementType());
  SmallVector<int64_t> values;
  for (const APInt &v : dense.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue());
  return values;
}

SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Splits a row-major flat index into one index per dimension.
SmallVector<int64_t> delinearize(int64_t flat, ArrayRef<int64_t> strides) {
  SmallVector<int64_t> index;
  for (int64_t stride : strides) {
    index.push_back(flat / stride);
    flat %= stride;
  }
  return index;
}

/// A constant of `type` whose element i is `element(i)`; null when `element`
/// gives up on some element or the result would be too large.
DenseElementsAttr buildElements(RankedTensorType type,
                                function_ref<Attribute(int64_t)> element) {
  if (type.getNumElements() > kMaxFoldedElements)
    return {};
  SmallVector<Attribute> values;
  values.reserve(type.getNumElements());
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    Attribute value = element(i);
    if (!value)
      return {};
    values.push_back(value);
  }
  return DenseElementsAttr::get(type, values);
}

/// The same elements in another shape: reshapes, squeezes, flattens.
OpFoldResult foldReshapeLike(Attribute input, Value result) {
  DenseElementsAttr dense = getDense(input);
  RankedTensorType type = getFoldableType(result);
  if (!dense || !type || dense.getElementType() != type.getElementType() ||
      dense.getNumElements() != type.getNumElements())
    return {};
  if (!dense.isSplat() && type.getNumElements() > kMaxFoldedElements)
    return {};
  return dense.reshape(type);
}

/// Applies `fn` elementwise to constant `operands` broadcast (numpy rules) to
/// the static type of `result`. `fn` receives one element attribute per
/// operand and returns the result element, or null to give up.
OpFoldResult foldBroadcastElementwise(ArrayRef<Attribute> operands, Value result,
                                      function_ref<Attribute(ArrayRef<Attribute>)> fn) {
  RankedTensorType type = getFoldableType(result);
  if (!type)
    return {};
  SmallVector<DenseElementsAttr> denses;
  for (Attribute operand : operands) {
    DenseElementsAttr dense = getDense(operand);
    if (!dense)
      return {};
    denses.push_back(dense);
  }
  if (llvm::all_of(denses, [](DenseElementsAttr d) { return d.isSplat(); })) {
    SmallVector<Attribute> splats;
    for (DenseElementsAttr dense : denses)
      splats.push_back(dense.getSplatValue<Attribute>());
    Attribute value = fn(splats);
    if (!value)
      return {};
    return DenseElementsAttr::get(type, value);
  }
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> strides = getStrides(shape);
  int64_t rank = type.getRank();
  return buildElements(type, [&](int64_t flat) -> Attribute {
    SmallVector<int64_t> index = delinearize(flat, strides);
    SmallVector<Attribute> elements;
    for (DenseElementsAttr dense : denses) {
      auto operandShape = cast<ShapedType>(dense.getType()).getShape();
      int64_t offset = rank - static_cast<int64_t>(operandShape.size());
      if (offset < 0)
        return {};
      int64_t position = 0;
      for (auto [i, size] : llvm::enumerate(operandShape)) {
        int64_t at = index[offset + i];
        if (size != 1 && size != shape[offset + i])
          return {};
        position = position * size + (size == 1 ? 0 : at);
      }
      elements.push_back(dense.getValues<Attribute>()[position]);
    }
    return fn(elements);
  });
}

/// Folds a binary arithmetic op: `intFn(a, b, isUnsigned)` and `floatFn(a, b)`
/// return the result element or nullopt (division by zero...).
OpFoldResult foldArithmetic(
    ArrayRef<Attribute> operands, Value result,
    function_ref<std::optional<APInt>(const APInt &, const APInt &, bool)> intFn,
    function_ref<std::optional<APFloat>(const APFloat &, const APFloat &)> floatFn) {
  Type elementType = getElementTypeOrSelf(result.getType());
  bool isUnsigned = isUnsignedElement(elementType);
  return foldBroadcastElementwise(operands, result, [&](ArrayRef<Attribute> args) -> Attribute {
    if (auto lhs = dyn_cast<IntegerAttr>(args[0])) {
      auto value = intFn(lhs.getValue(), cast<IntegerAttr>(args[1]).getValue(), isUnsigned);
      return value ? IntegerAttr::get(elementType, *value) : Attribute();
    }
    auto lhs = dyn_cast<FloatAttr>(args[0]);
    if (!lhs)
      return {};
    auto value = floatFn(lhs.getValue(), cast<FloatAttr>(args[1]).getValue());
    return value ? FloatAttr::get(elementType, *value) : Attribute();
  });
}

enum class Comparison { Equal, Less, LessOrEqual, Greater, GreaterOrEqual };

OpFoldResult foldComparison(ArrayRef<Attribute> operands, Value result,
                            Comparison comparison) {
  Type i1 = getElementTypeOrSelf(result.getType());
  DenseElementsAttr lhsDense = getDense(operands[0]);
  bool isUnsigned = lhsDense && isUnsignedElement(lhsDense.getElementType());
  return foldBroadcastElementwise(operands, result, [&](ArrayRef<Attribute> args) -> Attribute {
    bool less, equal;
    if (auto lhs = dyn_cast<IntegerAttr>(args[0])) {
      const APInt &a = lhs.getValue(), &b = cast<IntegerAttr>(args[1]).getValue();
      equal = a == b;
      less = isUnsigned ? a.ult(b) : a.slt(b);
    } else if (auto lhs = dyn_cast<FloatAttr>(args[0])) {
      APFloat::cmpResult order = lhs.getValue().compare(cast<FloatAttr>(args[1]).getValue());
      if (order == APFloat::cmpUnordered)
        return IntegerAttr::get(i1, 0); // NaN compares false
      equal = order == APFloat::cmpEqual;
      less = order == APFloat::cmpLessThan;
    } else {
      return {};
    }
    bool value = false;
    switch (comparison) {
    case Comparison::Equal:
      value = equal;
      break;
    case Comparison::Less:
      value = less;
      break;
    case Comparison::LessOrEqual:
      value = less || equal;
      break;
    case Comparison::Greater:
      value = !less && !equal;
      break;
    case Comparison::GreaterOrEqual:
      value = !less;
      break;
    }
    return IntegerAttr::get(i1, value);
  });
}

/// Converts one element with ONNX Cast semantics; null when the value does not
/// fit (NaN or out-of-range float to integer), which the runtime would leave
/// implementation-defined.
Attribute castElement(Attribute element, Type sourceType, Type targetType) {
  bool sourceUnsigned = isUnsignedElement(sourceType);
  bool targetUnsigned = isUnsignedElement(targetType);
  auto targetInt = dyn_cast<IntegerType>(targetType);
  auto targetFloat = dyn_cast<FloatType>(targetType);
  if (auto intAttr = dyn_cast<IntegerAttr>(element)) {
    const APInt &value = intAttr.getValue();
    if (targetInt) {
      if (targetInt.getWidth() == 1)
        return IntegerAttr::get(targetType, APInt(1, !value.isZero()));
      return IntegerAttr::get(targetType, sourceUnsigned
                                              ? value.zextOrTrunc(targetInt.getWidth())
                                              : value.sextOrTrunc(targetInt.getWidth()));
    }
    if (targetFloat) {
      APFloat result(targetFloat.getFloatSemantics());
      result.convertFromAPInt(value, !sourceUnsigned, APFloat::rmNearestTiesToEven);
      return FloatAttr::get(targetType, result);
    }
    return {};
  }
  auto floatAttr = dyn_cast<FloatAttr>(element);
  if (!floatAttr)
    return {};
  APFloat value = floatAttr.getValue();
  if (targetFloat) {
    bool losesInfo = false;
    value.convert(targetFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven, &losesInfo);
    return FloatAttr::get(targetType, value);
  }
  if (!targetInt)
    return {};
  if (targetInt.getWidth() == 1) {
    if (value.isNaN())
      return {};
    return IntegerAttr::get(targetType, APInt(1, !value.isZero()));
  }
  llvm::APSInt result(targetInt.getWidth(), targetUnsigned);
  bool isExact = false;
  if (value.convertToInteger(result, APFloat::rmTowardZero, &isExact) &
      APFloat::opInvalidOp)
    return {};
  return IntegerAttr::get(targetType, static_cast<const APInt &>(result));
}

/// ONNX Slice's clamped start, step and length along a dimension of `size`.
struct SliceRange {
  int64_t start, step, length;
};

SliceRange resolveSlice(int64_t size, int64_t start, int64_t end, int64_t step) {
  if (size == 0)
    return {0, step, 0};
  auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0)
      v += size;
    return std::clamp(v, lo, hi);
  };
  if (step > 0)
    start = clampIndex(start, 0, size);
  else
    start = clampIndex(start, 0, size - 1);
  return {start, step, slicedLength(size, start, end, step)};
}

} // namespace

//===----------------------------------------------------------------------===//
// Shapes and constants
//===----------------------------------------------------------------------===//

OpFoldResult SizeOp::fold(FoldAdaptor) {
  RankedTensorType input = getInput().getType();
  RankedTensorType type = getFoldableType(getOutput());
  if (!input.hasStaticShape() || !type)
    return {};
  return DenseElementsAttr::get(type, APInt(64, input.getNumElements()));
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getFoldableType(getOutput());
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!type || !value || value.getElementType() != type.getElementType())
    return {};
  // The element is repeated, so any size is cheap.
  return DenseElementsAttr::get(type, value.getValues<Attribute>()[0]);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getFoldableType(getOutput());
  DenseElementsAttr start = getDense(adaptor.getStart());
  DenseElementsAttr limit = getDense(adaptor.getLimit());
  DenseElementsAttr delta = getDense(adaptor.getDelta());
  if (!type || !start || !limit || !delta || type.getNumElements() > kMaxFoldedElements)
    return {};
  Type elementType = type.getElementType();
  int64_t length = type.getDimSize(0);
  if (isa<IntegerType>(elementType)) {
    bool isUnsigned = isUnsignedElement(elementType);
    auto toInt = [&](DenseElementsAttr d) {
      APInt v = d.getValues<APInt>()[0];
      return isUnsigned ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue();
    };
    int64_t first = toInt(start), last = toInt(limit), step = toInt(delta);
    if (step == 0)
      return {};
    int64_t count = std::max<int64_t>(0, llvm::divideCeilSigned(last - first, step));
    if (count != length)
      return {};
    return buildElements(type, [&](int64_t i) -> Attribute {
      return IntegerAttr::get(elementType,
                              APInt(type.getElementTypeBitWidth(), first + i * step,
                                    /*isSigned=*/true));
    });
  }
  // Floats accumulate `value += delta` like the ONNX function body.
  APFloat value = start.getValues<APFloat>()[0];
  APFloat step = delta.getValues<APFloat>()[0];
  double span = limit.getValues<APFloat>()[0].convertToDouble() - value.convertToDouble();
  double count = std::ceil(span / step.convertToDouble());
  if (!std::isfinite(count) || std::max(count, 0.0) != static_cast<double>(length))
    return {};
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < length; ++i) {
    values.push_back(FloatAttr::get(elementType, value));
    value.add(step, APFloat::rmNearestTiesToEven);
  }
  return DenseElementsAttr::get(type, values);
}

//===----------------------------------------------------------------------===//
// Reshaping
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getData().getType() == getReshaped().getType() && getFoldableType(getReshaped()))
    return getData();
  return foldReshapeLike(adaptor.getData(), getReshaped());
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType() && getFoldableType(getOutput()))
    return getInput();
  return foldReshapeLike(adaptor.getInput(), getOutput());
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (getData().getType() == getSqueezed().getType() && getFoldableType(getSqueezed()))
    return getData();
  return foldReshapeLike(adaptor.getData(), getSqueezed());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(adaptor.getData(), getExpanded());
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getOutput().getType())
    return getInputs()[0];
  RankedTensorType type = getFoldableType(getOutput());
  if (!type)
    return {};
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    DenseElementsAttr dense = getDense(attr);
    if (!dense)
      return {};
    inputs.push_back(dense);
  }
  int64_t axis = getAxis();
  // Which input, and where in it, each position along the axis comes from.
  SmallVector<std::pair<unsigned, int64_t>> sources;
  for (auto [i, input] : llvm::enumerate(inputs))
    for (int64_t j = 0; j < cast<ShapedType>(input.getType()).getDimSize(axis); ++j)
      sources.push_back({static_cast<unsigned>(i), j});
  if (static_cast<int64_t>(sources.size()) != type.getDimSize(axis))
    return {};
  SmallVector<int64_t> strides = getStrides(type.getShape());
  return buildElements(type, [&](int64_t flat) -> Attribute {
    SmallVector<int64_t> index = delinearize(flat, strides);
    auto [which, at] = sources[index[axis]];
    index[axis] = at;
    auto inputStrides = getStrides(cast<ShapedType>(inputs[which].getType()).getShape());
    int64_t position = 0;
    for (auto [i, stride] : llvm::enumerate(inputStrides))
      position += index[i] * stride;
    return inputs[which].getValues<Attribute>()[position];
  });
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getFoldableType(getOutput());
  DenseElementsAttr data = getDense(adaptor.getData());
  auto indices = getInts(adaptor.getIndices());
  if (!type || !data || !indices)
    return {};
  auto dataShape = cast<ShapedType>(data.getType()).getShape();
  int64_t axis = getAxis();
  int64_t axisSize = dataShape[axis];
  for (int64_t &index : *indices) {
    if (index < -axisSize || index >= axisSize)
      return {};
    if (index < 0)
      index += axisSize;
  }
  // Output index = (outer, indices position, inner); read data[outer, idx, inner].
  int64_t inner = 1;
  for (int64_t d : dataShape.drop_front(axis + 1))
    inner *= d;
  int64_t indexCount = static_cast<int64_t>(indices->size());
  if (data.isSplat())
    return DenseElementsAttr::get(type, data.getSplatValue<Attribute>());
  return buildElements(type, [&](int64_t flat) -> Attribute {
    int64_t innerAt = flat % inner;
    int64_t which = (flat / inner) % indexCount;
    int64_t outer = flat / (inner * indexCount);
    int64_t position = (outer * axisSize + (*indices)[which]) * inner + innerAt;
    return data.getValues<Attribute>()[position];
  });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = getFoldableType(getOutput());
  DenseElementsAttr data = getDense(adaptor.getData());
  auto starts = getInts(adaptor.getStarts());
  auto ends = getInts(adaptor.getEnds());
  auto axes = getInts(adaptor.getAxes());
  auto steps = getInts(adaptor.getSteps());
  if (!type || !data || !starts || !ends || !axes || !steps)
    return {};
  auto dataShape = cast<ShapedType>(data.getType()).getShape();
  int64_t rank = static_cast<int64_t>(dataShape.size());
  SmallVector<SliceRange> ranges;
  for (int64_t size : dataShape)
    ranges.push_back({0, 1, size});
  for (auto [i, rawAxis] : llvm::enumerate(*axes)) {
    auto axis = normalizeAxis(rawAxis, rank);
    if (!axis || i >= starts->size() || i >= ends->size() || i >= steps->size() ||
        (*steps)[i] == 0)
      return {};
    ranges[*axis] = resolveSlice(dataShape[*axis], (*starts)[i], (*ends)[i], (*steps)[i]);
  }
  for (auto [range, size] : llvm::zip(ranges, type.getShape()))
    if (range.length != size)
      return {};
  if (data.isSplat())
    return DenseElementsAttr::get(type, data.getSplatValue<Attribute>());
  SmallVector<int64_t> strides = getStrides(type.getShape());
  SmallVector<int64_t> dataStrides = getStrides(dataShape);
  return buildElements(type, [&](int64_t flat) -> Attribute {
    SmallVector<int64_t> index = delinearize(flat, strides);
    int64_t position = 0;
    for (int64_t d = 0; d < rank; ++d)
      position += (ranges[d].start + index[d] * ranges[d].step) * dataStrides[d];
    return data.getValues<Attribute>()[position];
  });
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  RankedTensorType type = getFoldableType(getOutput());
  DenseElementsAttr input = getDense(adaptor.getInput());
  if (!type || !input || type.getElementType() != getTo())
    return {};
  Type sourceType = input.getElementType();
  return foldBroadcastElementwise(input, getOutput(), [&](ArrayRef<Attribute> args) {
    return castElement(args[0], sourceType, type.getElementType());
  });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldBroadcastElementwise(adaptor.getInput(), getOutput(),
                                  [&](ArrayRef<Attribute> args) -> Attribute {
    auto value = cast<IntegerAttr>(args[0]);
    return IntegerAttr::get(value.getType(), ~value.getValue());
  });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldBroadcastElementwise(adaptor.getInput(), getOutput(),
                                  [&](ArrayRef<Attribute> args) -> Attribute {
    if (auto value = dyn_cast<IntegerAttr>(args[0]))
      return IntegerAttr::get(value.getType(), -value.getValue());
    auto value = cast<FloatAttr>(args[0]);
    return FloatAttr::get(value.getType(), -value.getValue());
  });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = isUnsignedElement(getOutput().getType());
  return foldBroadcastElementwise(adaptor.getInput(), getOutput(),
                                  [&](ArrayRef<Attribute> args) -> Attribute {
    if (auto value = dyn_cast<IntegerAttr>(args[0]))
      return isUnsigned ? value : IntegerAttr::get(value.getType(), value.getValue().abs());
    auto value = cast<FloatAttr>(args[0]);
    return FloatAttr::get(value.getType(), abs(value.getValue()));
  });
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> { return a + b; },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> { return a - b; },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> { return a * b; },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool isUnsigned) -> std::optional<APInt> {
        // Division by zero (and INT_MIN / -1) traps at run time: leave it there.
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.udiv(b);
        bool overflow = false;
        APInt quotient = a.sdiv_ov(b, overflow);
        if (overflow)
          return std::nullopt;
        return quotient;
      },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> { return a / b; });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  // Integer remainders only (shape arithmetic such as Swin's window padding);
  // fmod = false takes the divisor's sign, fmod = true the dividend's.
  bool fmod = getFmod();
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [fmod](const APInt &a, const APInt &b, bool isUnsigned) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.urem(b);
        if (b.isAllOnes())
          return APInt::getZero(a.getBitWidth());
        APInt remainder = a.srem(b);
        if (!fmod && !remainder.isZero() && remainder.isNegative() != b.isNegative())
          remainder += b;
        return remainder;
      },
      [](const APFloat &, const APFloat &) -> std::optional<APFloat> { return std::nullopt; });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())) &&
      getInput().getType() == getOutput().getType())
    return getInput();
  auto resultType = dyn_cast<RankedTensorType>(getOutput().getType());
  DenseElementsAttr input = getDense(adaptor.getInput());
  if (!input || !resultType || !resultType.hasStaticShape())
    return {};
  if (input.isSplat())
    return input.resizeSplat(resultType);
  if (resultType.getNumElements() > 1024)
    return {};
  // Gather input elements in output order.
  ArrayRef<int64_t> inShape = input.getType().getShape();
  ArrayRef<int64_t> outShape = resultType.getShape();
  SmallVector<int64_t> inStrides(inShape.size(), 1);
  for (int64_t d = static_cast<int64_t>(inShape.size()) - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * inShape[d + 1];
  SmallVector<Attribute> values(input.getValues<Attribute>());
  SmallVector<Attribute> result;
  result.reserve(resultType.getNumElements());
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t linear = 0; linear < resultType.getNumElements(); ++linear) {
    int64_t source = 0;
    for (size_t d = 0; d < outShape.size(); ++d)
      source += index[d] * inStrides[perm[d]];
    result.push_back(values[source]);
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(resultType, result);
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool isUnsigned) -> std::optional<APInt> {
        return (isUnsigned ? a.ugt(b) : a.sgt(b)) ? a : b;
      },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::maximum(a, b);
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldArithmetic(
      adaptor.getOperands(), getOutput(),
      [](const APInt &a, const APInt &b, bool isUnsigned) -> std::optional<APInt> {
        return (isUnsigned ? a.ult(b) : a.slt(b)) ? a : b;
      },
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::minimum(a, b);
      });
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getOperands(), getOutput(), Comparison::Equal);
}

OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getOperands(), getOutput(), Comparison::Less);
}

OpFoldResult LessOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getOperands(), getOutput(), Comparison::LessOrEqual);
}

OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getOperands(), getOutput(), Comparison::Greater);
}

OpFoldResult GreaterOrEqualOp::fold(FoldAdaptor adaptor) {
  return foldComparison(adaptor.getOperands(), getOutput(), Comparison::GreaterOrEqual);
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // A uniform condition picks one side, unless broadcasting changes its type.
  if (DenseElementsAttr condition = getDense(adaptor.getCondition());
      condition && condition.isSplat()) {
    Value chosen = condition.getSplatValue<bool>() ? getLhs() : getRhs();
    if (chosen.getType() == getOutput().getType())
      return chosen;
  }
  return foldBroadcastElementwise(adaptor.getOperands(), getOutput(),
                                  [](ArrayRef<Attribute> args) -> Attribute {
    return cast<IntegerAttr>(args[0]).getValue().isZero() ? args[2] : args[1];
  });
}

} // namespace kiln::graph
