//===- NNImporters.cpp - ONNX matrix, conv, pool and norm ops -------------===//

#include "compiler/NodeImporter.h"
#include "compiler/TensorConversion.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

LogicalResult importMatMul(NodeImporter &node) {
  return node.setResult(node.create<MatMulOp>(node.input(0), node.input(1)));
}

LogicalResult importGemm(NodeImporter &node) {
  auto alpha = node.getFloat("alpha", 1.0f);
  auto beta = node.getFloat("beta", 1.0f);
  auto transA = node.getInt("transA", 0);
  auto transB = node.getInt("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  return node.setResult(node.create<GemmOp>(node.input(0), node.input(1), node.input(2),
                                            APFloat(*alpha), APFloat(*beta), *transA != 0, *transB != 0));
}

/// kernel_shape, strides, dilations, pads and auto_pad of a window op, with
/// ONNX's defaults spelled out and auto_pad resolved when sizes are static.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
  std::string autoPad;
};

FailureOr<Window> readWindow(NodeImporter &node, RankedTensorType input,
                             std::optional<SmallVector<int64_t>> defaultKernel,
                             bool hasDilations = true) {
  if (input.getRank() < 3)
    return node.emitError() << node.opType() << " expects an N x C x D1 x ... input, got "
                            << input;
  size_t n = input.getRank() - 2;
  Window w;
  auto kernel = node.getInts("kernel_shape", defaultKernel);
  auto strides = node.getInts("strides", SmallVector<int64_t>(n, 1));
  auto dilations = hasDilations ? node.getInts("dilations", SmallVector<int64_t>(n, 1))
                                : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(n, 1));
  auto pads = node.getInts("pads", SmallVector<int64_t>(2 * n, 0));
  auto autoPad = node.getString("auto_pad", std::string("NOTSET"));
  if (failed(kernel) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(autoPad))
    return failure();
  auto checkCount = [&](ArrayRef<int64_t> v, size_t expected, StringRef name) {
    if (v.size() == expected)
      return success();
    return LogicalResult(node.emitError() << "attribute '" << name << "' of " << node.opType()
                                          << " has " << v.size() << " values; a rank-"
                                          << input.getRank() << " input needs " << expected);
  };
  if (failed(checkCount(*kernel, n, "kernel_shape")) ||
      failed(checkCount(*strides, n, "strides")) ||
      failed(checkCount(*dilations, n, "dilations")) ||
      failed(checkCount(*pads, 2 * n, "pads")))
    return failure();
  w.kernel = *kernel;
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads = *pads;
  w.autoPad = *autoPad;
  if (!llvm::is_contained({"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"}, w.autoPad))
    return node.emitError() << "attribute 'auto_pad' of " << node.opType()
                            << " has unknown value '" << w.autoPad << "'";
  if (w.autoPad != "NOTSET") {
    if (auto resolved = resolveAutoPad(w.autoPad, input.getShape().drop_front(2), w.kernel,
                                       w.strides, w.dilations)) {
      w.pads = *resolved;
      w.autoPad = "NOTSET";
    }
  }
  return w;
}

LogicalResult importConv(NodeImporter &node) {
  RankedTensorType input = node.inputType(0), weight = node.inputType(1);
  std::optional<SmallVector<int64_t>> kernel;
  if (weight.getRank() >= 3 && llvm::none_of(weight.getShape().drop_front(2),
                                             ShapedType::isDynamic))
    kernel = SmallVector<int64_t>(weight.getShape().drop_front(2));
  auto window = readWindow(node, input, kernel);
  auto group = node.getInt("group", 1);
  if (failed(window) || failed(group))
    return failure();
  return node.setResult(node.create<ConvOp>(
      node.input(0), node.input(1), node.input(2), window->kernel, window->strides,
      window->dilations, window->pads, *group, window->autoPad));
}

