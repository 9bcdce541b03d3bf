//===- SliceSinking.cpp - consumers of data-dependent tensors at their bound ===//
//
// A data-dependent op lowers to the leading slice of a static buffer
// (DataDependentLowering.cpp). Ops that work element by element, Transpose,
// Gather, and ops that keep, drop or insert whole dimensions other than the
// counted one (Slice, Squeeze, Unsqueeze, Concat, reductions) commute with
// taking a leading slice: op(slice(buffer)) equals slice(op(buffer)). So
// instead of lowering such a consumer on a dynamic tensor, this pattern
// re-creates it on the static buffers (the padding is computed too, and
// never read) and slices its result the same way. Every
// tensor stays static, the bound of the slice stays an affine.min that
// kiln-bound-dynamic-results reads, and the ordinary patterns lower the
// re-created op.
//
// Only ops that are safe on arbitrary padding are listed: integer Div and
// Mod are not (a zero divisor traps), nor are ops that mix elements along
// the counted dimension (a reduction or Concat along it, Softmax, Reshape,
// Gather along it), whose results would depend on the padding. Those report
// that they need static shapes, as before. Shape of such a tensor reads its
// counts.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlir;

namespace kiln::codegen {
namespace {

/// A converted operand that is the leading part (offsets 0, strides 1) of a
/// statically shaped tensor.
struct LeadingSlice {
  Value source;
  SmallVector<OpFoldResult> sizes;
};

std::optional<LeadingSlice> matchLeadingSlice(Value value) {
  auto slice = value.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.getSourceType().hasStaticShape() ||
      slice.getSourceType().getRank() != slice.getResultType().getRank())
    return std::nullopt;
  auto isConstant = [](OpFoldResult ofr, int64_t expected) {
    std::optional<int64_t> constant = getConstantIntValue(ofr);
    return constant && *constant == expected;
  };
  for (OpFoldResult offset : slice.getMixedOffsets())
    if (!isConstant(offset, 0))
      return std::nullopt;
  for (OpFoldResult stride : slice.getMixedStrides())
    if (!isConstant(stride, 1))
      return std::nullopt;
  return LeadingSlice{slice.getSource(), slice.getMixedSizes()};
}

bool sameSize(OpFoldResult a, OpFoldResult b) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(b);
  if (x || y)
    return x && y && *x == *y;
  return cast<Value>(a) == cast<Value>(b);
}

/// One operand dimension seen by a result dimension: the static size of the
/// buffer it lives in, and the size actually in use.
struct DimUse {
  int64_t bound;
  OpFoldResult size;
};

/// Ops computed element by element (with numpy broadcasting), whatever the
/// padding holds. Integer Div and Mod are handled separately.
const llvm::StringSet<> &getElementwiseOps() {
  static const llvm::StringSet<> ops = {
      "graph.exp", "graph.log", "graph.sqrt", "graph.reciprocal", "graph.floor",
      "graph.ceil", "graph.round", "graph.erf", "graph.sin", "graph.cos", "graph.tan",
      "graph.asin", "graph.acos", "graph.atan", "graph.sinh", "graph.cosh", "graph.asinh",
      "graph.acosh", "graph.atanh", "graph.abs", "graph.neg", "graph.sign", "graph.not",
      "graph.identity", "graph.relu", "graph.sigmoid", "graph.tanh", "graph.softplus",
      "graph.softsign", "graph.hard_swish", "graph.mish", "graph.leaky_relu", "graph.elu",
      "graph.celu", "graph.thresholded_relu", "graph.selu", "graph.hard_sigmoid",
      "graph.shrink", "graph.clip", "graph.is_nan", "graph.is_inf", "graph.cast",
      "graph.add", "graph.sub", "graph.mul", "graph.max", "graph.min", "graph.pow",
      "graph.prelu", "graph.bit_shift", "graph.equal", "graph.less", "graph.less_or_equal",
      "graph.greater", "graph.greater_or_equal", "graph.and", "graph.or", "graph.xor",
      "graph.where"};
  return ops;
}

