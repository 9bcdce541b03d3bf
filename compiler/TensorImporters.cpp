//===- TensorImporters.cpp - ONNX shape, data-movement and reduction ops --===//
//
// Most opset differences live here: Slice, Pad, Split, Squeeze, Unsqueeze and
// the reductions took attributes that later opsets turned into inputs. All are
// normalized to the input form.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "compiler/TensorConversion.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

/// An ONNX "axes"-like list that is an attribute in old opsets and an input in
/// new ones. Returns a 1-D i64 value, or null when it is absent in both.
FailureOr<Value> attrOrInput(NodeImporter &node, StringRef attrName, size_t inputIndex,
                             int64_t firstOpsetAsInput) {
  if (node.opset() >= firstOpsetAsInput)
    return node.input(inputIndex);
  if (!node.hasAttr(attrName))
    return Value();
  auto values = node.getInts(attrName, std::nullopt);
  if (failed(values))
    return failure();
  return node.constI64(*values);
}

LogicalResult importConstant(NodeImporter &node) {
  Builder b(node.context());
  auto scalarOrVector = [&](Type element, ArrayRef<Attribute> values, bool scalar) {
    auto type = RankedTensorType::get(scalar ? ArrayRef<int64_t>{}
                                             : ArrayRef<int64_t>{int64_t(values.size())},
                                      element);
    return DenseElementsAttr::get(type, values);
  };
  ElementsAttr value;
  if (node.hasAttr("value")) {
    auto tensor = node.getTensor("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (node.hasAttr("value_float")) {
    auto f = node.getFloat("value_float", std::nullopt);
    if (failed(f))
      return failure();
    value = scalarOrVector(b.getF32Type(), {b.getF32FloatAttr(*f)}, true);
  } else if (node.hasAttr("value_floats")) {
    auto fs = node.getFloats("value_floats", std::nullopt);
    if (failed(fs))
      return failure();
    SmallVector<Attribute> attrs;
    for (float f : *fs)
      attrs.push_back(b.getF32FloatAttr(f));
    value = scalarOrVector(b.getF32Type(), attrs, false);
  } else if (node.hasAttr("value_int")) {
    auto i = node.getInt("value_int", std::nullopt);
    if (failed(i))
      return failure();
    value = scalarOrVector(b.getI64Type(), {b.getI64IntegerAttr(*i)}, true);
  } else if (node.hasAttr("value_ints")) {
    auto is = node.getInts("value_ints", std::nullopt);
    if (failed(is))
      return failure();
    SmallVector<Attribute> attrs;
    for (int64_t i : *is)
      attrs.push_back(b.getI64IntegerAttr(i));
    value = scalarOrVector(b.getI64Type(), attrs, false);
  } else {
    return node.emitError() << "Constant needs one of 'value', 'value_float(s)' or "
                               "'value_int(s)' (string and sparse constants are not "
                               "supported)";
  }
  return node.setResult(node.create<ConstantOp>(value));
}

LogicalResult importShape(NodeImporter &node) {
  auto start = node.getInt("start", 0);
  if (failed(start))
    return failure();
  IntegerAttr end;
  if (node.hasAttr("end")) {
    auto e = node.getInt("end", std::nullopt);
    if (failed(e))
      return failure();
    end = node.builder().getI64IntegerAttr(*e);
  }
  return node.setResult(node.create<ShapeOp>(node.input(0), *start, end));
}

LogicalResult importSize(NodeImporter &node) {
  return node.setResult(node.create<SizeOp>(node.input(0)));
}

LogicalResult importConstantOfShape(NodeImporter &node) {
  ElementsAttr value;
  if (node.hasAttr("value")) {
    auto tensor = node.getTensor("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else {
    auto type = RankedTensorType::get({1}, node.builder().getF32Type());
    value = DenseElementsAttr::get(type, 0.0f);
  }
  return node.setResult(node.create<ConstantOfShapeOp>(node.input(0), value));
}

LogicalResult importRange(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  Shape shape{ShapedType::kDynamic};
  if (RankedTensorType inferred = node.inferredOutputType(0))
    shape.assign(inferred.getShape().begin(), inferred.getShape().end());
  return node.setResult(node.create<RangeOp>(
      RankedTensorType::get(shape, type.getElementType()), node.input(0), node.input(1),
      node.input(2)));
}

LogicalResult importReshape(NodeImporter &node) {
  auto allowZero = node.getInt("allowzero", 0);
  if (failed(allowZero))
    return failure();
  // Before opset 5 the target shape was an attribute.
  auto target = attrOrInput(node, "shape", 1, 5);
  if (failed(target))
    return failure();
  if (!*target)
    return node.emitError() << "Reshape needs 'shape'";
  // A target of unknown length (computed, not yet folded) leaves the result
  // rank open; ONNX's shape inference may still know the result type.
  auto targetType = cast<RankedTensorType>((*target).getType());
  if (targetType.getRank() == 1 && targetType.isDynamicDim(0)) {
    RankedTensorType inferred = node.inferredOutputType(0);
    if (!inferred)
      return node.emitError() << "Reshape target has an unknown length and ONNX shape "
                                 "inference gives no result shape";
    return node.setResult(node.builder().create<ReshapeOp>(node.loc(), inferred, node.input(0),
                                                           *target, *allowZero != 0));
  }
  return node.setResult(node.create<ReshapeOp>(node.input(0), *target, *allowZero != 0));
}

LogicalResult importFlatten(NodeImporter &node) {
  auto axis = node.getInt("axis", 1);
  if (failed(axis))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  int64_t normalized = *axis < 0 ? *axis + rank : *axis;
  if (normalized < 0 || normalized > rank)
    return node.emitError() << "Flatten axis " << *axis << " is out of range for rank "
                            << rank;
  return node.setResult(node.create<FlattenOp>(node.input(0), normalized));
}

LogicalResult importTranspose(NodeImporter &node) {
  int64_t rank = node.inputType(0).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  auto perm = node.getInts("perm", reversed);
  if (failed(perm))
    return failure();
  return node.setResult(node.create<TransposeOp>(node.input(0), *perm));
}

LogicalResult importSqueeze(NodeImporter &node) {
  auto axes = attrOrInput(node, "axes", 1, 13);
  if (failed(axes))
    return failure();
  return node.setResult(node.create<SqueezeOp>(node.input(0), *axes));
}

LogicalResult importUnsqueeze(NodeImporter &node) {
  auto axes = attrOrInput(node, "axes", 1, 13);
  if (failed(axes))
    return failure();
  if (!*axes)
    return node.emitError() << "Unsqueeze needs 'axes'";
  return node.setResult(node.create<UnsqueezeOp>(node.input(0), *axes));
}

LogicalResult importExpand(NodeImporter &node) {
  return node.setResult(node.create<ExpandOp>(node.input(0), node.input(1)));
}

LogicalResult importTile(NodeImporter &node) {
  return node.setResult(node.create<TileOp>(node.input(0), node.input(1)));
}

LogicalResult importConcat(NodeImporter &node) {
  // Concat's axis became required in opset 4; it defaulted to 1 before.
  std::optional<int64_t> defaultAxis;
  if (node.opset() < 4)
    defaultAxis = 1;
  auto axis = node.getInt("axis", defaultAxis);
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < node.numInputs(); ++i)
    inputs.push_back(node.input(i));
  int64_t rank = node.inputType(0).getRank();
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << "Concat axis " << *axis << " is out of range for rank " << rank;
  return node.setResult(node.create<ConcatOp>(inputs, *normalized));
}

/// Split: sizes from the attribute (< 13), the input (>= 13), or equal parts.
LogicalResult importSplit(NodeImporter &node) {
  auto axisAttr = node.getInt("axis", 0);
  if (failed(axisAttr))
    return failure();
  RankedTensorType input = node.inputType(0);
  auto axis = normalizeAxis(*axisAttr, input.getRank());
  if (!axis)
    return node.emitError() << "Split axis " << *axisAttr << " is out of range for rank "
                            << input.getRank();
  auto split = attrOrInput(node, "split", 1, 13);
  if (failed(split))
    return failure();
  // Split-1 took the sizes as an attribute or as an optional second input.
  if (!*split && node.opset() < 2)
    split = node.input(1);
  size_t parts = node.numOutputs();
  Value sizes = *split;
  std::optional<SmallVector<int64_t>> known;
  if (sizes) {
    known = getConstantIntValues(sizes);
  } else {
    int64_t dim = input.getDimSize(*axis);
    if (ShapedType::isDynamic(dim))
      return node.emitError() << "Split into equal parts needs a static size along axis "
                              << *axis;
    if (dim % int64_t(parts) != 0)
      return node.emitError() << "Split cannot divide size " << dim << " into " << parts
                              << " equal parts";
    known = SmallVector<int64_t>(parts, dim / int64_t(parts));
    sizes = node.constI64(*known);
  }
  if (known && known->size() != parts)
    return node.emitError() << "Split has " << parts << " outputs but " << known->size()
                            << " sizes";
  SmallVector<Type> types;
  for (size_t i = 0; i < parts; ++i) {
    Shape shape(input.getShape());
    shape[*axis] = known ? (*known)[i] : ShapedType::kDynamic;
    RankedTensorType type = RankedTensorType::get(shape, input.getElementType());
    if (RankedTensorType inferred = node.inferredOutputType(i))
      if (graph::isMoreRefinedType(inferred, type))
        type = inferred;
    types.push_back(type);
  }
  auto op = node.create<SplitOp>(types, node.input(0), sizes, *axis);
  return node.setResults(op.getResults());
}

LogicalResult importSlice(NodeImporter &node) {
  Value starts, ends, axes, steps;
  int64_t rank = node.inputType(0).getRank();
  if (node.opset() < 10) {
    auto s = node.getInts("starts", std::nullopt);
    auto e = node.getInts("ends", std::nullopt);
    if (failed(s) || failed(e))
      return failure();
    SmallVector<int64_t> allAxes;
    for (size_t i = 0; i < s->size(); ++i)
      allAxes.push_back(int64_t(i));
    auto a = node.getInts("axes", allAxes);
    if (failed(a))
      return failure();
    starts = node.constI64(*s);
    ends = node.constI64(*e);
    axes = node.constI64(*a);
  } else {
    starts = node.input(1);
    ends = node.input(2);
    axes = node.input(3);
    steps = node.input(4);
  }
  int64_t count = cast<RankedTensorType>(starts.getType()).getRank() == 1
                      ? cast<RankedTensorType>(starts.getType()).getDimSize(0)
                      : ShapedType::kDynamic;
  if (!axes || !steps) {
    if (ShapedType::isDynamic(count))
      return node.emitError() << "Slice without axes or steps needs starts of static length";
    if (count > rank)
      return node.emitError() << "Slice has " << count << " starts for a rank-" << rank
                              << " input";
  }
  if (!axes) {
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(i);
    axes = node.constI64(values);
  }
  if (!steps)
    steps = node.constI64(SmallVector<int64_t>(count, 1));
  return node.setResult(node.create<SliceOp>(node.input(0), starts, ends, axes, steps));
}

LogicalResult importPad(NodeImporter &node) {
  auto mode = node.getString("mode", std::string("constant"));
  if (failed(mode))
    return failure();
  RankedTensorType input = node.inputType(0);
  Type element = input.getElementType();
  Value pads, value, axes;
  if (node.opset() < 11) {
    // Pad-1 called the attribute `paddings`.
    auto p = node.getInts(node.opset() < 2 ? "paddings" : "pads", std::nullopt);
    auto v = node.getFloat("value", 0.0f);
    if (failed(p) || failed(v))
      return failure();
    pads = node.constI64(*p);
    value = node.constScalar(element, *v);
  } else {
    pads = node.input(1);
    value = node.input(2);
    axes = node.input(3);
  }
  if (!value)
    value = node.constScalar(element, 0.0);
  if (!axes) {
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < input.getRank(); ++i)
      all.push_back(i);
    axes = node.constI64(all);
  }
  return node.setResult(node.create<PadOp>(node.input(0), pads, value, axes, *mode));
}