LogicalResult importConvTranspose(NodeImporter &node) {
  RankedTensorType input = node.inputType(0), weight = node.inputType(1);
  std::optional<SmallVector<int64_t>> kernel;
  if (weight.getRank() >= 3 && llvm::none_of(weight.getShape().drop_front(2),
                                             ShapedType::isDynamic))
    kernel = SmallVector<int64_t>(weight.getShape().drop_front(2));
  if (input.getRank() < 3)
    return node.emitError() << "ConvTranspose expects an N x C x D1 x ... input";
  size_t n = input.getRank() - 2;
  auto strides = node.getInts("strides", SmallVector<int64_t>(n, 1));
  auto dilations = node.getInts("dilations", SmallVector<int64_t>(n, 1));
  auto kernelShape = node.getInts("kernel_shape", kernel);
  auto pads = node.getInts("pads", SmallVector<int64_t>(2 * n, 0));
  auto outputPadding = node.getInts("output_padding", SmallVector<int64_t>(n, 0));
  auto outputShape = node.getInts("output_shape", SmallVector<int64_t>());
  auto autoPad = node.getString("auto_pad", std::string("NOTSET"));
  auto group = node.getInt("group", 1);
  if (failed(strides) || failed(dilations) || failed(kernelShape) || failed(pads) ||
      failed(outputPadding) || failed(outputShape) || failed(autoPad) || failed(group))
    return failure();
  if (strides->size() != n || dilations->size() != n || kernelShape->size() != n ||
      pads->size() != 2 * n || outputPadding->size() != n)
    return node.emitError() << "ConvTranspose attributes do not match a rank-"
                            << input.getRank() << " input";
  // output_shape (or auto_pad SAME) fixes the total padding; split it as ONNX
  // does (the extra element goes to the end for SAME_UPPER / NOTSET).
  std::string mode = *autoPad;
  if (!outputShape->empty() || mode.rfind("SAME", 0) == 0) {
    SmallVector<int64_t> target = *outputShape;
    if (!target.empty() && target.size() == n + 2)
      target.erase(target.begin(), target.begin() + 2);
    if (target.empty() || target.size() != n) {
      if (!outputShape->empty())
        return node.emitError() << "ConvTranspose output_shape must have " << n << " values";
    }
    for (size_t i = 0; i < n; ++i) {
      int64_t in = input.getDimSize(i + 2);
      if (ShapedType::isDynamic(in))
        return node.emitError()
               << "ConvTranspose with output_shape or SAME padding needs static spatial sizes";
      int64_t out = target.empty() ? in * (*strides)[i] : target[i];
      int64_t total = (*strides)[i] * (in - 1) + (*outputPadding)[i] +
                      ((*kernelShape)[i] - 1) * (*dilations)[i] + 1 - out;
      if (total < 0) {
        // Negative total padding means extra output: fold it into output_padding.
        (*outputPadding)[i] += -total;
        total = 0;
      }
      bool lower = mode == "SAME_LOWER";
      (*pads)[i] = lower ? total - total / 2 : total / 2;
      (*pads)[i + n] = total - (*pads)[i];
    }
    mode = "NOTSET";
  }
  return node.setResult(node.create<ConvTransposeOp>(
      node.input(0), node.input(1), node.input(2), *kernelShape, *strides, *dilations, *pads,
      *outputPadding, *group, mode));
}

LogicalResult importMaxPool(NodeImporter &node) {
  auto window = readWindow(node, node.inputType(0), std::nullopt, node.opset() >= 10);
  auto ceilMode = node.getInt("ceil_mode", 0);
  auto storageOrder = node.getInt("storage_order", 0);
  if (failed(window) || failed(ceilMode) || failed(storageOrder))
    return failure();
  if (node.outputUsed(1)) {
    if (*storageOrder != 0 && *storageOrder != 1)
      return node.unsupportedAttrValue("storage_order", std::to_string(*storageOrder));
    auto op = node.create<MaxPoolWithIndicesOp>(
        node.input(0), window->kernel, window->strides, window->dilations, window->pads,
        *ceilMode != 0, window->autoPad, *storageOrder);
    return node.setResult(op);
  }
  return node.setResult(node.create<MaxPoolOp>(node.input(0), window->kernel,
                                               window->strides, window->dilations,
                                               window->pads, *ceilMode != 0, window->autoPad));
}

LogicalResult importAveragePool(NodeImporter &node) {
  auto window = readWindow(node, node.inputType(0), std::nullopt, node.opset() >= 19);
  auto ceilMode = node.getInt("ceil_mode", 0);
  auto countIncludePad = node.getInt("count_include_pad", 0);
  if (failed(window) || failed(ceilMode) || failed(countIncludePad))
    return failure();
  return node.setResult(node.create<AveragePoolOp>(
      node.input(0), window->kernel, window->strides, window->dilations, window->pads,
      *ceilMode != 0, *countIncludePad != 0, window->autoPad));
}

