//===- ElementwiseImporters.cpp - ONNX elementwise ops to graph ops -------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "compiler/TensorConversion.h"

#include <limits>

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

template <typename OpTy>
LogicalResult importUnary(NodeImporter &node) {
  return node.setResult(node.create<OpTy>(node.input(0)));
}

/// Activations whose ONNX attributes map one to one onto the op's F32 attrs.
template <typename OpTy>
LogicalResult importFloatAttrActivation(NodeImporter &node,
                                        std::initializer_list<std::pair<const char *, float>> attrs) {
  OpTy op = node.create<OpTy>(node.input(0));
  for (auto [name, fallback] : attrs) {
    auto value = node.getFloat(name, fallback);
    if (failed(value))
      return failure();
    op->setAttr(name, node.builder().getF32FloatAttr(*value));
  }
  return node.setResult(op);
}

LogicalResult importLeakyRelu(NodeImporter &n) {
  return importFloatAttrActivation<LeakyReluOp>(n, {{"alpha", 0.01f}});
}
LogicalResult importElu(NodeImporter &n) {
  return importFloatAttrActivation<EluOp>(n, {{"alpha", 1.0f}});
}
LogicalResult importCelu(NodeImporter &n) {
  return importFloatAttrActivation<CeluOp>(n, {{"alpha", 1.0f}});
}
LogicalResult importThresholdedRelu(NodeImporter &n) {
  return importFloatAttrActivation<ThresholdedReluOp>(n, {{"alpha", 1.0f}});
}
LogicalResult importSelu(NodeImporter &n) {
  return importFloatAttrActivation<SeluOp>(
      n, {{"alpha", 1.67326319217681884765625f}, {"gamma", 1.05070102214813232421875f}});
}
LogicalResult importHardSigmoid(NodeImporter &n) {
  return importFloatAttrActivation<HardSigmoidOp>(n, {{"alpha", 0.2f}, {"beta", 0.5f}});
}
LogicalResult importShrink(NodeImporter &n) {
  return importFloatAttrActivation<ShrinkOp>(n, {{"bias", 0.0f}, {"lambd", 0.5f}});
}

/// Dropout in inference (ONNX's test mode) is the identity and its mask all
/// true (all ones of the data type before opset 10, when the mask became
/// bool). Training draws random numbers, which kiln does not compile: before
/// opset 7 the mode is `is_test`, from 12 the `training_mode` input (a
/// run-time value is taken as inference; a constant true needs ratio 0).
LogicalResult importDropout(NodeImporter &node) {
  if (node.opset() < 7) {
    auto isTest = node.getInt("is_test", 0);
    if (failed(isTest))
      return failure();
    if (*isTest == 0)
      return node.emitError() << "Dropout with is_test = 0 (training mode) is not supported "
                                 "(kiln compiles models for inference)";
  }
  if (node.opset() >= 12) {
    auto training = getConstantIntValues(node.input(2));
    auto ratio = getConstantFloatValues(node.input(1));
    bool zeroRatio = ratio && llvm::all_of(*ratio, [](double r) { return r == 0.0; });
    if (training && llvm::any_of(*training, [](int64_t t) { return t != 0; }) && !zeroRatio)
      return node.emitError() << "Dropout with training_mode = true is not supported "
                                 "(kiln compiles models for inference)";
  }
  Value output = node.create<IdentityOp>(node.input(0));
  if (!node.outputUsed(1))
    return node.setResult(output);
  RankedTensorType type = node.inputType(0);
  Type maskElement =
      node.opset() >= 10 ? node.builder().getI1Type() : type.getElementType();
  Attribute one = isa<FloatType>(maskElement)
                      ? Attribute(FloatAttr::get(maskElement, 1.0))
                      : Attribute(IntegerAttr::get(maskElement, 1));
  Value mask;
  if (type.hasStaticShape()) {
    mask = node.create<ConstantOp>(
        DenseElementsAttr::get(RankedTensorType::get(type.getShape(), maskElement), one));
  } else {
    auto value = DenseElementsAttr::get(RankedTensorType::get({1}, maskElement), one);
    mask = node.create<ConstantOfShapeOp>(node.create<ShapeOp>(node.input(0), 0, nullptr),
                                          value);
  }
  return node.setResults({output, mask});
}

