//===- NonMaxSuppressionLowering.cpp - greedy NMS as bounded loops ---------===//
//
// graph.non_max_suppression: per batch and class, repeatedly take the
// best-scoring box that is neither suppressed nor under the score threshold
// (equal scores: the lowest index), record it, and suppress every box whose
// IoU with it exceeds the threshold. That is O(max_output x boxes) per class
// and needs no sort. Selections go into a buffer of batches x classes x
// per-class-bound rows (the per-class bound is the number of boxes, or the
// maximum when it is a constant), whose leading rows are the result, as for
// the other data-dependent ops (DataDependentLowering.cpp).
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoopEmitter.h"
#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include <algorithm>

using namespace mlir;

namespace kiln::codegen {
namespace {

using loops::Emitter;

/// A box as corners, normalized so that min <= max.
struct Corners {
  Value yMin, xMin, yMax, xMax;
};

struct NonMaxSuppressionLowering : OpConversionPattern<graph::NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::NonMaxSuppressionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    for (Value operand : adaptor.getOperands())
      if (!cast<ShapedType>(operand.getType()).hasStaticShape())
        return op.emitError() << "operand of type " << operand.getType()
                              << " has a dynamic shape; the number of selected boxes is "
                                 "bounded by static input shapes (specialize with "
                                 "--input-shape NAME=DIMS)";
    Location loc = op.getLoc();
    Emitter e{rewriter, loc};
    Value boxes = adaptor.getBoxes();
    Value scores = adaptor.getScores();
    auto boxesType = cast<RankedTensorType>(boxes.getType());
    auto scoresType = cast<RankedTensorType>(scores.getType());
    int64_t batches = boxesType.getDimSize(0);
    int64_t numBoxes = boxesType.getDimSize(1);
    int64_t classes = scoresType.getDimSize(1);
    Type floatType = boxesType.getElementType();

    int64_t perClass = numBoxes;
    if (auto maximum = graph::getConstantIntValues(op.getMaxOutputBoxesPerClass()))
      if (maximum->size() == 1)
        perClass = std::clamp<int64_t>((*maximum)[0], 0, numBoxes);
    int64_t bound = batches * classes * perClass;

    auto readScalar = [&](Value tensor) {
      auto type = cast<RankedTensorType>(tensor.getType());
      SmallVector<Value> indices(type.getRank(), e.index(0));
      return e.extract(tensor, indices);
    };
    auto toFloat = [&](Value scalar) {
      return castScalar(rewriter, loc, scalar, floatType, false, false);
    };
    // The per-class maximum, clamped to [0, boxes].
    Value maximum = readScalar(adaptor.getMaxOutputBoxesPerClass());
    Value zero64 = rewriter.create<arith::ConstantOp>(loc, rewriter.getI64IntegerAttr(0));
    Value boxes64 = rewriter.create<arith::ConstantOp>(loc, rewriter.getI64IntegerAttr(numBoxes));
    maximum = rewriter.create<arith::MinSIOp>(
        loc, rewriter.create<arith::MaxSIOp>(loc, maximum, zero64), boxes64);
    Value steps = e.toIndex(maximum);
    Value iouThreshold = toFloat(readScalar(adaptor.getIouThreshold()));
    Value scoreThreshold = toFloat(readScalar(adaptor.getScoreThreshold()));
    bool centerPoint = op.getCenterPointBox() == 1;