LogicalResult importLpPool(NodeImporter &node) {
  auto window = readWindow(node, node.inputType(0), std::nullopt, node.opset() >= 18);
  if (failed(window))
    return failure();
  // LpPool-1 gave p as a float; the op (like later opsets) takes an integer.
  FailureOr<int64_t> p = failure();
  if (node.opset() < 2) {
    auto pFloat = node.getFloat("p", 2.0f);
    if (failed(pFloat))
      return failure();
    if (*pFloat != std::floor(*pFloat) || *pFloat < 1.0f)
      return node.unsupportedAttrValue("p", std::to_string(*pFloat));
    p = int64_t(*pFloat);
  } else {
    p = node.getInt("p", 2);
  }
  if (failed(p))
    return failure();
  return node.setResult(node.create<LpPoolOp>(node.input(0), window->kernel, window->strides,
                                              window->dilations, window->pads, *p, false,
                                              window->autoPad));
}

template <typename OpTy>
LogicalResult importGlobalPool(NodeImporter &node) {
  return node.setResult(node.create<OpTy>(node.input(0)));
}

/// training_mode = 1 (opset 14+): normalize with the batch's own mean and
/// (population) variance over every axis but the channels, and output the
/// updated running statistics, `running * momentum + batch * (1 - momentum)`.
/// Composed from graph ops, so it reuses their lowerings.
LogicalResult importBatchNormTraining(NodeImporter &node, float epsilon) {
  auto momentum = node.getFloat("momentum", 0.9f);
  if (failed(momentum))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 2 || ShapedType::isDynamic(type.getDimSize(1)))
    return node.emitError() << "BatchNormalization in training mode needs an input of rank >= 2 "
                               "with a static channel dimension, got "
                            << type;
  int64_t rank = type.getRank(), channels = type.getDimSize(1);
  Type element = type.getElementType();
  SmallVector<int64_t> axes{0}, perChannelShape(rank, 1);
  for (int64_t axis = 2; axis < rank; ++axis)
    axes.push_back(axis);
  perChannelShape[1] = channels;
  // Each step yields a null value once any op could not be created (its
  // error is already reported), and the null propagates to the end.
  auto resultOf = [](Operation *op) { return op ? op->getResult(0) : Value(); };
  auto mean = [&](Value v) -> Value {
    return v ? resultOf(node.create<ReduceMeanOp>(v, node.constI64(axes), true, false))
             : Value();
  };
  auto binary = [&](auto tag, Value lhs, Value rhs) -> Value {
    using OpTy = decltype(tag);
    return lhs && rhs ? resultOf(node.create<OpTy>(lhs, rhs)) : Value();
  };
  auto reshape = [&](Value v, ArrayRef<int64_t> shape) -> Value {
    return v ? resultOf(node.create<ReshapeOp>(v, node.constI64(shape), false)) : Value();
  };
  Value x = node.input(0);
  Value batchMean = mean(x);
  Value centered = binary(SubOp(), x, batchMean);
  Value batchVariance = mean(binary(MulOp(), centered, centered));
  Value shifted = binary(AddOp(), batchVariance, node.constScalar(element, epsilon));
  Value deviation = shifted ? resultOf(node.create<SqrtOp>(shifted)) : Value();
  Value normalized = binary(DivOp(), centered, deviation);
  Value scaled = binary(MulOp(), normalized, reshape(node.input(1), perChannelShape));
  Value y = binary(AddOp(), scaled, reshape(node.input(2), perChannelShape));
  if (!y)
    return failure();
  SmallVector<Value> results{y};
  if (node.numOutputs() > 1) {
    Value keep = node.constScalar(element, *momentum);
    Value take = node.constScalar(element, 1.0 - *momentum);
    auto running = [&](Value previous, Value batch) {
      return binary(AddOp(), binary(MulOp(), previous, keep),
                    binary(MulOp(), reshape(batch, {channels}), take));
    };
    results.push_back(running(node.input(3), batchMean));
    if (node.numOutputs() > 2)
      results.push_back(running(node.input(4), batchVariance));
    if (llvm::is_contained(results, Value()))
      return failure();
  }
  return node.setResults(results);
}

