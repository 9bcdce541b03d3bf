//===- CompositeImporters.cpp - ONNX ops built from other graph ops -------===//
//
// Operators with no graph op of their own, imported as compositions of
// existing ones so that they reuse those ops' lowerings:
//
//   MeanVarianceNormalization: the ONNX function body, (x - mean(x)) /
//     (sqrt(mean(x^2) - mean(x)^2) + 1e-9) over `axes`.
//   ReverseSequence: a gather_elements along the time axis whose indices,
//     built from the run-time `sequence_lens`, are len - 1 - t for t < len
//     and t elsewhere.
//   MaxUnpool: a scatter_elements of the flattened values into flattened
//     zeros at MaxPool's flat indices (they count over the whole tensor).
//   Det: Laplace expansion along the first row for matrices up to 4 x 4,
//     on batch-shaped scalars gathered from the trailing two dimensions.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

template <typename OpTy>
Value resultOf(OpTy op) {
  return op ? op->getResult(0) : Value();
}

template <typename OpTy>
Value binary(NodeImporter &node, Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return {};
  return resultOf(node.create<OpTy>(lhs, rhs));
}

/// A constant i64 tensor of `shape` holding `values`.
Value constI64Tensor(NodeImporter &node, ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, node.builder().getI64Type());
  return resultOf(node.create<ConstantOp>(DenseElementsAttr::get(type, values)));
}

LogicalResult finish(NodeImporter &node, Value result) {
  if (!result)
    return failure();
  return node.setResult(result);
}

//===----------------------------------------------------------------------===//
// MeanVarianceNormalization
//===----------------------------------------------------------------------===//

LogicalResult importMeanVarianceNormalization(NodeImporter &node) {
  auto axes = node.getInts("axes", SmallVector<int64_t>{0, 2, 3});
  if (failed(axes))
    return failure();
  Value x = node.input(0);
  Type element = node.inputType(0).getElementType();
  auto mean = [&](Value v) {
    return v ? resultOf(node.create<ReduceMeanOp>(v, node.constI64(*axes), true, false))
             : Value();
  };
  Value meanX = mean(x);
  Value meanOfSquares = mean(binary<MulOp>(node, x, x));
  Value variance = binary<SubOp>(node, meanOfSquares, binary<MulOp>(node, meanX, meanX));
  Value std = variance ? resultOf(node.create<SqrtOp>(variance)) : Value();
  Value denominator = binary<AddOp>(node, std, node.constScalar(element, 1e-9));
  return finish(node, binary<DivOp>(node, binary<SubOp>(node, x, meanX), denominator));
}

//===----------------------------------------------------------------------===//
// ReverseSequence
//===----------------------------------------------------------------------===//

LogicalResult importReverseSequence(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  auto batchAxis = node.getInt("batch_axis", 1);
  auto timeAxis = node.getInt("time_axis", 0);
  if (failed(batchAxis) || failed(timeAxis))
    return failure();
  if (type.getRank() < 2 || !type.hasStaticShape() ||
      !((*batchAxis == 0 && *timeAxis == 1) || (*batchAxis == 1 && *timeAxis == 0)))
    return node.emitError() << "ReverseSequence expects a static input of rank >= 2 with "
                               "batch_axis and time_axis 0 and 1, got "
                            << type << " with batch_axis " << *batchAxis << ", time_axis "
                            << *timeAxis;
  int64_t steps = type.getDimSize(*timeAxis), batch = type.getDimSize(*batchAxis);
  // t and sequence_lens as [T, 1] and [1, B] (or transposed when the batch
  // comes first), so that they broadcast to the two leading dimensions.
  SmallVector<int64_t> tShape{steps, 1}, lensShape{1, batch};
  if (*timeAxis == 1) {
    std::swap(tShape[0], tShape[1]);
    std::swap(lensShape[0], lensShape[1]);
  }
  SmallVector<int64_t> times;
  for (int64_t t = 0; t < steps; ++t)
    times.push_back(t);
  Value t = constI64Tensor(node, tShape, times);
  Value lens = resultOf(node.create<ReshapeOp>(node.input(1), node.constI64(lensShape), false));
  Value one = node.constScalar(node.builder().getI64Type(), 1);
  Value reversed = binary<SubOp>(node, binary<SubOp>(node, lens, one), t);
  Value inside = binary<LessOp>(node, t, lens);
  if (!inside || !reversed)
    return failure();
  Value indices = resultOf(node.create<WhereOp>(inside, reversed, t));
  // Trailing dimensions take the same index: append unit dimensions and
  // expand to the input's shape.
  SmallVector<int64_t> indexShape(type.getShape().take_front(2));
  indexShape.append(type.getRank() - 2, 1);
  if (!indices)
    return failure();
  indices = resultOf(node.create<ReshapeOp>(indices, node.constI64(indexShape), false));
  if (!indices)
    return failure();
  indices = resultOf(node.create<ExpandOp>(indices, node.constI64(type.getShape())));
  if (!indices)
    return failure();
  return finish(node,
                resultOf(node.create<GatherElementsOp>(node.input(0), indices, *timeAxis)));
}