bool isSafeOnPadding(Operation *op) {
  StringRef name = op->getName().getStringRef();
  if (getElementwiseOps().contains(name))
    return true;
  // Floating-point division by garbage is harmless; integer division traps.
  if (name == "graph.div" || name == "graph.mod")
    return isa<FloatType>(cast<ShapedType>(op->getResult(0).getType()).getElementType());
  return isa<graph::TransposeOp, graph::GatherOp, graph::SqueezeOp, graph::UnsqueezeOp,
             graph::SliceOp, graph::ConcatOp, graph::ReduceSumOp, graph::ReduceMeanOp,
             graph::ReduceMaxOp, graph::ReduceMinOp, graph::ReduceProdOp, graph::ReduceL1Op,
             graph::ReduceL2Op, graph::ReduceLogSumOp, graph::ReduceLogSumExpOp,
             graph::ReduceSumSquareOp>(op);
}

/// Constant axes, made non-negative for `rank`.
std::optional<SmallVector<int64_t>> getAxes(Value axes, int64_t rank) {
  if (!axes)
    return std::nullopt;
  auto values = graph::getConstantIntValues(axes);
  if (!values)
    return std::nullopt;
  for (int64_t &axis : *values)
    if (axis < 0)
      axis += rank;
  return values;
}

/// For ops that keep, drop or insert whole dimensions: the dimension of the
/// data operands each result dimension comes from (-1 for one that is
/// inserted, reduced or sliced, which must be static), and which operands
/// are data. std::nullopt when the op's parameters are not constants.
struct DimensionSources {
  SmallVector<int64_t> sources;
  SmallVector<unsigned> dataOperands{0};
};

std::optional<DimensionSources> getDimensionSources(Operation *op, int64_t resultRank) {
  DimensionSources result;
  int64_t dataRank = cast<RankedTensorType>(op->getOperand(0).getType()).getRank();
  auto keepAllBut = [&](ArrayRef<int64_t> removed) {
    for (int64_t d = 0; d < dataRank; ++d)
      if (!llvm::is_contained(removed, d))
        result.sources.push_back(d);
  };
  if (auto squeeze = dyn_cast<graph::SqueezeOp>(op)) {
    auto axes = getAxes(squeeze.getAxes(), dataRank);
    if (!axes)
      return std::nullopt;
    keepAllBut(*axes);
  } else if (auto unsqueeze = dyn_cast<graph::UnsqueezeOp>(op)) {
    auto axes = getAxes(unsqueeze.getAxes(), resultRank);
    if (!axes)
      return std::nullopt;
    for (int64_t r = 0, d = 0; r < resultRank; ++r)
      result.sources.push_back(llvm::is_contained(*axes, r) ? -1 : d++);
  } else if (auto slice = dyn_cast<graph::SliceOp>(op)) {
    auto axes = getAxes(slice.getAxes(), dataRank);
    if (!axes)
      return std::nullopt;
    for (int64_t d = 0; d < dataRank; ++d)
      result.sources.push_back(llvm::is_contained(*axes, d) ? -1 : d);
  } else if (auto concat = dyn_cast<graph::ConcatOp>(op)) {
    int64_t axis = concat.getAxis() < 0 ? concat.getAxis() + dataRank : concat.getAxis();
    for (int64_t d = 0; d < dataRank; ++d)
      result.sources.push_back(d == axis ? -1 : d);
    result.dataOperands.clear();
    for (unsigned i = 0; i < op->getNumOperands(); ++i)
      result.dataOperands.push_back(i);
  } else {
    // A reduction (the list in isSafeOnPadding): data, axes, keepdims.
    auto axes = getAxes(op->getOperand(1), dataRank);
    auto keepdims = op->getAttrOfType<BoolAttr>("keepdims");
    if (!axes || axes->empty() || !keepdims)
      return std::nullopt;
    if (keepdims.getValue()) {
      for (int64_t d = 0; d < dataRank; ++d)
        result.sources.push_back(llvm::is_contained(*axes, d) ? -1 : d);
    } else {
      keepAllBut(*axes);
    }
  }
  if (static_cast<int64_t>(result.sources.size()) != resultRank)
    return std::nullopt;
  return result;
}

