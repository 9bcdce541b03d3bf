//===- NNOps.cpp - matrix, convolution, pooling, normalization ops ---------===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

/// Two dimensions that must be equal at run time: a contradiction only if
/// both are static.
static bool dimsConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return detail::inferError(loc, "matmul operands must have rank >= 1");
  Shape lhs(lhsType.getShape()), rhs(rhsType.getShape());
  bool lhsVector = lhs.size() == 1, rhsVector = rhs.size() == 1;
  if (lhsVector)
    lhs.insert(lhs.begin(), 1);
  if (rhsVector)
    rhs.push_back(1);
  int64_t k1 = lhs.back(), k2 = rhs[rhs.size() - 2];
  if (dimsConflict(k1, k2))
    return detail::inferError(loc, "matmul contraction sizes differ: " +
                                       Twine(k1) + " vs " + Twine(k2));
  std::optional<Shape> batch = broadcastShapes(ArrayRef(lhs).drop_back(2),
                                               ArrayRef(rhs).drop_back(2));
  if (!batch)
    return detail::inferError(loc, "matmul batch dimensions do not broadcast");
  Shape result = *batch;
  if (!lhsVector)
    result.push_back(lhs[lhs.size() - 2]);
  if (!rhsVector)
    result.push_back(rhs.back());
  types.push_back(RankedTensorType::get(result, lhsType.getElementType()));
  return success();
}