LogicalResult importDepthToSpace(NodeImporter &node) {
  auto blocksize = node.getInt("blocksize", std::nullopt);
  auto mode = node.getString("mode", std::string("DCR"));
  if (failed(blocksize) || failed(mode))
    return failure();
  return node.setResult(node.create<DepthToSpaceOp>(node.input(0), *blocksize, *mode));
}

LogicalResult importSpaceToDepth(NodeImporter &node) {
  auto blocksize = node.getInt("blocksize", std::nullopt);
  if (failed(blocksize))
    return failure();
  return node.setResult(node.create<SpaceToDepthOp>(node.input(0), *blocksize));
}

template <typename OpTy>
LogicalResult importGatherLike(NodeImporter &node) {
  auto axis = node.getInt("axis", 0);
  if (failed(axis))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for rank " << rank;
  return node.setResult(node.create<OpTy>(node.input(0), node.input(1), *normalized));
}

LogicalResult importGatherND(NodeImporter &node) {
  auto batchDims = node.getInt("batch_dims", 0);
  if (failed(batchDims))
    return failure();
  return node.setResult(node.create<GatherNDOp>(node.input(0), node.input(1), *batchDims));
}

/// Reductions: `axes` is an attribute before `firstInputOpset` (13 for
/// ReduceSum, 18 for the others) and an input from then on.
template <typename OpTy, int64_t firstInputOpset>
LogicalResult importReduce(NodeImporter &node) {
  auto keepdims = node.getInt("keepdims", 1);
  auto noop = node.getInt("noop_with_empty_axes", 0);
  auto axes = attrOrInput(node, "axes", 1, firstInputOpset);
  if (failed(keepdims) || failed(noop) || failed(axes))
    return failure();
  Value axesValue = *axes ? *axes : node.constI64({});
  return node.setResult(
      node.create<OpTy>(node.input(0), axesValue, *keepdims != 0, *noop != 0));
}

