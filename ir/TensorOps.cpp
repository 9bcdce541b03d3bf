//===- TensorOps.cpp - shape, data-movement and reduction ops --------------===//
//
// Ops whose result shape depends on an operand's value infer static sizes
// only when that operand is a constant; otherwise the affected dimensions are
// dynamic and a more refined result type (from ONNX shape inference) is kept.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

/// Two sizes that must agree: a contradiction only when both are static.
static bool dimsConflictStatic(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

static RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Length of a 1-D operand, or kDynamic.
static int64_t vectorLength(Value v) {
  auto type = rankedType(v);
  return type.getRank() == 1 ? type.getDimSize(0) : kDynamic;
}

static LogicalResult verifyVector(Operation *op, Value v, StringRef name) {
  if (rankedType(v).getRank() != 1)
    return op->emitOpError("expects '") << name << "' to be a 1-D tensor, got "
                                        << v.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  int64_t rank = rankedType(adaptor.getInput()).getRank();
  auto clampDim = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampDim(adaptor.getStart());
  int64_t end = adaptor.getEnd() ? clampDim(*adaptor.getEnd()) : rank;
  types.push_back(RankedTensorType::get({std::max<int64_t>(0, end - start)},
                                        IntegerType::get(context, 64)));
  return success();
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                       Adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get({}, IntegerType::get(context, 64)));
  return success();
}

LogicalResult ConstantOfShapeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  Type element = adaptor.getValue().getElementType();
  if (auto dims = getConstantIntValues(adaptor.getShape())) {
    types.push_back(RankedTensorType::get(*dims, element));
    return success();
  }
  int64_t rank = vectorLength(adaptor.getShape());
  if (ShapedType::isDynamic(rank))
    return failure();
  types.push_back(RankedTensorType::get(Shape(rank, kDynamic), element));
  return success();
}

LogicalResult ConstantOfShapeOp::verify() {
  if (getValue().getNumElements() != 1)
    return emitOpError("expects a one-element 'value', got ") << getValue().getType();
  return verifyVector(getOperation(), getShape(), "shape");
}

LogicalResult RangeOp::verify() {
  for (Value v : {getStart(), getLimit(), getDelta()})
    if (rankedType(v).getNumElements() != 1)
      return emitOpError("expects scalar start, limit and delta, got ") << v.getType();
  if (getOutput().getType().getRank() != 1 ||
      getOutput().getType().getElementType() != getElementTypeOrSelf(getStart()))
    return emitOpError("expects a 1-D result of the operands' element type");
  return success();
}

//===----------------------------------------------------------------------===//
// Reshaping and reordering
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getData());
  if (auto target = getConstantIntValues(adaptor.getShape())) {
    std::string error;
    auto shape = inferReshape(input.getShape(), *target, adaptor.getAllowzero(), &error);
    if (!shape)
      return detail::inferError(loc, "invalid reshape: " + error);
    types.push_back(RankedTensorType::get(*shape, input.getElementType()));
    return success();
  }
  int64_t rank = vectorLength(adaptor.getShape());
  if (ShapedType::isDynamic(rank)) {
    // The result rank is unknown until the target folds to a constant; an
    // unranked type is compatible with the ranked one the importer takes from
    // ONNX shape inference (and is never more refined than it).
    types.push_back(UnrankedTensorType::get(input.getElementType()));
    return success();
  }
  types.push_back(RankedTensorType::get(Shape(rank, kDynamic), input.getElementType()));
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (failed(verifyVector(getOperation(), getShape(), "shape")))
    return failure();
  RankedTensorType in = getData().getType(), out = getReshaped().getType();
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ") << in << " into " << out
                                          << ": element counts differ";
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > input.getRank())
    return detail::inferError(loc, "flatten axis out of range");
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims) {
      if (ShapedType::isDynamic(d))
        return kDynamic;
      p *= d;
    }
    return p;
  };
  types.push_back(RankedTensorType::get({product(input.getShape().take_front(axis)),
                                         product(input.getShape().drop_front(axis))},
                                        input.getElementType()));
  return success();
}

