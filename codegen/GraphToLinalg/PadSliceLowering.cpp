//===- PadSliceLowering.cpp - graph-to-linalg patterns: Slice and Pad -----===//
//
// Slice becomes a strided tensor.extract_slice (plus a reversing
// linalg.generic for negative steps); Pad crops negative pads with an
// extract_slice and pads with tensor.pad ("constant") or a linalg.generic that
// computes the source index of every output element ("edge", "reflect",
// "wrap"). When starts, steps, axes or pads are only known at run time (and
// the result type is static), a generic computes every source index from the
// runtime values instead.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/TensorPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Normalizes `axes` against `rank`, reporting out-of-range or repeated ones.
std::optional<SmallVector<int64_t>>
normalizeDistinctAxes(Operation *op, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> normalized;
  for (int64_t axis : axes) {
    auto value = graph::normalizeAxis(axis, rank);
    if (!value) {
      op->emitError() << "axis " << axis << " is out of range for rank " << rank;
      return std::nullopt;
    }
    if (llvm::is_contained(normalized, *value)) {
      op->emitError() << "axis " << axis << " is listed more than once";
      return std::nullopt;
    }
    normalized.push_back(*value);
  }
  return normalized;
}

/// `source` with the listed dimensions read back to front.
Value createReverse(OpBuilder &b, Location loc, Value source, ArrayRef<bool> reversed) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    AffineExpr dim = b.getAffineDimExpr(d);
    exprs.push_back(reversed[d] ? type.getDimSize(d) - 1 - dim : dim);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, b.getContext()),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value init = createEmptyTensor(b, loc, type);
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{type}, ValueRange{source}, ValueRange{init}, maps, iterators,
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        nested.create<linalg::YieldOp>(nestedLoc, args[0]);
      });
  return generic.getResult(0);
}

/// Element `k` of the 1-D integer tensor `values`, read at run time as an index.
Value readIndexAt(OpBuilder &b, Location loc, Value values, int64_t k) {
  Value position = b.create<arith::ConstantIndexOp>(loc, k);
  Value element = b.create<tensor::ExtractOp>(loc, values, ValueRange{position});
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), element);
}

/// For every dimension of a rank-`rank` tensor, whether entry `k` of the
/// runtime `axes` operand names it (negative axes count from the back).
SmallVector<Value> createAxisMatches(OpBuilder &b, Location loc, Value axes,
                                     int64_t k, int64_t rank) {
  auto constant = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
  Value axis = readIndexAt(b, loc, axes, k);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, axis, constant(0));
  Value wrapped = b.create<arith::AddIOp>(loc, axis, constant(rank));
  axis = b.create<arith::SelectOp>(loc, negative, wrapped, axis);
  SmallVector<Value> matches;
  for (int64_t d = 0; d < rank; ++d)
    matches.push_back(
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, axis, constant(d)));
  return matches;
}

/// Number of entries of the 1-D tensor `values`, or -1 when not static.
int64_t staticLength(Value values) {
  auto type = dyn_cast<RankedTensorType>(values.getType());
  if (!type || type.getRank() != 1 || type.isDynamicDim(0))
    return -1;
  return type.getDimSize(0);
}