    Type i64 = rewriter.getI64Type();
    Value selectedInit =
        rewriter.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bound, 3}, i64);
    Value removedInit =
        rewriter.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{numBoxes}, rewriter.getI1Type());

    auto corners = [&](Emitter &x, Value batch, Value box) {
      SmallVector<Value, 4> v;
      for (int64_t k = 0; k < 4; ++k)
        v.push_back(x.extract(boxes, {batch, box, x.index(k)}));
      OpBuilder &b = x.b;
      if (centerPoint) {
        Value half = createScalarConstant(b, x.loc, floatType, 0.5);
        Value halfWidth = b.create<arith::MulFOp>(x.loc, v[2], half);
        Value halfHeight = b.create<arith::MulFOp>(x.loc, v[3], half);
        return Corners{b.create<arith::SubFOp>(x.loc, v[1], halfHeight),
                       b.create<arith::SubFOp>(x.loc, v[0], halfWidth),
                       b.create<arith::AddFOp>(x.loc, v[1], halfHeight),
                       b.create<arith::AddFOp>(x.loc, v[0], halfWidth)};
      }
      return Corners{b.create<arith::MinimumFOp>(x.loc, v[0], v[2]),
                     b.create<arith::MinimumFOp>(x.loc, v[1], v[3]),
                     b.create<arith::MaximumFOp>(x.loc, v[0], v[2]),
                     b.create<arith::MaximumFOp>(x.loc, v[1], v[3])};
    };
    // Whether IoU(a, b) > threshold; boxes without area never suppress.
    auto suppresses = [&](Emitter &x, const Corners &a, const Corners &c) {
      OpBuilder &b = x.b;
      Location l = x.loc;
      Value zero = createScalarConstant(b, l, floatType, 0);
      auto extent = [&](Value low, Value high) {
        return b.create<arith::MaximumFOp>(l, b.create<arith::SubFOp>(l, high, low), zero);
      };
      Value width = extent(b.create<arith::MaximumFOp>(l, a.xMin, c.xMin),
                           b.create<arith::MinimumFOp>(l, a.xMax, c.xMax));
      Value height = extent(b.create<arith::MaximumFOp>(l, a.yMin, c.yMin),
                            b.create<arith::MinimumFOp>(l, a.yMax, c.yMax));
      Value intersection = b.create<arith::MulFOp>(l, width, height);
      auto area = [&](const Corners &box) {
        return b.create<arith::MulFOp>(l, b.create<arith::SubFOp>(l, box.xMax, box.xMin),
                                       b.create<arith::SubFOp>(l, box.yMax, box.yMin));
      };
      Value areaA = area(a), areaC = area(c);
      Value unionArea = b.create<arith::SubFOp>(
          l, b.create<arith::AddFOp>(l, areaA, areaC), intersection);
      Value positive = x.andI1(
          b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, areaA, zero),
          x.andI1(b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, areaC, zero),
                  b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, unionArea, zero)));
      Value iou = b.create<arith::DivFOp>(l, intersection, unionArea);
      return x.andI1(positive,
                     b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, iou, iouThreshold));
    };

    // One greedy step for (batch, cls): select the best remaining box, if any.
    auto step = [&](Emitter &x, Value batch, Value cls, ValueRange state) -> SmallVector<Value> {
      Value lowest = createScalarConstant(x.b, x.loc, floatType, 0);
      SmallVector<Value> best = x.forLoop(
          x.index(0), x.index(numBoxes), {x.index(numBoxes), lowest},
          [&](OpBuilder &b, Location l, Value box, ValueRange iters) {
            Emitter scan{b, l};
            Value score = scan.extract(scores, {batch, cls, box});
            if (score.getType() != floatType)
              score = castScalar(b, l, score, floatType, false, false);
            Value none = scan.indexEq(iters[0], scan.index(numBoxes));
            Value better = scan.orI1(
                none, b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, score, iters[1]));
            Value eligible = scan.andI1(
                scan.notI1(scan.extract(state[2], box)),
                b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, score, scoreThreshold));
            Value take = scan.andI1(eligible, better);
            return SmallVector<Value>{scan.select(take, box, iters[0]),
                                      scan.select(take, score, iters[1])};
          });
      Value found = x.b.create<arith::CmpIOp>(x.loc, arith::CmpIPredicate::ne, best[0],
                                             x.index(numBoxes));
      return x.ifThenElse(
          found,
          [&](OpBuilder &b, Location l) -> SmallVector<Value> {
            Emitter then{b, l};
            Value row = state[1];
            Value selected = state[0];
            Value triple[3] = {batch, cls, best[0]};
            for (int64_t k = 0; k < 3; ++k)
              selected = then.insert(then.toI64(triple[k]), selected, {row, then.index(k)});
            Corners chosen = corners(then, batch, best[0]);
            Value yes = b.create<arith::ConstantOp>(l, b.getBoolAttr(true));
            Value removed = then.insert(yes, state[2], best[0]);
            removed = then.forLoop(
                then.index(0), then.index(numBoxes), {removed},
                [&](OpBuilder &ib, Location il, Value box, ValueRange iters) {
                  Emitter scan{ib, il};
                  Value gone = scan.orI1(scan.extract(iters[0], box),
                                         suppresses(scan, chosen, corners(scan, batch, box)));
                  return SmallVector<Value>{scan.insert(gone, iters[0], box)};
                })[0];
            return {selected, then.add(row, then.index(1)), removed};
          },
          [&](OpBuilder &, Location) -> SmallVector<Value> { return SmallVector<Value>(state); });
    };

    SmallVector<Value> result = e.forLoop(
        e.index(0), e.index(batches), {selectedInit, e.index(0), removedInit},
        [&](OpBuilder &b, Location l, Value batch, ValueRange batchState) {
          Emitter perBatch{b, l};
          return perBatch.forLoop(
              perBatch.index(0), perBatch.index(classes), batchState,
              [&](OpBuilder &cb, Location cl, Value cls, ValueRange classState) {
                Emitter perClassLoop{cb, cl};
                Value no = cb.create<arith::ConstantOp>(cl, cb.getBoolAttr(false));
                Value cleared = perClassLoop.forLoop(
                    perClassLoop.index(0), perClassLoop.index(numBoxes), {classState[2]},
                    [&](OpBuilder &ib, Location il, Value box, ValueRange iters) {
                      Emitter clear{ib, il};
                      return SmallVector<Value>{clear.insert(no, iters[0], box)};
                    })[0];
                return perClassLoop.forLoop(
                    perClassLoop.index(0), steps, {classState[0], classState[1], cleared},
                    [&](OpBuilder &sb, Location sl, Value, ValueRange state) {
                      Emitter greedy{sb, sl};
                      return step(greedy, batch, cls, state);
                    });
              });
        });
    Value count = e.clampToBound(result[1], bound);
    rewriter.replaceOp(op, e.leadingSlice(result[0], 0, count));
    return success();
  }
};

} // namespace

void populateNonMaxSuppressionPattern(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<NonMaxSuppressionLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