//===----------------------------------------------------------------------===//
// MaxUnpool
//===----------------------------------------------------------------------===//

LogicalResult importMaxUnpool(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  if (node.hasInput(2))
    return node.emitError() << "MaxUnpool with an 'output_shape' input is not supported "
                               "(its result shape depends on run-time data)";
  if (type.getRank() < 3 || !type.hasStaticShape())
    return node.emitError() << "MaxUnpool expects a static N x C x D1.. input, got " << type;
  int64_t n = type.getRank() - 2;
  auto kernel = node.getInts("kernel_shape", std::nullopt);
  auto strides = node.getInts("strides", SmallVector<int64_t>(n, 1));
  auto pads = node.getInts("pads", SmallVector<int64_t>(2 * n, 0));
  if (failed(kernel) || failed(strides) || failed(pads))
    return failure();
  if (int64_t(kernel->size()) != n || int64_t(strides->size()) != n ||
      int64_t(pads->size()) != 2 * n)
    return node.emitError() << "MaxUnpool attributes do not match spatial rank " << n;
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  int64_t total = shape[0] * shape[1];
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = (type.getDimSize(i + 2) - 1) * (*strides)[i] + (*kernel)[i] -
                   (*pads)[i] - (*pads)[i + n];
    if (size <= 0)
      return node.emitError() << "MaxUnpool output dimension " << i + 2 << " is empty";
    shape.push_back(size);
    total *= size;
  }
  Type element = type.getElementType();
  auto zerosType = RankedTensorType::get({total}, element);
  Value zeros = resultOf(node.create<ConstantOp>(
      DenseElementsAttr::get(zerosType, node.builder().getZeroAttr(element))));
  Value flat = node.constI64({type.getNumElements()});
  Value values = resultOf(node.create<ReshapeOp>(node.input(0), flat, false));
  Value indices = resultOf(node.create<ReshapeOp>(node.input(1), flat, false));
  if (!zeros || !values || !indices)
    return failure();
  Value scattered =
      resultOf(node.create<ScatterElementsOp>(zeros, indices, values, 0, "none"));
  if (!scattered)
    return failure();
  return finish(node, resultOf(node.create<ReshapeOp>(scattered, node.constI64(shape), false)));
}

//===----------------------------------------------------------------------===//
// Det
//===----------------------------------------------------------------------===//

/// The determinant of the sub-matrix of `m` with rows [row, size) and the
/// columns in `cols`, by Laplace expansion along its first row.
Value laplace(NodeImporter &node, ArrayRef<SmallVector<Value>> m, int64_t row,
              ArrayRef<int64_t> cols) {
  if (cols.size() == 1)
    return m[row][cols[0]];
  Value det;
  for (size_t k = 0; k < cols.size(); ++k) {
    SmallVector<int64_t> rest(cols);
    rest.erase(rest.begin() + k);
    Value term = binary<MulOp>(node, m[row][cols[k]], laplace(node, m, row + 1, rest));
    if (!det)
      det = term;
    else
      det = k % 2 ? binary<SubOp>(node, det, term) : binary<AddOp>(node, det, term);
  }
  return det;
}

LogicalResult importDet(NodeImporter &node) {
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  if (rank < 2 || !type.hasStaticShape() || type.getDimSize(rank - 1) != type.getDimSize(rank - 2))
    return node.emitError() << "Det expects static square trailing matrices, got " << type;
  int64_t size = type.getDimSize(rank - 1);
  if (size < 1 || size > 4)
    return node.emitError() << "Det of " << size << " x " << size
                            << " matrices is not supported (1 x 1 to 4 x 4)";
  // Element (i, j) of every matrix, as a tensor of the batch shape.
  SmallVector<SmallVector<Value>> m(size);
  for (int64_t i = 0; i < size; ++i) {
    Value rowIndex = node.constScalar(node.builder().getI64Type(), double(i));
    Value row = resultOf(node.create<GatherOp>(node.input(0), rowIndex, rank - 2));
    if (!row)
      return failure();
    for (int64_t j = 0; j < size; ++j) {
      Value colIndex = node.constScalar(node.builder().getI64Type(), double(j));
      m[i].push_back(resultOf(node.create<GatherOp>(row, colIndex, rank - 2)));
      if (!m[i].back())
        return failure();
    }
  }
  SmallVector<int64_t> cols;
  for (int64_t j = 0; j < size; ++j)
    cols.push_back(j);
  return finish(node, laplace(node, m, 0, cols));
}

constexpr int64_t kMax = 17;

const OpImporterEntry kCompositeImporters[] = {
    {"MeanVarianceNormalization", 9, kMax, importMeanVarianceNormalization},
    {"ReverseSequence", 10, kMax, importReverseSequence},
    {"MaxUnpool", 9, kMax, importMaxUnpool},
    {"Det", 11, kMax, importDet},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> compositeImporters() { return kCompositeImporters; }

} // namespace kiln
