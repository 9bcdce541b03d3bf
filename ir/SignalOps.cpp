//===- SignalOps.cpp - DFT, STFT and mel weight matrix ops -----------------===//
//
// Verifiers for the spectral and n-gram ops of GraphSignalOps.td. Their result shapes
// depend on run-time scalars (STFT, MelWeightMatrix) or on the importer's
// choice of DFT length, so the result types are given, not inferred; the
// verifiers check what is known statically.
//
//===----------------------------------------------------------------------===//

#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"

using namespace mlir;

namespace kiln::graph {

/// Two dimensions that must be equal at run time: a contradiction only if
/// both are static.
static bool conflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

static bool isScalarLike(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getRank() == 0 ||
         (type.getRank() == 1 && !conflict(type.getDimSize(0), 1));
}

LogicalResult DFTOp::verify() {
  RankedTensorType input = getInput().getType(), output = getOutput().getType();
  int64_t rank = input.getRank();
  if (rank < 2 || output.getRank() != rank)
    return emitOpError("expects input and result of the same rank >= 2, got ")
           << input << " and " << output;
  if (conflict(input.getDimSize(rank - 1), 1) && conflict(input.getDimSize(rank - 1), 2))
    return emitOpError("expects a last input dimension of 1 or 2, got ") << input;
  if (conflict(output.getDimSize(rank - 1), 2))
    return emitOpError("expects a last result dimension of 2, got ") << output;
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank - 1)
    return emitOpError("axis ") << axis << " is out of range for " << input;
  if (getLength() < 1)
    return emitOpError("length must be positive, got ") << getLength();
  if (getOnesided() && getInverse())
    return emitOpError("onesided inverse transforms are not supported");
  int64_t bins = getOnesided() ? getLength() / 2 + 1 : getLength();
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (conflict(output.getDimSize(d), d == axis ? bins : input.getDimSize(d)))
      return emitOpError("result ") << output << " does not match input " << input
                                    << " transformed along axis " << axis;
  return success();
}

LogicalResult STFTOp::verify() {
  RankedTensorType signal = getSignal().getType(), output = getOutput().getType();
  if (signal.getRank() != 3 || (conflict(signal.getDimSize(2), 1) &&
                                conflict(signal.getDimSize(2), 2)))
    return emitOpError("expects a [batch, length, 1 or 2] signal, got ") << signal;
  if (output.getRank() != 4 || conflict(output.getDimSize(3), 2) ||
      conflict(output.getDimSize(0), signal.getDimSize(0)))
    return emitOpError("expects a [batch, frames, bins, 2] result, got ") << output;
  if (!isScalarLike(getFrameStep()))
    return emitOpError("expects a scalar frame_step");
  if (getFrameLength() && !isScalarLike(getFrameLength()))
    return emitOpError("expects a scalar frame_length");
  if (getWindow() && cast<RankedTensorType>(getWindow().getType()).getRank() != 1)
    return emitOpError("expects a 1-D window");
  if (!getWindow() && !getFrameLength())
    return emitOpError("needs a window or a frame_length");
  return success();
}

LogicalResult MelWeightMatrixOp::verify() {
  for (Value scalar : getOperands())
    if (!isScalarLike(scalar))
      return emitOpError("expects scalar operands");
  if (getOutput().getType().getRank() != 2)
    return emitOpError("expects a 2-D result, got ") << getOutput().getType();
  return success();
}

LogicalResult TfIdfVectorizerOp::verify() {
  RankedTensorType input = getInput().getType(), output = getOutput().getType();
  if (input.getRank() < 1 || input.getRank() > 2 || output.getRank() != input.getRank())
    return emitOpError("expects a 1-D or 2-D input and a result of its rank, got ")
           << input << " and " << output;
  if (input.getRank() == 2 && conflict(input.getDimSize(0), output.getDimSize(0)))
    return emitOpError("result ") << output << " does not have the batch of " << input;
  ArrayRef<int64_t> lengths = getGramLengths(), indexes = getGramIndexes();
  if (indexes.size() != lengths.size() || getWeights().size() != lengths.size())
    return emitOpError("expects one length, index and weight per gram");
  int64_t items = 0;
  for (int64_t length : lengths) {
    if (length < 1)
      return emitOpError("gram lengths must be positive");
    items += length;
  }
  if (items != static_cast<int64_t>(getPool().size()))
    return emitOpError("pool has ") << getPool().size() << " items, the grams need " << items;
  int64_t columns = output.getShape().back();
  for (int64_t index : indexes)
    if (index < 0 || (!ShapedType::isDynamic(columns) && index >= columns))
      return emitOpError("gram index ") << index << " is out of range for " << output;
  if (getMode() != "TF" && getMode() != "IDF" && getMode() != "TFIDF")
    return emitOpError("unknown mode '") << getMode() << "'";
  if (getMinGramLength() < 1 || getMaxGramLength() < getMinGramLength() ||
      getMaxSkipCount() < 0)
    return emitOpError("invalid gram length or skip count range");
  return success();
}

} // namespace kiln::graph
