//===- MiscOps.cpp - losses, scans, scatters and selection ops -------------===//
//
// Verifiers and result-type inference for the ops in GraphMiscOps.td, and
// the Einsum equation parser they share with the lowering.
//
//===----------------------------------------------------------------------===//

#include "ir/Einsum.h"
#include "ir/GraphOps.h"
#include "ir/OpHelpers.h"
#include "ir/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;

namespace kiln::graph {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

static RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Two sizes that must agree: a contradiction only when both are static.
static bool dimsConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// Whether `v` can hold exactly one element: rank 0, or rank 1 of size 1 (or
/// unknown size).
static bool isScalarLike(Value v) {
  RankedTensorType type = rankedType(v);
  return type.getRank() == 0 ||
         (type.getRank() == 1 && !dimsConflict(type.getDimSize(0), 1));
}

static LogicalResult verifyReductionKind(Operation *op, StringRef reduction,
                                         ArrayRef<StringRef> allowed) {
  if (llvm::is_contained(allowed, reduction))
    return success();
  return op->emitOpError("unknown reduction '") << reduction << "' (expected one of "
                                                << llvm::join(allowed, ", ") << ")";
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult NegativeLogLikelihoodLossOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  auto target = rankedType(adaptor.getTarget());
  if (input.getRank() < 2 || target.getRank() != input.getRank() - 1)
    return detail::inferError(loc, "negative_log_likelihood_loss expects an N x C x d1.. "
                                   "input and an N x d1.. target");
  if (adaptor.getReduction() != "none") {
    types.push_back(RankedTensorType::get({}, input.getElementType()));
    return success();
  }
  // The per-element loss has the target's shape; either operand may know a
  // dimension the other leaves dynamic.
  Shape shape;
  for (int64_t i = 0; i < target.getRank(); ++i) {
    int64_t fromInput = input.getDimSize(i == 0 ? 0 : i + 1);
    int64_t fromTarget = target.getDimSize(i);
    shape.push_back(ShapedType::isDynamic(fromTarget) ? fromInput : fromTarget);
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult NegativeLogLikelihoodLossOp::verify() {
  if (failed(verifyReductionKind(getOperation(), getReduction(), {"none", "sum", "mean"})))
    return failure();
  RankedTensorType input = getInput().getType(), target = getTarget().getType();
  for (int64_t i = 0; i < target.getRank(); ++i)
    if (dimsConflict(target.getDimSize(i), input.getDimSize(i == 0 ? 0 : i + 1)))
      return emitOpError("target ") << target << " does not match input " << input;
  if (Value weight = getWeight()) {
    RankedTensorType type = rankedType(weight);
    if (type.getRank() != 1 || dimsConflict(type.getDimSize(0), input.getDimSize(1)))
      return emitOpError("expects one weight per class, got ") << type;
    if (type.getElementType() != input.getElementType())
      return emitOpError("expects weights of the input's element type");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Masks, scans and constructors
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult TriluOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("expects a tensor of rank >= 2, got ") << getInput().getType();
  if (!isScalarLike(getK()))
    return emitOpError("expects a scalar 'k', got ") << getK().getType();
  return success();
}

LogicalResult CumSumOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult CumSumOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (rank == 0)
    return emitOpError("expects a tensor of rank >= 1");
  if (!isScalarLike(getAxis()))
    return emitOpError("expects a scalar 'axis', got ") << getAxis().getType();
  if (auto axis = getConstantIntValues(getAxis()))
    if (!axis->empty() && !normalizeAxis((*axis)[0], rank))
      return emitOpError("axis ") << (*axis)[0] << " is out of range for rank " << rank;
  return success();
}

LogicalResult EyeLikeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(rankedType(adaptor.getInput()).getShape(),
                                        adaptor.getDtype()));
  return success();
}

LogicalResult EyeLikeOp::verify() {
  if (getInput().getType().getRank() != 2)
    return emitOpError("expects a 2-D operand, got ") << getInput().getType();
  if (!isa<FloatType, IntegerType>(getDtype()))
    return emitOpError("expects a numeric or i1 'dtype', got ") << getDtype();
  return success();
}

/// OneHot's depth when it is a constant (of any numeric type).
static std::optional<int64_t> constantDepth(Value depth) {
  if (auto ints = getConstantIntValues(depth))
    return ints->size() == 1 ? std::optional<int64_t>((*ints)[0]) : std::nullopt;
  if (auto floats = getConstantFloatValues(depth))
    return floats->size() == 1 ? std::optional<int64_t>(std::trunc((*floats)[0]))
                               : std::nullopt;
  return std::nullopt;
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > indices.getRank())
    return detail::inferError(loc, "one_hot axis " + Twine(axis) +
                                       " is out of range for indices of rank " +
                                       Twine(indices.getRank()));
  std::optional<int64_t> depth = constantDepth(adaptor.getDepth());
  if (depth && *depth < 1)
    return detail::inferError(loc, "one_hot depth must be positive, got " + Twine(*depth));
  Shape shape(indices.getShape());
  shape.insert(shape.begin() + axis, depth ? *depth : kDynamic);
  types.push_back(
      RankedTensorType::get(shape, rankedType(adaptor.getValues()).getElementType()));
  return success();
}