template <typename OpTy>
LogicalResult importBinary(NodeImporter &node) {
  return node.setResult(node.create<OpTy>(node.input(0), node.input(1)));
}

/// Max, Min, Sum and Mean take any number of inputs; they become a chain of
/// binary ops (and a division for Mean).
template <typename OpTy>
LogicalResult importVariadic(NodeImporter &node) {
  Value acc = node.input(0);
  for (size_t i = 1; i < node.numInputs(); ++i) {
    OpTy op = node.create<OpTy>(acc, node.input(i));
    if (!op)
      return failure();
    acc = op;
  }
  if (node.numInputs() == 1)
    acc = node.create<IdentityOp>(acc);
  return node.setResult(acc);
}

LogicalResult importMean(NodeImporter &node) {
  Value acc = node.input(0);
  for (size_t i = 1; i < node.numInputs(); ++i) {
    AddOp op = node.create<AddOp>(acc, node.input(i));
    if (!op)
      return failure();
    acc = op;
  }
  Type element = node.inputType(0).getElementType();
  Value count = node.constScalar(element, double(node.numInputs()));
  return node.setResult(node.create<DivOp>(acc, count));
}

LogicalResult importMod(NodeImporter &node) {
  auto fmod = node.getInt("fmod", 0);
  if (failed(fmod))
    return failure();
  if (*fmod == 0 && isa<FloatType>(node.inputType(0).getElementType()))
    return node.emitError() << "Mod with fmod = 0 is defined for integers only";
  return node.setResult(node.create<ModOp>(node.input(0), node.input(1), *fmod != 0));
}

LogicalResult importBitShift(NodeImporter &node) {
  auto direction = node.getString("direction", std::nullopt);
  if (failed(direction))
    return failure();
  if (*direction != "LEFT" && *direction != "RIGHT")
    return node.emitError() << "BitShift direction must be LEFT or RIGHT, got '"
                            << *direction << "'";
  return node.setResult(
      node.create<BitShiftOp>(node.input(0), node.input(1), *direction == "LEFT"));
}

LogicalResult importWhere(NodeImporter &node) {
  return node.setResult(node.create<WhereOp>(node.input(0), node.input(1), node.input(2)));
}

LogicalResult importIsInf(NodeImporter &node) {
  auto negative = node.getInt("detect_negative", 1);
  auto positive = node.getInt("detect_positive", 1);
  if (failed(negative) || failed(positive))
    return failure();
  return node.setResult(node.create<IsInfOp>(node.input(0), *negative != 0, *positive != 0));
}

/// The lowest or highest value of an element type, as a double.
static double elementTypeLimit(Type type, bool highest) {
  if (isa<FloatType>(type))
    return highest ? std::numeric_limits<double>::infinity()
                   : -std::numeric_limits<double>::infinity();
  auto intType = cast<IntegerType>(type);
  unsigned width = intType.getWidth();
  if (intType.isUnsigned())
    return highest ? double(APInt::getMaxValue(width).getZExtValue()) : 0.0;
  return highest ? double(APInt::getSignedMaxValue(width).getSExtValue())
                 : double(APInt::getSignedMinValue(width).getSExtValue());
}

LogicalResult importClip(NodeImporter &node) {
  Type element = node.inputType(0).getElementType();
  Value lo, hi;
  if (node.opset() < 11) {
    auto min = node.getFloat("min", -std::numeric_limits<float>::infinity());
    auto max = node.getFloat("max", std::numeric_limits<float>::infinity());
    if (failed(min) || failed(max))
      return failure();
    lo = node.constScalar(element, *min);
    hi = node.constScalar(element, *max);
  } else {
    lo = node.hasInput(1) ? node.input(1)
                          : node.constScalar(element, elementTypeLimit(element, false));
    hi = node.hasInput(2) ? node.input(2)
                          : node.constScalar(element, elementTypeLimit(element, true));
  }
  return node.setResult(node.create<ClipOp>(node.input(0), lo, hi));
}