LogicalResult MatMulOp::verify() {
  if (getElementTypeOrSelf(getLhs()) != getElementTypeOrSelf(getRhs()))
    return emitOpError("expects operands of one element type");
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  if (a.getRank() != 2 || b.getRank() != 2)
    return detail::inferError(loc, "gemm operands A and B must be matrices");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  types.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult GemmOp::verify() {
  int64_t ka = getA().getType().getDimSize(getTransA() ? 0 : 1);
  int64_t kb = getB().getType().getDimSize(getTransB() ? 1 : 0);
  if (dimsConflict(ka, kb))
    return emitOpError("contraction sizes differ: A gives ") << ka << ", B gives " << kb;
  if (Value c = getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    auto outShape = getOutput().getType().getShape();
    std::optional<Shape> shape = broadcastShapes(cType.getShape(), outShape);
    if (cType.getRank() > 2 || !shape || failed(verifyCompatibleShape(*shape, outShape)))
      return emitOpError("C of type ") << cType << " does not broadcast to the "
                                       << getOutput().getType() << " result";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Sliding windows
//===----------------------------------------------------------------------===//

LogicalResult detail::verifyWindow(Operation *op, int64_t inputRank,
                                   const WindowParams &window) {
  if (inputRank < 3)
    return op->emitOpError("expects an N x C x D1 x ... input of rank >= 3, got rank ")
           << inputRank;
  size_t spatial = inputRank - 2;
  auto checkSize = [&](ArrayRef<int64_t> values, size_t expected, StringRef name,
                       int64_t minValue) -> LogicalResult {
    if (values.size() != expected)
      return op->emitOpError() << "expects " << expected << " values in '" << name
                               << "' for a rank-" << inputRank << " input, got "
                               << values.size();
    for (int64_t v : values)
      if (v < minValue)
        return op->emitOpError() << "expects '" << name << "' values >= " << minValue
                                 << ", got " << v;
    return success();
  };
  if (failed(checkSize(window.kernelShape, spatial, "kernel_shape", 1)) ||
      failed(checkSize(window.strides, spatial, "strides", 1)) ||
      failed(checkSize(window.dilations, spatial, "dilations", 1)) ||
      failed(checkSize(window.pads, 2 * spatial, "pads", 0)))
    return failure();
  if (!llvm::is_contained({"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"}, window.autoPad))
    return op->emitOpError("unknown auto_pad '") << window.autoPad << "'";
  return success();
}

LogicalResult detail::inferWindowShape(std::optional<Location> loc,
                                       RankedTensorType input, const WindowParams &window,
                                       SmallVectorImpl<int64_t> &shape) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1 || window.kernelShape.size() != size_t(spatial) ||
      window.strides.size() != size_t(spatial) ||
      window.dilations.size() != size_t(spatial) ||
      window.pads.size() != size_t(2 * spatial))
    return inferError(loc, "window attributes do not match the input rank");
  shape.assign(input.getShape().begin(), input.getShape().end());
  bool same = window.autoPad.starts_with("SAME");
  bool valid = window.autoPad == "VALID";
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(i + 2);
    int64_t &out = shape[i + 2];
    if (same) {
      out = ShapedType::isDynamic(in) ? kDynamic : llvm::divideCeil(in, window.strides[i]);
      continue;
    }
    int64_t padBegin = valid ? 0 : window.pads[i];
    int64_t padEnd = valid ? 0 : window.pads[i + spatial];
    out = windowOutputSize(in, window.kernelShape[i], window.strides[i],
                           window.dilations[i], padBegin, padEnd, window.ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return inferError(loc, "window of size " + Twine(window.kernelShape[i]) +
                                 " does not fit spatial dimension " + Twine(i) +
                                 " of size " + Twine(in) + " with its padding");
  }
  return success();
}

LogicalResult detail::inferPooling(std::optional<Location> loc, Value input,
                                   const WindowParams &window,
                                   SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  if (failed(inferWindowShape(loc, type, window, shape)))
    return failure();
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult detail::inferGlobalPooling(Value input, SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(input.getType());
  Shape shape(type.getShape());
  for (size_t i = 2; i < shape.size(); ++i)
    shape[i] = 1;
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult MaxPoolWithIndicesOp::inferReturnTypes(MLIRContext *context,
                                                     std::optional<Location> loc,
                                                     Adaptor adaptor,
                                                     SmallVectorImpl<Type> &types) {
  detail::WindowParams window{adaptor.getKernelShape(), adaptor.getStrides(),
                              adaptor.getDilations(),   adaptor.getPads(),
                              adaptor.getAutoPad(),     adaptor.getCeilMode()};
  if (failed(detail::inferPooling(loc, adaptor.getInput(), window, types)))
    return failure();
  auto output = cast<RankedTensorType>(types.front());
  types.push_back(RankedTensorType::get(output.getShape(), IntegerType::get(context, 64)));
  return success();
}

LogicalResult MaxPoolWithIndicesOp::verify() {
  detail::WindowParams window{getKernelShape(), getStrides(), getDilations(),
                              getPads(),        getAutoPad(), getCeilMode()};
  if (failed(detail::verifyWindow(getOperation(), getInput().getType().getRank(), window)))
    return failure();
  if (getStorageOrder() != 0 && getStorageOrder() != 1)
    return emitOpError("storage_order must be 0 (row-major) or 1 (column-major), got ")
           << getStorageOrder();
  return success();
}

LogicalResult detail::verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return op->emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

static detail::WindowParams convWindow(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                                       StringRef autoPad) {
  return {kernel, strides, dilations, pads, autoPad, false};
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  SmallVector<int64_t> shape;
  if (failed(detail::inferWindowShape(
          loc, input,
          convWindow(adaptor.getKernelShape(), adaptor.getStrides(),
                     adaptor.getDilations(), adaptor.getPads(), adaptor.getAutoPad()),
          shape)))
    return failure();
  shape[1] = weight.getDimSize(0);
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConvOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  if (failed(detail::verifyWindow(getOperation(), input.getRank(),
                                  convWindow(getKernelShape(), getStrides(),
                                             getDilations(), getPads(), getAutoPad()))))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOpError("expects weight of rank ") << input.getRank() << ", got " << weight;
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("group must be positive, got ") << group;
  for (int64_t i = 2; i < weight.getRank(); ++i)
    if (dimsConflict(weight.getDimSize(i), getKernelShape()[i - 2]))
      return emitOpError("kernel_shape does not match the weight's spatial dimensions");
  int64_t channels = input.getDimSize(1), perGroup = weight.getDimSize(1);
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(perGroup) &&
      channels != perGroup * group)
    return emitOpError("input has ") << channels << " channels but weight expects "
                                     << perGroup << " x group " << group;
  int64_t outChannels = weight.getDimSize(0);
  if (!ShapedType::isDynamic(outChannels) && outChannels % group != 0)
    return emitOpError("output channels ") << outChannels
                                           << " are not divisible by group " << group;
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || dimsConflict(biasType.getDimSize(0), outChannels))
      return emitOpError("expects a bias of shape [") << outChannels << "], got " << biasType;
  }
  if (getElementTypeOrSelf(getInput()) != getElementTypeOrSelf(getWeight()))
    return emitOpError("expects input and weight of one element type");
  return success();
}

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1 || adaptor.getKernelShape().size() != size_t(spatial) ||
      adaptor.getStrides().size() != size_t(spatial) ||
      adaptor.getDilations().size() != size_t(spatial) ||
      adaptor.getOutputPadding().size() != size_t(spatial) ||
      adaptor.getPads().size() != size_t(2 * spatial))
    return detail::inferError(loc, "conv_transpose attributes do not match the input rank");
  Shape shape(input.getShape());
  shape[1] = ShapedType::isDynamic(weight.getDimSize(1))
                 ? kDynamic
                 : weight.getDimSize(1) * adaptor.getGroup();
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(i + 2);
    if (ShapedType::isDynamic(in)) {
      shape[i + 2] = kDynamic;
      continue;
    }
    int64_t stride = adaptor.getStrides()[i];
    if (adaptor.getAutoPad().starts_with("SAME")) {
      shape[i + 2] = in * stride;
      continue;
    }
    int64_t effectiveKernel =
        (adaptor.getKernelShape()[i] - 1) * adaptor.getDilations()[i] + 1;
    int64_t pads = adaptor.getAutoPad() == "VALID"
                       ? 0
                       : adaptor.getPads()[i] + adaptor.getPads()[i + spatial];
    shape[i + 2] = stride * (in - 1) + adaptor.getOutputPadding()[i] + effectiveKernel - pads;
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType input = getInput().getType(), weight = getWeight().getType();
  if (failed(detail::verifyWindow(getOperation(), input.getRank(),
                                  convWindow(getKernelShape(), getStrides(),
                                             getDilations(), getPads(), getAutoPad()))))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOpError("expects weight of rank ") << input.getRank() << ", got " << weight;
  if (getGroup() < 1)
    return emitOpError("group must be positive, got ") << getGroup();
  if (dimsConflict(input.getDimSize(1), weight.getDimSize(0)))
    return emitOpError("input has ") << input.getDimSize(1)
                                     << " channels but weight expects " << weight.getDimSize(0);
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