LogicalResult importBatchNorm(NodeImporter &node) {
  auto epsilon = node.getFloat("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  if (node.opset() < 7) {
    // is_test = 0 (the default) asks for batch statistics: training.
    auto isTest = node.getInt("is_test", 0);
    if (failed(isTest))
      return failure();
    if (*isTest == 0)
      return node.emitError() << "BatchNormalization with is_test = 0 (training mode) is "
                                 "not supported (kiln compiles models for inference)";
  }
  if (node.opset() < 9) {
    auto spatial = node.getInt("spatial", 1);
    if (failed(spatial))
      return failure();
    if (*spatial != 1)
      return node.unsupportedAttrValue("spatial", std::to_string(*spatial));
  }
  if (node.opset() >= 14) {
    auto training = node.getInt("training_mode", 0);
    if (failed(training))
      return failure();
    if (*training != 0)
      return importBatchNormTraining(node, *epsilon);
  }
  return node.setResult(node.create<BatchNormOp>(node.input(0), node.input(1), node.input(2),
                                                 node.input(3), node.input(4), APFloat(*epsilon)));
}

LogicalResult importInstanceNorm(NodeImporter &node) {
  auto epsilon = node.getFloat("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  return node.setResult(
      node.create<InstanceNormOp>(node.input(0), node.input(1), node.input(2), APFloat(*epsilon)));
}

LogicalResult importLayerNorm(NodeImporter &node) {
  auto axis = node.getInt("axis", -1);
  auto epsilon = node.getFloat("epsilon", 1e-5f);
  auto stash = node.getInt("stash_type", 1);
  if (failed(axis) || failed(epsilon) || failed(stash))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  auto normalized = normalizeAxis(*axis, rank);
  if (!normalized)
    return node.emitError() << "LayerNormalization axis " << *axis
                            << " is out of range for rank " << rank;
  // The statistics (and the Mean and InvStdDev outputs) are in stash_type.
  Type stashType = convertElementType(node.context(), static_cast<int32_t>(*stash));
  if (!stashType || !isa<FloatType>(stashType))
    return node.emitError() << "LayerNormalization stash_type "
                            << elementTypeName(static_cast<int32_t>(*stash))
                            << " is not a floating-point type";
  TypeAttr stashAttr = stashType.isF32() ? TypeAttr() : TypeAttr::get(stashType);
  return node.setResult(node.create<LayerNormOp>(node.input(0), node.input(1), node.input(2),
                                                 *normalized, APFloat(*epsilon), stashAttr));
}

LogicalResult importLRN(NodeImporter &node) {
  auto size = node.getInt("size", std::nullopt);
  auto alpha = node.getFloat("alpha", 0.0001f);
  auto beta = node.getFloat("beta", 0.75f);
  auto bias = node.getFloat("bias", 1.0f);
  if (failed(size) || failed(alpha) || failed(beta) || failed(bias))
    return failure();
  return node.setResult(
      node.create<LRNOp>(node.input(0), *size, APFloat(*alpha), APFloat(*beta), APFloat(*bias)));
}

/// Softmax, LogSoftmax and Hardmax. Before opset 13 they worked on the input
/// coerced to 2-D at `axis` (default 1); that equals the new per-axis form when
/// axis is the last dimension, and otherwise becomes reshape -> op -> reshape.
template <typename OpTy>
LogicalResult importSoftmaxLike(NodeImporter &node) {
  bool legacy = node.opset() < 13;
  auto axis = node.getInt("axis", legacy ? 1 : -1);
  if (failed(axis))
    return failure();
  Value input = node.input(0);
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  auto normalized = normalizeAxis(*axis, std::max<int64_t>(rank, 1));
  if (!normalized)
    return node.emitError() << node.opType() << " axis " << *axis
                            << " is out of range for rank " << rank;
  if (!legacy || *normalized == rank - 1)
    return node.setResult(node.create<OpTy>(input, *normalized));
  auto flat = node.create<FlattenOp>(input, *normalized);
  if (!flat)
    return failure();
  auto op = node.create<OpTy>(flat, 1);
  Value shape = node.create<ShapeOp>(input, 0, nullptr);
  return node.setResult(node.create<ReshapeOp>(op, shape, false));
}