LogicalResult FlattenOp::verify() {
  if (static_cast<int64_t>(getAxis()) < 0 || static_cast<int64_t>(getAxis()) > getInput().getType().getRank())
    return emitOpError("axis ") << getAxis() << " is out of range for rank "
                                << getInput().getType().getRank();
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (int64_t(perm.size()) != input.getRank())
    return detail::inferError(loc, "perm has " + Twine(perm.size()) +
                                       " entries for a rank-" + Twine(input.getRank()) +
                                       " input");
  Shape shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank())
      return detail::inferError(loc, "perm entry " + Twine(p) + " out of range");
    shape.push_back(input.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult TransposeOp::verify() {
  SmallVector<bool> seen(getPerm().size(), false);
  for (int64_t p : getPerm()) {
    if (p < 0 || p >= int64_t(seen.size()) || seen[p])
      return emitOpError("perm is not a permutation of 0..") << seen.size() - 1;
    seen[p] = true;
  }
  return success();
}

/// Axes from a constant operand, normalized against `rank`.
static std::optional<SmallVector<int64_t>> constantAxes(Value axes, int64_t rank) {
  auto values = getConstantIntValues(axes);
  if (!values)
    return std::nullopt;
  for (int64_t &a : *values) {
    auto normalized = normalizeAxis(a, rank);
    if (!normalized)
      return std::nullopt;
    a = *normalized;
  }
  return values;
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getData());
  Shape shape;
  if (!adaptor.getAxes()) {
    for (int64_t d : input.getShape())
      if (d != 1)
        shape.push_back(d);
    types.push_back(RankedTensorType::get(shape, input.getElementType()));
    return success();
  }
  auto axes = constantAxes(adaptor.getAxes(), input.getRank());
  if (!axes) {
    int64_t count = vectorLength(adaptor.getAxes());
    if (ShapedType::isDynamic(count))
      return detail::inferError(loc, "squeeze axes must have a static length");
    types.push_back(RankedTensorType::get(Shape(input.getRank() - count, kDynamic),
                                          input.getElementType()));
    return success();
  }
  for (int64_t i = 0; i < input.getRank(); ++i)
    if (!llvm::is_contained(*axes, i))
      shape.push_back(input.getDimSize(i));
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult SqueezeOp::verify() {
  if (!getAxes())
    return success();
  if (failed(verifyVector(getOperation(), getAxes(), "axes")))
    return failure();
  auto values = getConstantIntValues(getAxes());
  if (!values)
    return success();
  RankedTensorType input = getData().getType();
  for (int64_t a : *values) {
    auto axis = normalizeAxis(a, input.getRank());
    if (!axis)
      return emitOpError("axis ") << a << " is out of range for rank " << input.getRank();
    int64_t size = input.getDimSize(*axis);
    if (!ShapedType::isDynamic(size) && size != 1)
      return emitOpError("cannot squeeze dimension ") << *axis << " of size " << size;
  }
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getData());
  int64_t count = vectorLength(adaptor.getAxes());
  if (ShapedType::isDynamic(count))
    return detail::inferError(loc, "unsqueeze axes must have a static length");
  int64_t rank = input.getRank() + count;
  auto axes = constantAxes(adaptor.getAxes(), rank);
  if (!axes) {
    types.push_back(RankedTensorType::get(Shape(rank, kDynamic), input.getElementType()));
    return success();
  }
  Shape shape;
  int64_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : input.getDimSize(next++));
  if (next != input.getRank())
    return detail::inferError(loc, "unsqueeze axes repeat");
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::verify() {
  return verifyVector(getOperation(), getAxes(), "axes");
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  auto target = getConstantIntValues(adaptor.getShape());
  if (!target) {
    int64_t rank = vectorLength(adaptor.getShape());
    if (ShapedType::isDynamic(rank))
      return detail::inferError(loc, "expand shape must have a static length");
    types.push_back(RankedTensorType::get(
        Shape(std::max<int64_t>(rank, input.getRank()), kDynamic), input.getElementType()));
    return success();
  }
  auto shape = broadcastShapes(input.getShape(), *target);
  if (!shape)
    return detail::inferError(loc, "input does not broadcast to the requested shape");
  types.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  auto repeats = getConstantIntValues(adaptor.getRepeats());
  Shape shape(input.getShape());
  for (int64_t i = 0; i < input.getRank(); ++i) {
    if (!repeats || int64_t(repeats->size()) != input.getRank())
      shape[i] = kDynamic;
    else if (!ShapedType::isDynamic(shape[i]))
      shape[i] *= (*repeats)[i];
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult TileOp::verify() {
  if (dimsConflictStatic(vectorLength(getRepeats()), getInput().getType().getRank()))
    return emitOpError("expects one repeat per input dimension");
  return verifyVector(getOperation(), getRepeats(), "repeats");
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return detail::inferError(loc, "concat needs at least one operand");
  auto first = rankedType(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return detail::inferError(loc, "concat axis out of range");
  Shape shape(first.getShape());
  shape[axis] = 0;
  for (Value v : adaptor.getInputs()) {
    auto type = rankedType(v);
    if (type.getRank() != first.getRank())
      return detail::inferError(loc, "concat operands differ in rank");
    for (int64_t i = 0; i < type.getRank(); ++i) {
      int64_t d = type.getDimSize(i);
      if (i == axis)
        shape[i] = ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[i])
                       ? kDynamic
                       : shape[i] + d;
      else if (ShapedType::isDynamic(shape[i]))
        shape[i] = d;
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult ConcatOp::verify() {
  RankedTensorType first = rankedType(getInputs().front());
  for (Value v : getInputs()) {
    RankedTensorType type = rankedType(v);
    if (type.getElementType() != first.getElementType())
      return emitOpError("operands differ in element type: ")
             << first.getElementType() << " vs " << type.getElementType();
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (i != getAxis() && dimsConflictStatic(type.getDimSize(i), first.getDimSize(i)))
        return emitOpError("operands differ in dimension ") << i << " (" << first
                                                            << " vs " << type << ")";
  }
  return success();
}

LogicalResult SplitOp::verify() {
  RankedTensorType input = getInput().getType();
  if (failed(detail::verifyAxis(getOperation(), getAxis(), input.getRank())) ||
      failed(verifyVector(getOperation(), getSplit(), "split")))
    return failure();
  if (getOutputs().empty())
    return emitOpError("expects at least one result");
  if (dimsConflictStatic(vectorLength(getSplit()), getOutputs().size()))
    return emitOpError("has ") << getOutputs().size() << " results but 'split' has "
                               << vectorLength(getSplit()) << " sizes";
  for (Value out : getOutputs()) {
    RankedTensorType type = rankedType(out);
    if (type.getRank() != input.getRank() || type.getElementType() != input.getElementType())
      return emitOpError("results must have the input's rank and element type");
  }
  if (auto sizes = getConstantIntValues(getSplit())) {
    int64_t total = 0;
    for (auto [size, out] : llvm::zip(*sizes, getOutputs())) {
      if (dimsConflictStatic(size, rankedType(out).getDimSize(getAxis())))
        return emitOpError("result type ") << out.getType() << " does not match split size "
                                           << size;
      total += size;
    }
    if (dimsConflictStatic(total, input.getDimSize(getAxis())))
      return emitOpError("split sizes sum to ") << total << " but the axis has size "
                                                << input.getDimSize(getAxis());
  }
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getData());
  auto starts = getConstantIntValues(adaptor.getStarts());
  auto ends = getConstantIntValues(adaptor.getEnds());
  auto axes = constantAxes(adaptor.getAxes(), input.getRank());
  auto steps = getConstantIntValues(adaptor.getSteps());
  Shape shape(input.getShape());
  if (!axes) {
    // Without constant axes any dimension may be sliced.
    std::fill(shape.begin(), shape.end(), kDynamic);
  } else {
    for (auto [i, axis] : llvm::enumerate(*axes)) {
      if (!starts || !ends || !steps || i >= starts->size() || i >= ends->size() ||
          i >= steps->size()) {
        shape[axis] = kDynamic;
        continue;
      }
      if ((*steps)[i] == 0)
        return detail::inferError(loc, "slice step must not be 0");
      shape[axis] = slicedLength(input.getDimSize(axis), (*starts)[i], (*ends)[i], (*steps)[i]);
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult SliceOp::verify() {
  int64_t n = vectorLength(getStarts());
  for (auto [value, name] : {std::pair{getStarts(), "starts"}, {getEnds(), "ends"},
                             {getAxes(), "axes"}, {getSteps(), "steps"}}) {
    if (failed(verifyVector(getOperation(), value, name)))
      return failure();
    if (dimsConflictStatic(vectorLength(value), n))
      return emitOpError("expects starts, ends, axes and steps of one length");
  }
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getData());
  auto pads = getConstantIntValues(adaptor.getPads());
  auto axes = constantAxes(adaptor.getAxes(), input.getRank());
  Shape shape(input.getShape());
  if (!pads || !axes || pads->size() != 2 * axes->size()) {
    std::fill(shape.begin(), shape.end(), kDynamic);
  } else {
    size_t n = axes->size();
    for (size_t i = 0; i < n; ++i) {
      int64_t &d = shape[(*axes)[i]];
      if (!ShapedType::isDynamic(d))
        d += (*pads)[i] + (*pads)[i + n];
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  if (!llvm::is_contained({"constant", "reflect", "edge", "wrap"}, getMode()))
    return emitOpError("unknown mode '") << getMode() << "'";
  if (getConstantValue().getType().getNumElements() != 1 ||
      getConstantValue().getType().getElementType() != getData().getType().getElementType())
    return emitOpError("expects a scalar constant_value of the data's element type");
  if (failed(verifyVector(getOperation(), getPads(), "pads")) ||
      failed(verifyVector(getOperation(), getAxes(), "axes")))
    return failure();
  int64_t axes = vectorLength(getAxes());
  if (!ShapedType::isDynamic(axes) && dimsConflictStatic(vectorLength(getPads()), 2 * axes))
    return emitOpError("expects two pads per padded axis");
  return success();
}

LogicalResult DepthToSpaceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (input.getRank() != 4 || b < 1)
    return detail::inferError(loc, "depth_to_space expects a 4-D input and blocksize >= 1");
  auto scale = [](int64_t d, int64_t f, bool mul) {
    return ShapedType::isDynamic(d) ? kDynamic : (mul ? d * f : d / f);
  };
  types.push_back(RankedTensorType::get(
      {input.getDimSize(0), scale(input.getDimSize(1), b * b, false),
       scale(input.getDimSize(2), b, true), scale(input.getDimSize(3), b, true)},
      input.getElementType()));
  return success();
}

LogicalResult DepthToSpaceOp::verify() {
  int64_t c = getInput().getType().getDimSize(1), b = getBlocksize();
  if (!ShapedType::isDynamic(c) && c % (b * b) != 0)
    return emitOpError("channels ") << c << " are not divisible by blocksize^2 = " << b * b;
  if (getMode() != "DCR" && getMode() != "CRD")
    return emitOpError("unknown mode '") << getMode() << "'";
  return success();
}

LogicalResult SpaceToDepthOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (input.getRank() != 4 || b < 1)
    return detail::inferError(loc, "space_to_depth expects a 4-D input and blocksize >= 1");
  auto scale = [](int64_t d, int64_t f, bool mul) {
    return ShapedType::isDynamic(d) ? kDynamic : (mul ? d * f : d / f);
  };
  types.push_back(RankedTensorType::get(
      {input.getDimSize(0), scale(input.getDimSize(1), b * b, true),
       scale(input.getDimSize(2), b, false), scale(input.getDimSize(3), b, false)},
      input.getElementType()));
  return success();
}

LogicalResult SpaceToDepthOp::verify() {
  RankedTensorType input = getInput().getType();
  for (int64_t i : {2, 3}) {
    int64_t d = input.getDimSize(i);
    if (!ShapedType::isDynamic(d) && d % getBlocksize() != 0)
      return emitOpError("spatial size ") << d << " is not divisible by blocksize "
                                          << getBlocksize();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= data.getRank())
    return detail::inferError(loc, "gather axis out of range");
  Shape shape(data.getShape().take_front(axis));
  shape.append(indices.getShape().begin(), indices.getShape().end());
  shape.append(data.getShape().begin() + axis + 1, data.getShape().end());
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherOp::verify() {
  return detail::verifyAxis(getOperation(), getAxis(), getData().getType().getRank());
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(rankedType(adaptor.getIndices()).getShape(),
                                        rankedType(adaptor.getData()).getElementType()));
  return success();
}

LogicalResult GatherElementsOp::verify() {
  if (getIndices().getType().getRank() != getData().getType().getRank())
    return emitOpError("expects indices of the data's rank");
  return detail::verifyAxis(getOperation(), getAxis(), getData().getType().getRank());
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  int64_t b = adaptor.getBatchDims();
  int64_t last = indices.getRank() ? indices.getShape().back() : kDynamic;
  if (ShapedType::isDynamic(last) || last > data.getRank() - b || indices.getRank() < 1)
    return detail::inferError(loc, "gather_nd needs a static index depth <= data rank - batch_dims");
  Shape shape(indices.getShape().drop_back());
  shape.append(data.getShape().begin() + b + last, data.getShape().end());
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult detail::inferReduction(std::optional<Location> loc, Value data, Value axes,
                                     bool keepdims, bool noopWithEmptyAxes,
                                     SmallVectorImpl<Type> &types) {
  auto input = rankedType(data);
  int64_t rank = input.getRank();
  auto values = constantAxes(axes, rank);
  int64_t count = vectorLength(axes);
  if (!values) {
    // Unknown axes: the rank is known only when dimensions are kept or all go.
    if (keepdims)
      types.push_back(RankedTensorType::get(Shape(rank, kDynamic), input.getElementType()));
    else if (count == 0 && !noopWithEmptyAxes)
      types.push_back(RankedTensorType::get({}, input.getElementType()));
    else if (!ShapedType::isDynamic(count))
      types.push_back(RankedTensorType::get(Shape(rank - count, kDynamic), input.getElementType()));
    else
      return inferError(loc, "reduction axes must be constant or of static length");
    return success();
  }
  if (values->empty() && noopWithEmptyAxes) {
    types.push_back(input);
    return success();
  }
  Shape shape;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = values->empty() || llvm::is_contained(*values, i);
    if (!reduced)
      shape.push_back(input.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult detail::verifyReduction(Operation *op, Value data, Value axes) {
  if (failed(verifyVector(op, axes, "axes")))
    return failure();
  if (auto values = getConstantIntValues(axes)) {
    int64_t rank = rankedType(data).getRank();
    for (int64_t a : *values)
      if (!normalizeAxis(a, rank))
        return op->emitOpError("axis ") << a << " is out of range for rank " << rank;
  }
  return success();
}

LogicalResult detail::inferArgReduction(std::optional<Location> loc, Value data, int64_t axis,
                                        bool keepdims, SmallVectorImpl<Type> &types) {
  auto input = rankedType(data);
  if (axis < 0 || axis >= input.getRank())
    return inferError(loc, "axis out of range");
  Shape shape(input.getShape());
  if (keepdims)
    shape[axis] = 1;
  else
    shape.erase(shape.begin() + axis);
  types.push_back(RankedTensorType::get(shape, IntegerType::get(data.getContext(), 64)));
  return success();
}

} // namespace kiln::graph