/// Slice whose starts, ends, axes or steps are only known at run time. The
/// result type is static, so only the first source index and the stride of
/// every dimension are computed at run time (with ONNX's clamping of starts);
/// a generic then gathers `start + i * step` along each dimension. Ends only
/// determine the result size, which the static result type already gives.
LogicalResult lowerRuntimeSlice(graph::SliceOp op, Value data, Value starts,
                                Value axes, Value steps, RankedTensorType type,
                                ConversionPatternRewriter &rewriter) {
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();
  int64_t count = staticLength(starts);
  if (count < 0 || staticLength(axes) != count || staticLength(steps) != count)
    return op.emitError() << "slice starts, axes and steps must have the same static "
                             "length when they are computed at run time";
  if (type.getRank() != rank)
    return op.emitError() << "slice result type " << type << " does not match " << dataType;
  if (replaceIfNoElements(op, type, rewriter))
    return success();
  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  auto constant = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  SmallVector<Value> first(rank), stride(rank);
  for (int64_t d = 0; d < rank; ++d) {
    first[d] = constant(0);
    stride[d] = constant(1);
  }
  for (int64_t k = 0; k < count; ++k) {
    SmallVector<Value> matches = createAxisMatches(b, loc, axes, k, rank);
    Value start = readIndexAt(b, loc, starts, k);
    Value step = readIndexAt(b, loc, steps, k);
    Value forward =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, step, constant(0));
    Value negative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, start, constant(0));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = dataType.getDimSize(d);
      Value wrapped = b.create<arith::AddIOp>(loc, start, constant(dim));
      Value s = b.create<arith::SelectOp>(loc, negative, wrapped, start);
      s = b.create<arith::MaxSIOp>(loc, s, constant(0));
      Value upper = b.create<arith::SelectOp>(loc, forward, constant(dim),
                                              constant(std::max<int64_t>(dim - 1, 0)));
      s = b.create<arith::MinSIOp>(loc, s, upper);
      first[d] = b.create<arith::SelectOp>(loc, matches[d], s, first[d]);
      stride[d] = b.create<arith::SelectOp>(loc, matches[d], step, stride[d]);
    }
  }
  Value init = createEmptyTensor(rewriter, loc, type);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d) {
          Value index = nested.create<linalg::IndexOp>(nestedLoc, d);
          Value offset = nested.create<arith::MulIOp>(nestedLoc, index, stride[d]);
          Value source = nested.create<arith::AddIOp>(nestedLoc, first[d], offset);
          // Keep the read in bounds even if the operands disagree with the
          // static result type (ONNX leaves that undefined).
          source = nested.create<arith::MaxSIOp>(
              nestedLoc, source, nested.create<arith::ConstantIndexOp>(nestedLoc, 0));
          source = nested.create<arith::MinSIOp>(
              nestedLoc, source,
              nested.create<arith::ConstantIndexOp>(
                  nestedLoc, std::max<int64_t>(dataType.getDimSize(d) - 1, 0)));
          indices.push_back(source);
        }
        Value value = nested.create<tensor::ExtractOp>(nestedLoc, data, indices);
        nested.create<linalg::YieldOp>(nestedLoc, value);
      });
  rewriter.replaceOp(op, generic.getResult(0));
  return success();
}

/// ONNX Slice: out-of-range starts and ends clamp, negative ones count from
/// the back, negative steps walk backwards. A negative-step window is taken
/// with the positive stride from its lowest element and then reversed.
struct SliceLowering : OpConversionPattern<graph::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    std::optional<SmallVector<int64_t>> starts, ends, axes, steps;
    if (!graph::getConstantIntValues(op.getStarts()) ||
        !graph::getConstantIntValues(op.getEnds()) ||
        !graph::getConstantIntValues(op.getAxes()) ||
        !graph::getConstantIntValues(op.getSteps()))
      return lowerRuntimeSlice(op, adaptor.getData(), adaptor.getStarts(),
                               adaptor.getAxes(), adaptor.getSteps(), type, rewriter);
    if (!(starts = requireConstantInts(op, op.getStarts(), "Slice starts")) ||
        !(ends = requireConstantInts(op, op.getEnds(), "Slice ends")) ||
        !(axes = requireConstantInts(op, op.getAxes(), "Slice axes")) ||
        !(steps = requireConstantInts(op, op.getSteps(), "Slice steps")))
      return failure();
    if (ends->size() != starts->size() || axes->size() != starts->size() ||
        steps->size() != starts->size())
      return op.emitError() << "slice starts, ends, axes and steps differ in length";

    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t rank = dataType.getRank();
    auto sliced = normalizeDistinctAxes(op, *axes, rank);
    if (!sliced)
      return failure();

    SmallVector<int64_t> offsets(rank, 0), sizes(dataType.getShape()), strides(rank, 1);
    SmallVector<bool> reversed(rank, false);
    for (auto [i, axis] : llvm::enumerate(*sliced)) {
      int64_t step = (*steps)[i], dim = dataType.getDimSize(axis);
      if (step == 0)
        return op.emitError() << "slice step along axis " << axis << " is 0";
      int64_t length = graph::slicedLength(dim, (*starts)[i], (*ends)[i], step);
      if (length != type.getDimSize(axis))
        return op.emitError() << "slicing axis " << axis << " yields " << length
                              << " elements but the result type is " << type;
      sizes[axis] = length;
      if (length == 0)
        continue;
      int64_t first = (*starts)[i] < 0 ? (*starts)[i] + dim : (*starts)[i];
      first = std::clamp<int64_t>(first, 0, step > 0 ? dim : dim - 1);
      if (step > 0) {
        offsets[axis] = first;
        strides[axis] = step;
      } else {
        offsets[axis] = first + (length - 1) * step;
        strides[axis] = -step;
        reversed[axis] = length > 1;
      }
    }
    if (ArrayRef<int64_t>(sizes) != type.getShape())
      return op.emitError() << "slice result type " << type << " does not match the "
                            << "unsliced dimensions of " << dataType;
    if (replaceIfNoElements(op, type, rewriter))
      return success();

    Location loc = op.getLoc();
    Value result = data;
    if (type != dataType || llvm::any_of(offsets, [](int64_t o) { return o != 0; }))
      result = rewriter.create<tensor::ExtractSliceOp>(
          loc, type, data, indexAttrs(rewriter, offsets), indexAttrs(rewriter, sizes),
          indexAttrs(rewriter, strides));
    if (llvm::is_contained(reversed, true))
      result = createReverse(rewriter, loc, result, reversed);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The index into a dimension of `size` that output index `index` of a