LogicalResult OneHotOp::verify() {
  if (!isScalarLike(getDepth()))
    return emitOpError("expects a scalar 'depth', got ") << getDepth().getType();
  RankedTensorType values = getValues().getType();
  if (values.getRank() != 1 || dimsConflict(values.getDimSize(0), 2))
    return emitOpError("expects 'values' to be [off_value, on_value], got ") << values;
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

SmallVector<int64_t> EinsumEquation::resultShape() const {
  SmallVector<int64_t> shape;
  for (int64_t label : resultLabels)
    shape.push_back(labelSizes[label]);
  return shape;
}

namespace {
/// One side of an equation term: its letters (as label ids relative to the
/// letters) and where "..." stood, if anywhere.
struct EinsumTerm {
  SmallVector<int64_t, 4> letters;
  std::optional<size_t> ellipsisAt;
};
} // namespace

static int64_t letterIndex(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  return 26 + (c - 'a');
}

static std::optional<EinsumTerm> parseTerm(StringRef text, std::string &error) {
  EinsumTerm term;
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("...")) {
      if (term.ellipsisAt) {
        error = "'...' appears twice in '" + text.str() + "'";
        return std::nullopt;
      }
      term.ellipsisAt = term.letters.size();
      i += 3;
      continue;
    }
    if (!llvm::isAlpha(text[i])) {
      error = "unexpected character '" + std::string(1, text[i]) + "'";
      return std::nullopt;
    }
    term.letters.push_back(letterIndex(text[i]));
    ++i;
  }
  return term;
}