struct SinkLeadingSlicePattern : ConversionPattern {
  SinkLeadingSlicePattern(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/10, context) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    if (!isa_and_nonnull<graph::GraphDialect>(op->getDialect()) || op->getNumResults() != 1 ||
        op->getNumRegions() != 0 || !isSafeOnPadding(op))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || resultType.hasStaticShape())
      return failure();
    // The re-created op keeps the original (graph-level) op's reading of
    // its element types; unsigned ones are signless once converted.
    auto isUnsigned = [](Type type) {
      auto shaped = dyn_cast<ShapedType>(type);
      return shaped && isUnsignedInteger(shaped.getElementType());
    };
    if (llvm::any_of(op->getOperandTypes(), isUnsigned) || isUnsigned(resultType))
      return failure();

    // Every operand is a leading slice of a static buffer, or static itself.
    SmallVector<Value> buffers;
    SmallVector<SmallVector<DimUse>> uses;
    bool anySliced = false;
    for (Value operand : operands) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type)
        return failure();
      SmallVector<DimUse> dims;
      if (std::optional<LeadingSlice> slice = matchLeadingSlice(operand)) {
        auto sourceType = cast<RankedTensorType>(slice->source.getType());
        for (int64_t d = 0; d < sourceType.getRank(); ++d)
          dims.push_back({sourceType.getDimSize(d), slice->sizes[d]});
        buffers.push_back(slice->source);
        anySliced = true;
      } else if (type.hasStaticShape()) {
        for (int64_t size : type.getShape())
          dims.push_back({size, rewriter.getIndexAttr(size)});
        buffers.push_back(operand);
      } else {
        return failure();
      }
      uses.push_back(std::move(dims));
    }
    if (!anySliced)
      return failure();

    // Each result dimension: its buffer size and the size in use.
    int64_t rank = resultType.getRank();
    SmallVector<DimUse> resultDims;
    if (auto transpose = dyn_cast<graph::TransposeOp>(op)) {
      for (int64_t source : transpose.getPerm())
        resultDims.push_back(uses[0][source]);
    } else if (auto gather = dyn_cast<graph::GatherOp>(op)) {
      // Indices in the padding are garbage, but the lowering clamps every
      // index into range. Slicing the gathered axis itself would change
      // what negative indices mean: not sunk.
      int64_t axis = gather.getAxis();
      const SmallVector<DimUse> &data = uses[0];
      if (!sameSize(data[axis].size, rewriter.getIndexAttr(data[axis].bound)))
        return failure();
      resultDims.append(data.begin(), data.begin() + axis);
      resultDims.append(uses[1].begin(), uses[1].end());
      resultDims.append(data.begin() + axis + 1, data.end());
    } else if (!getElementwiseOps().contains(op->getName().getStringRef()) &&
               !isa<graph::DivOp, graph::ModOp>(op)) {
      std::optional<DimensionSources> moves = getDimensionSources(op, rank);
      if (!moves)
        return failure();
      // Every counted dimension of the data must reach the result: one
      // that is reduced, sliced or concatenated along would read padding.
      for (unsigned k : moves->dataOperands)
        for (auto [d, use] : llvm::enumerate(uses[k]))
          if (!sameSize(use.size, rewriter.getIndexAttr(use.bound)) &&
              !llvm::is_contained(moves->sources, static_cast<int64_t>(d)))
            return failure();
      for (int64_t r = 0; r < rank; ++r) {
        int64_t source = moves->sources[r];
        if (source < 0) {
          if (resultType.isDynamicDim(r))
            return failure();
          int64_t size = resultType.getDimSize(r);
          resultDims.push_back({size, rewriter.getIndexAttr(size)});
          continue;
        }
        std::optional<DimUse> chosen;
        for (unsigned k : moves->dataOperands) {
          const DimUse &use = uses[k][source];
          if (chosen && (chosen->bound != use.bound || !sameSize(chosen->size, use.size)))
            return failure();
          chosen = use;
        }
        resultDims.push_back(*chosen);
      }
    } else {
      for (int64_t r = 0; r < rank; ++r) {
        std::optional<DimUse> chosen;
        for (const SmallVector<DimUse> &dims : uses) {
          int64_t j = r - (rank - static_cast<int64_t>(dims.size()));
          if (j < 0)
            continue;
          const DimUse &use = dims[j];
          // An unsliced size-1 dimension broadcasts.
          if (use.bound == 1 && sameSize(use.size, rewriter.getIndexAttr(1)))
            continue;
          if (!chosen) {
            chosen = use;
            continue;
          }
          // Broadcasting partners must agree on the buffer and the count.
          if (chosen->bound != use.bound || !sameSize(chosen->size, use.size))
            return failure();
        }
        resultDims.push_back(chosen ? *chosen : DimUse{1, rewriter.getIndexAttr(1)});
      }
    }
    SmallVector<int64_t> staticShape;
    SmallVector<OpFoldResult> sizes;
    for (auto [r, use] : llvm::enumerate(resultDims)) {
      if (!resultType.isDynamicDim(r) && resultType.getDimSize(r) != use.bound)
        return failure();
      staticShape.push_back(use.bound);
      sizes.push_back(use.size);
    }

    Operation *atBound = rewriter.clone(*op);
    rewriter.modifyOpInPlace(atBound, [&] {
      atBound->setOperands(buffers);
      atBound->getResult(0).setType(
          RankedTensorType::get(staticShape, resultType.getElementType()));
    });
    Location loc = op->getLoc();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    Value result = rewriter.create<tensor::ExtractSliceOp>(loc, atBound->getResult(0), offsets,
                                                           sizes, strides);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The shape of a data-dependent tensor: its counts, read at run time.