template <typename OpTy>
LogicalResult importArgReduce(NodeImporter &node) {
  auto axis = node.getInt("axis", 0);
  auto keepdims = node.getInt("keepdims", 1);
  auto last = node.getInt("select_last_index", 0);
  if (failed(axis) || failed(keepdims) || failed(last))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for rank " << rank;
  return node.setResult(
      node.create<OpTy>(node.input(0), *normalized, *keepdims != 0, *last != 0));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kTensorImporters[] = {
    {"Constant", 1, kMax, importConstant},
    {"Shape", 1, kMax, importShape},
    {"Size", 1, kMax, importSize},
    {"ConstantOfShape", 9, kMax, importConstantOfShape},
    {"Range", 11, kMax, importRange},
    {"Reshape", 1, kMax, importReshape},
    {"Flatten", 1, kMax, importFlatten},
    {"Transpose", 1, kMax, importTranspose},
    {"Squeeze", 1, kMax, importSqueeze},
    {"Unsqueeze", 1, kMax, importUnsqueeze},
    {"Expand", 8, kMax, importExpand},
    {"Tile", 6, kMax, importTile},
    {"Concat", 1, kMax, importConcat},
    {"Split", 1, kMax, importSplit},
    {"Slice", 1, kMax, importSlice},
    {"Pad", 1, kMax, importPad},
    {"DepthToSpace", 1, kMax, importDepthToSpace},
    {"SpaceToDepth", 1, kMax, importSpaceToDepth},
    {"Gather", 1, kMax, importGatherLike<GatherOp>},
    {"GatherElements", 11, kMax, importGatherLike<GatherElementsOp>},
    {"GatherND", 11, kMax, importGatherND},
    {"ReduceSum", 1, kMax, importReduce<ReduceSumOp, 13>},
    {"ReduceMean", 1, kMax, importReduce<ReduceMeanOp, 18>},
    {"ReduceMax", 1, kMax, importReduce<ReduceMaxOp, 18>},
    {"ReduceMin", 1, kMax, importReduce<ReduceMinOp, 18>},
    {"ReduceProd", 1, kMax, importReduce<ReduceProdOp, 18>},
    {"ReduceL1", 1, kMax, importReduce<ReduceL1Op, 18>},
    {"ReduceL2", 1, kMax, importReduce<ReduceL2Op, 18>},
    {"ReduceLogSum", 1, kMax, importReduce<ReduceLogSumOp, 18>},
    {"ReduceLogSumExp", 1, kMax, importReduce<ReduceLogSumExpOp, 18>},
    {"ReduceSumSquare", 1, kMax, importReduce<ReduceSumSquareOp, 18>},
    {"ArgMax", 1, kMax, importArgReduce<ArgMaxOp>},
    {"ArgMin", 1, kMax, importArgReduce<ArgMinOp>},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> tensorImporters() { return kTensorImporters; }

} // namespace kiln