std::optional<EinsumEquation> parseEinsumEquation(StringRef equation,
                                                  ArrayRef<RankedTensorType> operands,
                                                  std::string &error) {
  std::string compact;
  for (char c : equation)
    if (!llvm::isSpace(c))
      compact.push_back(c);
  StringRef text(compact);
  auto [lhs, rhs] = text.split("->");
  bool explicitResult = text.contains("->");

  SmallVector<StringRef> termTexts;
  lhs.split(termTexts, ',');
  if (termTexts.size() != operands.size()) {
    error = "equation has " + std::to_string(termTexts.size()) + " operand terms for " +
            std::to_string(operands.size()) + " operands";
    return std::nullopt;
  }
  SmallVector<EinsumTerm> terms;
  int64_t ellipsisDims = 0;
  for (auto [termText, type] : llvm::zip(termTexts, operands)) {
    auto term = parseTerm(termText, error);
    if (!term)
      return std::nullopt;
    int64_t extra = type.getRank() - int64_t(term->letters.size());
    if (extra < 0 || (extra > 0 && !term->ellipsisAt)) {
      error = "term '" + termText.str() + "' does not match an operand of rank " +
              std::to_string(type.getRank());
      return std::nullopt;
    }
    ellipsisDims = std::max(ellipsisDims, extra);
    terms.push_back(std::move(*term));
  }

  EinsumEquation eq;
  eq.numEllipsisDims = ellipsisDims;
  eq.labelSizes.assign(ellipsisDims + 52, kDynamic);
  SmallVector<int64_t> uses(ellipsisDims + 52, 0);
  SmallVector<bool> broadcastSeen(ellipsisDims, false);
  for (auto [term, type] : llvm::zip(terms, operands)) {
    int64_t extra = type.getRank() - int64_t(term.letters.size());
    SmallVector<int64_t, 4> labels;
    for (auto [i, letter] : llvm::enumerate(term.letters)) {
      if (term.ellipsisAt && *term.ellipsisAt == i)
        for (int64_t e = 0; e < extra; ++e)
          labels.push_back(ellipsisDims - extra + e);
      labels.push_back(ellipsisDims + letter);
    }
    if (term.ellipsisAt && *term.ellipsisAt == term.letters.size())
      for (int64_t e = 0; e < extra; ++e)
        labels.push_back(ellipsisDims - extra + e);
    for (auto [dim, label] : llvm::enumerate(labels)) {
      int64_t size = type.getDimSize(dim);
      int64_t &known = eq.labelSizes[label];
      ++uses[label];
      if (label < ellipsisDims) {
        // Ellipsis dimensions broadcast: 1 stretches to the other size.
        if (size == 1) {
          broadcastSeen[label] = true;
          continue;
        }
      }
      if (ShapedType::isDynamic(known)) {
        known = size;
      } else if (dimsConflict(known, size)) {
        error = "dimension sizes " + std::to_string(known) + " and " +
                std::to_string(size) + " given for one label";
        return std::nullopt;
      }
    }
    eq.operandLabels.push_back(std::move(labels));
  }
  for (int64_t e = 0; e < ellipsisDims; ++e)
    if (ShapedType::isDynamic(eq.labelSizes[e]) && broadcastSeen[e])
      eq.labelSizes[e] = 1;

  if (explicitResult) {
    auto term = parseTerm(rhs, error);
    if (!term)
      return std::nullopt;
    if (ellipsisDims > 0 && !term->ellipsisAt) {
      error = "the result term needs '...' for the operands' ellipsis dimensions";
      return std::nullopt;
    }
    for (auto [i, letter] : llvm::enumerate(term->letters)) {
      if (term->ellipsisAt && *term->ellipsisAt == i)
        for (int64_t e = 0; e < ellipsisDims; ++e)
          eq.resultLabels.push_back(e);
      int64_t label = ellipsisDims + letter;
      if (uses[label] == 0 || llvm::is_contained(eq.resultLabels, label)) {
        char c = letter < 26 ? char('A' + letter) : char('a' + letter - 26);
        error = "result letter '" + std::string(1, c) +
                "' is repeated or missing from the operands";
        return std::nullopt;
      }
      eq.resultLabels.push_back(label);
    }
    if (term->ellipsisAt && *term->ellipsisAt == term->letters.size())
      for (int64_t e = 0; e < ellipsisDims; ++e)
        eq.resultLabels.push_back(e);
  } else {
    for (int64_t e = 0; e < ellipsisDims; ++e)
      eq.resultLabels.push_back(e);
    for (int64_t letter = 0; letter < 52; ++letter)
      if (uses[ellipsisDims + letter] == 1)
        eq.resultLabels.push_back(ellipsisDims + letter);
  }
  return eq;
}

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return detail::inferError(loc, "einsum needs at least one operand");
  SmallVector<RankedTensorType> operands;
  for (Value v : adaptor.getInputs())
    operands.push_back(rankedType(v));
  std::string error;
  auto eq = parseEinsumEquation(adaptor.getEquation(), operands, error);
  if (!eq)
    return detail::inferError(loc, "invalid einsum equation '" + adaptor.getEquation() +
                                       "': " + error);
  types.push_back(RankedTensorType::get(eq->resultShape(), operands[0].getElementType()));
  return success();
}