/// Resize from opset 11 (X, roi, scales, sizes) and 10 (X, scales); Upsample
/// (opset 7: scales attribute, 9: scales input) maps onto it too.
LogicalResult importResize(NodeImporter &node) {
  bool upsample = node.opType() == "Upsample";
  auto mode = node.getString("mode", std::string("nearest"));
  if (failed(mode))
    return failure();
  std::string modeName = *mode == "bilinear" ? "linear" : *mode;
  Value roi, scales, sizes;
  std::string transform = "asymmetric", nearest = "floor";
  float cubicA = -0.75f, extrapolation = 0.0f;
  bool excludeOutside = false;
  if (upsample && node.opset() < 9) {
    auto values = node.getFloats("scales", std::nullopt);
    if (failed(values))
      return failure();
    auto type = RankedTensorType::get({int64_t(values->size())}, node.builder().getF32Type());
    scales = node.create<ConstantOp>(DenseElementsAttr::get(type, ArrayRef<float>(*values)));
  } else if (upsample || node.opset() == 10) {
    scales = node.input(1);
  } else {
    auto transformAttr = node.getString("coordinate_transformation_mode",
                                        std::string("half_pixel"));
    auto nearestAttr = node.getString("nearest_mode", std::string("round_prefer_floor"));
    auto cubic = node.getFloat("cubic_coeff_a", -0.75f);
    auto exclude = node.getInt("exclude_outside", 0);
    auto extrap = node.getFloat("extrapolation_value", 0.0f);
    if (failed(transformAttr) || failed(nearestAttr) || failed(cubic) || failed(exclude) ||
        failed(extrap))
      return failure();
    transform = *transformAttr;
    nearest = *nearestAttr;
    cubicA = *cubic;
    excludeOutside = *exclude != 0;
    extrapolation = *extrap;
    roi = node.input(1);
    scales = node.input(2);
    sizes = node.input(3);
    // An empty roi or scales tensor stands for "absent".
    auto isEmpty = [](Value v) {
      return v && cast<RankedTensorType>(v.getType()).getNumElements() == 0;
    };
    if (isEmpty(roi))
      roi = nullptr;
    if (isEmpty(scales))
      scales = nullptr;
    if (isEmpty(sizes))
      sizes = nullptr;
  }
  if (bool(scales) == bool(sizes))
    return node.emitError() << node.opType() << " needs exactly one of 'scales' and 'sizes'";

  RankedTensorType input = node.inputType(0);
  Shape shape(input.getRank(), ShapedType::kDynamic);
  if (RankedTensorType inferred = node.inferredOutputType(0))
    shape.assign(inferred.getShape().begin(), inferred.getShape().end());
  else if (auto constSizes = getConstantIntValues(sizes))
    shape.assign(constSizes->begin(), constSizes->end());
  else if (auto constScales = getConstantFloatValues(scales)) {
    for (size_t i = 0; i < shape.size() && i < constScales->size(); ++i)
      if (!input.isDynamicDim(i))
        shape[i] = int64_t(std::floor(double(input.getDimSize(i)) * (*constScales)[i]));
  }
  auto resultType = RankedTensorType::get(shape, input.getElementType());
  auto op = node.create<ResizeOp>(resultType, node.input(0), roi, scales, sizes, modeName,
                                  transform, nearest, APFloat(cubicA), excludeOutside,
                                  APFloat(extrapolation));
  return node.setResult(op);
}

constexpr int64_t kMax = 17;

const OpImporterEntry kNNImporters[] = {
    {"MatMul", 1, kMax, importMatMul},
    {"Gemm", 1, kMax, importGemm},
    {"Conv", 1, kMax, importConv},
    {"ConvTranspose", 1, kMax, importConvTranspose},
    {"MaxPool", 1, kMax, importMaxPool},
    {"AveragePool", 1, kMax, importAveragePool},
    {"LpPool", 1, kMax, importLpPool},
    {"GlobalAveragePool", 1, kMax, importGlobalPool<GlobalAveragePoolOp>},
    {"GlobalMaxPool", 1, kMax, importGlobalPool<GlobalMaxPoolOp>},
    {"BatchNormalization", 1, kMax, importBatchNorm},
    {"InstanceNormalization", 1, kMax, importInstanceNorm},
    {"LayerNormalization", 17, kMax, importLayerNorm},
    {"LRN", 1, kMax, importLRN},
    {"Softmax", 1, kMax, importSoftmaxLike<SoftmaxOp>},
    {"LogSoftmax", 1, kMax, importSoftmaxLike<LogSoftmaxOp>},
    {"Hardmax", 1, kMax, importSoftmaxLike<HardmaxOp>},
    {"Resize", 10, kMax, importResize},
    {"Upsample", 7, 9, importResize},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> nnImporters() { return kNNImporters; }

} // namespace kiln