/// dimension padded by `low` in front reads under `mode`. Indices before the
/// start are at least -low, so adding a multiple of the period that covers
/// `low` makes the remainder non-negative.
Value createPaddedSourceIndex(OpBuilder &b, Location loc, Value index, int64_t low,
                              int64_t size, StringRef mode) {
  auto constant = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
  Value shifted = b.create<arith::SubIOp>(loc, index, constant(low));
  if (mode == "edge") {
    Value lower = b.create<arith::MaxSIOp>(loc, shifted, constant(0));
    return b.create<arith::MinSIOp>(loc, lower, constant(size - 1));
  }
  if (mode == "wrap") {
    // ONNX pads as if the data were a torus, so the index is simply taken
    // modulo the size (np.pad differs only when both pads exceed the size).
    int64_t bias = llvm::divideCeil(low, size) * size;
    Value positive = b.create<arith::AddIOp>(loc, shifted, constant(bias));
    return b.create<arith::RemUIOp>(loc, positive, constant(size));
  }
  // "reflect": the padded sequence is periodic with period 2 * (size - 1),
  // mirroring about the first and last elements without repeating them.
  if (size == 1)
    return constant(0);
  int64_t period = 2 * (size - 1);
  int64_t bias = llvm::divideCeil(low, period) * period;
  Value positive = b.create<arith::AddIOp>(loc, shifted, constant(bias));
  Value phase = b.create<arith::RemUIOp>(loc, positive, constant(period));
  Value mirrored = b.create<arith::SubIOp>(loc, constant(period), phase);
  Value inFront =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, phase, constant(size));
  return b.create<arith::SelectOp>(loc, inFront, phase, mirrored);
}

