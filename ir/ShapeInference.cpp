//===- ShapeInference.cpp - shape rules shared by ops and lowering --------===//

#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"
#include <algorithm>
#include <string>

using namespace mlir;

namespace kiln::graph {

static bool isDynamic(int64_t d) { return ShapedType::isDynamic(d); }

std::optional<Shape> broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t r = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    int64_t &out = result[rank - 1 - i];
    if (l == 1)
      out = r;
    else if (r == 1)
      out = l;
    else if (isDynamic(l))
      out = r; // r is static and != 1, so l must equal it at run time
    else if (isDynamic(r) || l == r)
      out = l;
    else
      return std::nullopt;
  }
  return result;
}

int64_t windowOutputSize(int64_t inputSize, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode) {
  if (isDynamic(inputSize))
    return ShapedType::kDynamic;
  int64_t effectiveKernel = (kernel - 1) * dilation + 1;
  int64_t span = inputSize + padBegin + padEnd - effectiveKernel;
  if (span < 0)
    return 0;
  int64_t out = (ceilMode ? llvm::divideCeil(span, stride) : span / stride) + 1;
  // With ceil_mode, the last window must start inside the input or the left
  // padding (PyTorch's and ONNX Runtime's rule).
  if (ceilMode && (out - 1) * stride >= inputSize + padBegin)
    --out;
  return out;
}

std::optional<Shape> resolveAutoPad(StringRef autoPad, ArrayRef<int64_t> spatialSizes,
                                    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> dilations) {
  size_t n = spatialSizes.size();
  Shape pads(2 * n, 0);
  if (autoPad == "VALID" || autoPad == "NOTSET")
    return pads;
  for (size_t i = 0; i < n; ++i) {
    if (isDynamic(spatialSizes[i]))
      return std::nullopt;
    int64_t out = llvm::divideCeil(spatialSizes[i], strides[i]);
    int64_t effectiveKernel = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + effectiveKernel - spatialSizes[i]);
    int64_t small = total / 2, large = total - small;
    bool upper = autoPad == "SAME_UPPER";
    pads[i] = upper ? small : large;
    pads[i + n] = upper ? large : small;
  }
  return pads;
}

std::optional<SmallVector<int64_t>> getConstantIntValues(Value value) {
  DenseElementsAttr dense;
  if (!value || !matchPattern(value, m_Constant(&dense)))
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(dense.getElementType());
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> result;
  result.reserve(dense.getNumElements());
  for (const APInt &v : dense.getValues<APInt>())
    result.push_back(intType.isUnsigned() || intType.getWidth() == 1
                         ? static_cast<int64_t>(v.getZExtValue())
                         : v.getSExtValue());
  return result;
}

std::optional<SmallVector<double>> getConstantFloatValues(Value value) {
  DenseElementsAttr dense;
  if (!value || !matchPattern(value, m_Constant(&dense)) ||
      !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  SmallVector<double> result;
  for (const APFloat &v : dense.getValues<APFloat>())
    result.push_back(v.convertToDouble());
  return result;
}

std::optional<Shape> inferReshape(ArrayRef<int64_t> input, ArrayRef<int64_t> target,
                                  bool allowZero, std::string *error) {
  auto fail = [&](std::string msg) -> std::optional<Shape> {
    if (error)
      *error = std::move(msg);
    return std::nullopt;
  };
  Shape result;
  int inferredIndex = -1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferredIndex >= 0)
        return fail("more than one -1 in the target shape");
      inferredIndex = static_cast<int>(i);
      result.push_back(ShapedType::kDynamic);
    } else if (d == 0 && !allowZero) {
      if (i >= input.size())
        return fail("0 at position " + std::to_string(i) +
                    " copies a dimension the input does not have");
      result.push_back(input[i]);
    } else if (d < 0) {
      return fail("negative dimension " + std::to_string(d) + " in the target shape");
    } else {
      result.push_back(d);
    }
  }
  bool inputStatic = llvm::none_of(input, isDynamic);
  int64_t inputCount = 1;
  for (int64_t d : input)
    inputCount *= isDynamic(d) ? 1 : d;
  int64_t knownCount = 1;
  bool othersStatic = true;
  for (auto [i, d] : llvm::enumerate(result)) {
    if (static_cast<int>(i) == inferredIndex)
      continue;
    if (isDynamic(d))
      othersStatic = false;
    else
      knownCount *= d;
  }
  if (inferredIndex >= 0 && inputStatic && othersStatic) {
    if (knownCount == 0 || inputCount % knownCount != 0)
      return fail("cannot infer -1: " + std::to_string(inputCount) +
                  " elements do not divide into " + std::to_string(knownCount));
    result[inferredIndex] = inputCount / knownCount;
  } else if (inferredIndex < 0 && inputStatic && othersStatic &&
             knownCount != inputCount) {
    return fail("target shape has " + std::to_string(knownCount) +
                " elements but the input has " + std::to_string(inputCount));
  }
  return result;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t slicedLength(int64_t size, int64_t start, int64_t end, int64_t step) {
  if (isDynamic(size) || step == 0)
    return ShapedType::kDynamic;
  auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0)
      v += size;
    return std::clamp(v, lo, hi);
  };
  if (step > 0) {
    start = clampIndex(start, 0, size);
    end = clampIndex(end, 0, size);
    return end > start ? llvm::divideCeil(end - start, step) : 0;
  }
  start = clampIndex(start, 0, size - 1);
  end = clampIndex(end, -1, size - 1);
  // A negative end that stays negative after adding size means "before 0".
  return start > end ? llvm::divideCeil(start - end, -step) : 0;
}

} // namespace kiln::graph