LogicalResult EinsumOp::verify() {
  Type element = getElementTypeOrSelf(getInputs().front());
  for (Value v : getInputs())
    if (getElementTypeOrSelf(v) != element)
      return emitOpError("expects operands of one element type");
  return success();
}

//===----------------------------------------------------------------------===//
// Scatters
//===----------------------------------------------------------------------===//

static constexpr StringRef kScatterReductions[] = {"none", "add", "mul", "max", "min"};

LogicalResult ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getData().getType());
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  RankedTensorType data = getData().getType(), indices = getIndices().getType(),
                   updates = getUpdates().getType();
  if (failed(verifyReductionKind(getOperation(), getReduction(), kScatterReductions)) ||
      failed(detail::verifyAxis(getOperation(), getAxis(), data.getRank())))
    return failure();
  if (indices.getRank() != data.getRank() || updates.getRank() != data.getRank())
    return emitOpError("expects indices and updates of the data's rank");
  for (int64_t i = 0; i < data.getRank(); ++i)
    if (dimsConflict(indices.getDimSize(i), updates.getDimSize(i)))
      return emitOpError("indices ") << indices << " and updates " << updates
                                     << " differ in shape";
  if (updates.getElementType() != data.getElementType())
    return emitOpError("expects updates of the data's element type");
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getData().getType());
  return success();
}

LogicalResult ScatterNDOp::verify() {
  RankedTensorType data = getData().getType(), indices = getIndices().getType(),
                   updates = getUpdates().getType();
  if (failed(verifyReductionKind(getOperation(), getReduction(), kScatterReductions)))
    return failure();
  if (updates.getElementType() != data.getElementType())
    return emitOpError("expects updates of the data's element type");
  if (indices.getRank() < 1)
    return emitOpError("expects indices of rank >= 1");
  int64_t depth = indices.getShape().back();
  if (ShapedType::isDynamic(depth))
    return success();
  if (depth > data.getRank())
    return emitOpError("index tuples of length ") << depth << " exceed the data's rank "
                                                  << data.getRank();
  Shape expected(indices.getShape().drop_back());
  expected.append(data.getShape().begin() + depth, data.getShape().end());
  if (int64_t(expected.size()) != updates.getRank())
    return emitOpError("expects updates of rank ") << expected.size() << ", got " << updates;
  for (auto [e, u] : llvm::zip(expected, updates.getShape()))
    if (dimsConflict(e, u))
      return emitOpError("updates ") << updates << " do not match indices " << indices
                                     << " and data " << data;
  return success();
}

//===----------------------------------------------------------------------===//
// Selection
//===----------------------------------------------------------------------===//

LogicalResult TopKOp::inferReturnTypes(MLIRContext *context, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= input.getRank())
    return detail::inferError(loc, "top_k axis " + Twine(axis) +
                                       " is out of range for rank " + Twine(input.getRank()));
  Shape shape(input.getShape());
  auto k = getConstantIntValues(adaptor.getK());
  shape[axis] = k && k->size() == 1 ? (*k)[0] : kDynamic;
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  types.push_back(RankedTensorType::get(shape, IntegerType::get(context, 64)));
  return success();
}

LogicalResult TopKOp::verify() {
  RankedTensorType input = getInput().getType();
  if (failed(detail::verifyAxis(getOperation(), getAxis(), input.getRank())))
    return failure();
  if (!isScalarLike(getK()))
    return emitOpError("expects a one-element 'k', got ") << getK().getType();
  if (auto k = getConstantIntValues(getK())) {
    int64_t size = input.getDimSize(getAxis());
    if (!k->empty() && ((*k)[0] < 0 || (!ShapedType::isDynamic(size) && (*k)[0] > size)))
      return emitOpError("k = ") << (*k)[0] << " is out of range for an axis of size "
                                 << size;
  }
  if (getValues().getType().getShape() != getIndices().getType().getShape())
    return emitOpError("expects values and indices of one shape");
  return success();
}

} // namespace kiln::graph