/// Pad whose pads or axes are only known at run time (static result type).
/// Every dimension's crop offset, cropped size and front padding are
/// computed at run time; a generic then maps each output index to the
/// cropped source under `mode`, mirroring the constant-pads lowering.
LogicalResult lowerRuntimePad(graph::PadOp op, Value data, Value pads, Value axes,
                              Value constantValue, StringRef mode,
                              RankedTensorType type,
                              ConversionPatternRewriter &rewriter) {
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t rank = dataType.getRank();
  int64_t count = staticLength(axes);
  if (count < 0 || staticLength(pads) != 2 * count)
    return op.emitError() << "Pad pads must hold two entries per axis, with a static "
                             "length, when they are computed at run time";
  if (type.getRank() != rank)
    return op.emitError() << "pad result type " << type << " does not match " << dataType;
  if (replaceIfNoElements(op, type, rewriter))
    return success();
  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  auto constant = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  Value zero = constant(0);
  SmallVector<Value> low(rank, zero), high(rank, zero);
  for (int64_t k = 0; k < count; ++k) {
    SmallVector<Value> matches = createAxisMatches(b, loc, axes, k, rank);
    Value begin = readIndexAt(b, loc, pads, k);
    Value end = readIndexAt(b, loc, pads, k + count);
    for (int64_t d = 0; d < rank; ++d) {
      low[d] = b.create<arith::SelectOp>(loc, matches[d], begin, low[d]);
      high[d] = b.create<arith::SelectOp>(loc, matches[d], end, high[d]);
    }
  }
  // Negative pads crop first: the cropped dimension starts at `cropOffset`
  // and holds `size` elements; the output then starts `padLow` before it.
  SmallVector<Value> cropOffset(rank), size(rank), padLow(rank);
  for (int64_t d = 0; d < rank; ++d) {
    Value negLow = b.create<arith::SubIOp>(loc, zero, low[d]);
    Value negHigh = b.create<arith::SubIOp>(loc, zero, high[d]);
    cropOffset[d] = b.create<arith::MaxSIOp>(loc, negLow, zero);
    Value cropHigh = b.create<arith::MaxSIOp>(loc, negHigh, zero);
    Value remaining = b.create<arith::SubIOp>(
        loc, constant(dataType.getDimSize(d)),
        b.create<arith::AddIOp>(loc, cropOffset[d], cropHigh));
    // At least one element keeps the reads below in bounds; ONNX leaves
    // padding an empty dimension in these modes undefined.
    size[d] = b.create<arith::MaxSIOp>(loc, remaining, constant(1));
    padLow[d] = b.create<arith::MaxSIOp>(loc, low[d], zero);
  }
  Value padValue;
  if (mode == "constant")
    padValue = extractOnlyElement(rewriter, loc, constantValue);

  Value init = createEmptyTensor(rewriter, loc, type);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = rewriter.create<linalg::GenericOp>(
      loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange) {
        auto c = [&](int64_t v) -> Value {
          return nb.create<arith::ConstantIndexOp>(nl, v);
        };
        Value inside;
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d) {
          Value index = nb.create<linalg::IndexOp>(nl, d);
          Value j = nb.create<arith::SubIOp>(nl, index, padLow[d]);
          Value last = nb.create<arith::SubIOp>(nl, size[d], c(1));
          Value source;
          if (mode == "constant" || mode == "edge") {
            if (mode == "constant") {
              Value geZero = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::sge, j, c(0));
              Value ltSize =
                  nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, j, size[d]);
              Value in = nb.create<arith::AndIOp>(nl, geZero, ltSize);
              inside = inside ? nb.create<arith::AndIOp>(nl, inside, in) : in;
            }
            source = nb.create<arith::MinSIOp>(nl, nb.create<arith::MaxSIOp>(nl, j, c(0)),
                                               last);
          } else if (mode == "wrap") {
            Value r = nb.create<arith::RemSIOp>(nl, j, size[d]);
            Value neg = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, r, c(0));
            source = nb.create<arith::SelectOp>(
                nl, neg, nb.create<arith::AddIOp>(nl, r, size[d]), r);
          } else {
            // "reflect": period 2 * (size - 1), mirrored about both ends.
            Value period = nb.create<arith::MaxSIOp>(
                nl, nb.create<arith::MulIOp>(nl, last, c(2)), c(1));
            Value r = nb.create<arith::RemSIOp>(nl, j, period);
            Value neg = nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, r, c(0));
            Value phase = nb.create<arith::SelectOp>(
                nl, neg, nb.create<arith::AddIOp>(nl, r, period), r);
            Value mirrored = nb.create<arith::SubIOp>(nl, period, phase);
            Value inFront =
                nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, phase, size[d]);
            source = nb.create<arith::SelectOp>(nl, inFront, phase, mirrored);
            source = nb.create<arith::MinSIOp>(nl, source, last);
          }
          indices.push_back(nb.create<arith::AddIOp>(nl, source, cropOffset[d]));
        }
        Value value = nb.create<tensor::ExtractOp>(nl, data, indices);
        if (inside)
          value = nb.create<arith::SelectOp>(nl, inside, value, padValue);
        nb.create<linalg::YieldOp>(nl, value);
      });
  rewriter.replaceOp(op, generic.getResult(0));
  return success();
}