/// Per-channel parameters of batch/instance normalization: 1-D of size C.
static LogicalResult verifyChannelParams(Operation *op, RankedTensorType input,
                                         ValueRange params) {
  if (input.getRank() < 2)
    return op->emitOpError("expects an input of rank >= 2, got ") << input;
  for (Value param : params) {
    auto type = cast<RankedTensorType>(param.getType());
    if (type.getRank() != 1 || dimsConflict(type.getDimSize(0), input.getDimSize(1)))
      return op->emitOpError("expects per-channel parameters of shape [")
             << input.getDimSize(1) << "], got " << type;
  }
  return success();
}

LogicalResult BatchNormOp::verify() {
  return verifyChannelParams(getOperation(), getInput().getType(),
                             {getScale(), getBias(), getMean(), getVariance()});
}

LogicalResult InstanceNormOp::verify() {
  return verifyChannelParams(getOperation(), getInput().getType(), {getScale(), getBias()});
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc, Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t rank = input.getRank();
  int64_t axis = adaptor.getAxis() < 0 ? adaptor.getAxis() + rank : adaptor.getAxis();
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return detail::inferError(loc, "layer_norm axis " + Twine(adaptor.getAxis()) +
                                       " is out of range for rank " + Twine(rank));
  // Mean and InvStdDev keep the leading dimensions; the normalized ones are 1.
  Shape statShape(input.getShape());
  for (int64_t d = axis; d < rank; ++d)
    statShape[d] = 1;
  Type stash = adaptor.getStashType() ? *adaptor.getStashType() : Float32Type::get(context);
  auto statType = RankedTensorType::get(statShape, stash);
  types.append({input, statType, statType});
  return success();
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType input = getInput().getType();
  if (failed(detail::verifyAxis(getOperation(), getAxis(), input.getRank())))
    return failure();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(getAxis());
  SmallVector<Value> params{getScale()};
  if (getBias())
    params.push_back(getBias());
  for (Value param : params) {
    auto type = cast<RankedTensorType>(param.getType());
    std::optional<Shape> shape = broadcastShapes(type.getShape(), normalized);
    if (type.getRank() > int64_t(normalized.size()) || !shape ||
        failed(verifyCompatibleShape(*shape, normalized)))
      return emitOpError("scale/bias of type ")
             << type << " do not broadcast to the normalized dimensions";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Signal windows
//===----------------------------------------------------------------------===//

LogicalResult CosineWindowOp::verify() {
  auto sizeType = cast<RankedTensorType>(getSize().getType());
  if (sizeType.getRank() > 1 || (sizeType.hasStaticShape() && sizeType.getNumElements() != 1))
    return emitOpError("expects a scalar size, got ") << sizeType;
  RankedTensorType output = getOutput().getType();
  if (output.getRank() != 1)
    return emitOpError("expects a 1-D result, got ") << output;
  if (auto size = getConstantIntValues(getSize())) {
    if ((*size)[0] < 0)
      return emitOpError("size must not be negative, got ") << (*size)[0];
    if (dimsConflict(output.getDimSize(0), (*size)[0]))
      return emitOpError("result ") << output << " does not have the constant size "
                                    << (*size)[0];
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  if (bool(getScales()) == bool(getSizes()))
    return emitOpError("expects exactly one of 'scales' and 'sizes'");
  RankedTensorType input = getInput().getType(), output = getOutput().getType();
  if (input.getRank() != output.getRank() ||
      input.getElementType() != output.getElementType())
    return emitOpError("result ") << output << " must have the input's rank and element type";
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, getMode()))
    return emitOpError("unknown mode '") << getMode() << "'";
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_crop_and_resize", "half_pixel_symmetric",
                           "tf_half_pixel_for_nn"},
                          getCoordinateTransformationMode()))
    return emitOpError("unknown coordinate_transformation_mode '")
           << getCoordinateTransformationMode() << "'";
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
                          getNearestMode()))
    return emitOpError("unknown nearest_mode '") << getNearestMode() << "'";
  Value param = getScales() ? getScales() : getSizes();
  auto paramType = cast<RankedTensorType>(param.getType());
  if (paramType.getRank() != 1 || dimsConflict(paramType.getDimSize(0), input.getRank()))
    return emitOpError("expects one scale or size per input dimension, got ") << paramType;
  return success();
}

} // namespace kiln::graph