LogicalResult importCast(NodeImporter &node) {
  auto to = node.getInt("to", std::nullopt);
  if (failed(to))
    return failure();
  Type element = convertElementType(node.context(), static_cast<int32_t>(*to));
  if (!element)
    return node.emitError() << "Cast to " << elementTypeName(static_cast<int32_t>(*to))
                            << " is not supported";
  return node.setResult(node.create<CastOp>(node.input(0), TypeAttr::get(element)));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kElementwiseImporters[] = {
    {"Exp", 1, kMax, importUnary<ExpOp>},
    {"Log", 1, kMax, importUnary<LogOp>},
    {"Sqrt", 1, kMax, importUnary<SqrtOp>},
    {"Reciprocal", 1, kMax, importUnary<ReciprocalOp>},
    {"Floor", 1, kMax, importUnary<FloorOp>},
    {"Ceil", 1, kMax, importUnary<CeilOp>},
    {"Round", 11, kMax, importUnary<RoundOp>},
    {"Erf", 9, kMax, importUnary<ErfOp>},
    {"Sin", 7, kMax, importUnary<SinOp>},
    {"Cos", 7, kMax, importUnary<CosOp>},
    {"Tan", 7, kMax, importUnary<TanOp>},
    {"Asin", 7, kMax, importUnary<AsinOp>},
    {"Acos", 7, kMax, importUnary<AcosOp>},
    {"Atan", 7, kMax, importUnary<AtanOp>},
    {"Sinh", 9, kMax, importUnary<SinhOp>},
    {"Cosh", 9, kMax, importUnary<CoshOp>},
    {"Asinh", 9, kMax, importUnary<AsinhOp>},
    {"Acosh", 9, kMax, importUnary<AcoshOp>},
    {"Atanh", 9, kMax, importUnary<AtanhOp>},
    {"Abs", 1, kMax, importUnary<AbsOp>},
    {"Neg", 1, kMax, importUnary<NegOp>},
    {"Sign", 9, kMax, importUnary<SignOp>},
    {"Not", 1, kMax, importUnary<NotOp>},
    {"Identity", 1, kMax, importUnary<IdentityOp>},
    {"Relu", 1, kMax, importUnary<ReluOp>},
    {"Sigmoid", 1, kMax, importUnary<SigmoidOp>},
    {"Tanh", 1, kMax, importUnary<TanhOp>},
    {"Softplus", 1, kMax, importUnary<SoftplusOp>},
    {"Softsign", 1, kMax, importUnary<SoftsignOp>},
    {"HardSwish", 14, kMax, importUnary<HardSwishOp>},
    {"IsNaN", 9, kMax, importUnary<IsNaNOp>},
    {"IsInf", 10, kMax, importIsInf},
    {"LeakyRelu", 1, kMax, importLeakyRelu},
    {"Elu", 1, kMax, importElu},
    {"Celu", 12, kMax, importCelu},
    {"ThresholdedRelu", 10, kMax, importThresholdedRelu},
    {"Selu", 1, kMax, importSelu},
    {"HardSigmoid", 1, kMax, importHardSigmoid},
    {"Shrink", 9, kMax, importShrink},
    {"Dropout", 1, kMax, importDropout},
    {"Add", 7, kMax, importBinary<AddOp>},
    {"Sub", 7, kMax, importBinary<SubOp>},
    {"Mul", 7, kMax, importBinary<MulOp>},
    {"Div", 7, kMax, importBinary<DivOp>},
    {"Pow", 7, kMax, importBinary<PowOp>},
    {"PRelu", 1, kMax, importBinary<PReluOp>},
    {"Max", 1, kMax, importVariadic<MaxOp>},
    {"Min", 1, kMax, importVariadic<MinOp>},
    {"Sum", 1, kMax, importVariadic<AddOp>},
    {"Mean", 1, kMax, importMean},
    {"Mod", 10, kMax, importMod},
    {"BitShift", 11, kMax, importBitShift},
    {"Equal", 7, kMax, importBinary<EqualOp>},
    {"Less", 7, kMax, importBinary<LessOp>},
    {"LessOrEqual", 12, kMax, importBinary<LessOrEqualOp>},
    {"Greater", 7, kMax, importBinary<GreaterOp>},
    {"GreaterOrEqual", 12, kMax, importBinary<GreaterOrEqualOp>},
    {"And", 7, kMax, importBinary<AndOp>},
    {"Or", 7, kMax, importBinary<OrOp>},
    {"Xor", 7, kMax, importBinary<XorOp>},
    {"Where", 9, kMax, importWhere},
    {"Clip", 1, kMax, importClip},
    {"Cast", 6, kMax, importCast},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> elementwiseImporters() { return kElementwiseImporters; }

} // namespace kiln