/// ONNX Pad. Negative pads crop before the remaining pads apply (the order
/// ONNX Runtime uses; it matters for "reflect" and "edge").
struct PadLowering : OpConversionPattern<graph::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    std::optional<SmallVector<int64_t>> pads, axes;
    StringRef padMode = op.getMode();
    if (!llvm::is_contained({"constant", "edge", "reflect", "wrap"}, padMode))
      return op.emitError() << "unsupported pad mode '" << padMode << "'";
    if (!graph::getConstantIntValues(op.getPads()) ||
        !graph::getConstantIntValues(op.getAxes()))
      return lowerRuntimePad(op, adaptor.getData(), adaptor.getPads(), adaptor.getAxes(),
                             adaptor.getConstantValue(), padMode, type, rewriter);
    if (!(pads = requireConstantInts(op, op.getPads(), "Pad pads")) ||
        !(axes = requireConstantInts(op, op.getAxes(), "Pad axes")))
      return failure();
    if (pads->size() != 2 * axes->size())
      return op.emitError() << "expects two pads per padded axis, got " << pads->size()
                            << " pads for " << axes->size() << " axes";
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t rank = dataType.getRank();
    auto padded = normalizeDistinctAxes(op, *axes, rank);
    if (!padded)
      return failure();
    StringRef mode = op.getMode();
    if (!llvm::is_contained({"constant", "edge", "reflect", "wrap"}, mode))
      return op.emitError() << "unsupported pad mode '" << mode << "'";

    size_t count = padded->size();
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    for (auto [i, axis] : llvm::enumerate(*padded)) {
      low[axis] = (*pads)[i];
      high[axis] = (*pads)[i + count];
    }
    SmallVector<int64_t> cropOffsets(rank), croppedShape(rank), padLow(rank),
        padHigh(rank);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = dataType.getDimSize(d);
      if (size + low[d] + high[d] != type.getDimSize(d))
        return op.emitError() << "padding dimension " << d << " of " << dataType
                              << " does not give result type " << type;
      cropOffsets[d] = std::max<int64_t>(-low[d], 0);
      croppedShape[d] = size - cropOffsets[d] - std::max<int64_t>(-high[d], 0);
      if (croppedShape[d] < 0)
        return op.emitError() << "negative pads crop more than dimension " << d << " of "
                              << dataType << " holds";
      padLow[d] = std::max<int64_t>(low[d], 0);
      padHigh[d] = std::max<int64_t>(high[d], 0);
      if (mode != "constant" && croppedShape[d] == 0 && padLow[d] + padHigh[d] > 0)
        return op.emitError() << "cannot pad an empty dimension in '" << mode << "' mode";
    }
    if (replaceIfNoElements(op, type, rewriter))
      return success();

    Location loc = op.getLoc();
    auto croppedType = RankedTensorType::get(croppedShape, type.getElementType());
    Value cropped = data;
    if (croppedType != dataType)
      cropped = rewriter.create<tensor::ExtractSliceOp>(
          loc, croppedType, data, indexAttrs(rewriter, cropOffsets),
          indexAttrs(rewriter, croppedShape),
          indexAttrs(rewriter, SmallVector<int64_t>(rank, 1)));
    if (croppedType == type) {
      rewriter.replaceOp(op, cropped);
      return success();
    }

    if (mode == "constant") {
      Value padValue = extractOnlyElement(rewriter, loc, adaptor.getConstantValue());
      rewriter.replaceOpWithNewOp<tensor::PadOp>(op, type, cropped,
                                                 indexAttrs(rewriter, padLow),
                                                 indexAttrs(rewriter, padHigh), padValue);
      return success();
    }

    Value init = createEmptyTensor(rewriter, loc, type);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)}, iterators,
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value index = b.create<linalg::IndexOp>(nestedLoc, d);
            if (padLow[d] != 0 || padHigh[d] != 0)
              index = createPaddedSourceIndex(b, nestedLoc, index, padLow[d],
                                              croppedShape[d], mode);
            indices.push_back(index);
          }
          Value value = b.create<tensor::ExtractOp>(nestedLoc, cropped, indices);
          b.create<linalg::YieldOp>(nestedLoc, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populatePadSliceLoweringPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<SliceLowering, PadLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