struct ShapeOfLeadingSlicePattern : OpConversionPattern<graph::ShapeOp> {
  // Before the ordinary lowering, which reports dynamic shapes.
  ShapeOfLeadingSlicePattern(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(graph::ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    std::optional<LeadingSlice> slice = matchLeadingSlice(adaptor.getInput());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!slice || !resultType || !resultType.hasStaticShape())
      return failure();
    int64_t rank = static_cast<int64_t>(slice->sizes.size());
    auto clampDim = [&](int64_t dim) {
      return std::clamp<int64_t>(dim < 0 ? dim + rank : dim, 0, rank);
    };
    int64_t start = clampDim(op.getStart());
    int64_t end = op.getEnd() ? clampDim(*op.getEnd()) : rank;
    Location loc = op.getLoc();
    SmallVector<Value> dims;
    for (int64_t d = start; d < end; ++d)
      dims.push_back(rewriter.create<arith::IndexCastOp>(
          loc, rewriter.getI64Type(),
          getValueOrCreateConstantIndexOp(rewriter, loc, slice->sizes[d])));
    if (static_cast<int64_t>(dims.size()) != resultType.getNumElements())
      return failure();
    if (dims.empty()) {
      rewriter.replaceOp(op, createEmptyTensor(rewriter, loc, resultType));
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType, dims);
    return success();
  }
};

} // namespace

void populateSliceSinkingPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<SinkLeadingSlicePattern, ShapeOfLeadingSlicePattern>(converter,
                                                                    patterns.getContext());
}

} // namespace kiln::codegen
