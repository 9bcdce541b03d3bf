//===- LossLowering.cpp - graph-to-linalg patterns: NLL loss --------------===//
//
// NegativeLogLikelihoodLoss becomes one linalg.generic over the target: each
// element reads its class's log-probability (and weight) with tensor.extract.
// With reduction "none" the generic writes the per-element losses; "sum" and
// "mean" make every loop a reduction into two scalars (the weighted loss and
// the total weight of the elements that are not ignored), and a final scalar
// step divides them for "mean". f16/bf16 accumulate in f32.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/MiscPatterns.h"
#include "ir/GraphOps.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

struct NLLLossLowering : OpConversionPattern<graph::NegativeLogLikelihoodLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::NegativeLogLikelihoodLossOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value input = adaptor.getInput(), target = adaptor.getTarget(),
          weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto targetType = cast<RankedTensorType>(target.getType());
    int64_t classes = inputType.getDimSize(1);
    int64_t rank = targetType.getRank();
    StringRef reduction = op.getReduction();
    if (classes == 0)
      return op.emitError() << "negative_log_likelihood_loss needs at least one class, got "
                            << inputType;

    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = inputType.getElementType();
    Type accType = reduction == "none" || !(element.isF16() || element.isBF16())
                       ? element
                       : rewriter.getF32Type();
    std::optional<int64_t> ignoreIndex = op.getIgnoreIndex();

    // The loss and weight of the element at the current loop position.
    auto elementLoss = [&](OpBuilder &b, Location l, Value rawTarget) {
      Value t = castScalar(b, l, rawTarget, b.getI64Type(), false, false);
      Value cls = createClampedIndex(b, l, t, classes);
      // Targets are in [0, C) (or ignore_index); negative ones must not wrap.
      Value negative = b.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, t,
                                               createScalarConstant(b, l, b.getI64Type(), 0));
      cls = b.create<arith::SelectOp>(l, negative, indexConstant(b, l, 0), cls);
      SmallVector<Value> inputIndices;
      for (int64_t d = 0; d < rank; ++d) {
        inputIndices.push_back(b.create<linalg::IndexOp>(l, d));
        if (d == 0)
          inputIndices.push_back(cls);
      }
      Value x = b.create<tensor::ExtractOp>(l, input, inputIndices);
      Value w = weight ? b.create<tensor::ExtractOp>(l, weight, cls).getResult()
                       : createScalarConstant(b, l, element, 1);
      x = castScalar(b, l, x, accType, false, false);
      w = castScalar(b, l, w, accType, false, false);
      Value loss = b.create<arith::NegFOp>(l, b.create<arith::MulFOp>(l, x, w));
      if (ignoreIndex) {
        // Selecting (not multiplying by a zero weight) keeps an ignored
        // element's -inf log-probability from turning into NaN.
        Value ignored = b.create<arith::CmpIOp>(
            l, arith::CmpIPredicate::eq, t,
            b.create<arith::ConstantOp>(l, b.getI64IntegerAttr(*ignoreIndex)));
        Value zero = createScalarConstant(b, l, accType, 0);
        loss = b.create<arith::SelectOp>(l, ignored, zero, loss);
        w = b.create<arith::SelectOp>(l, ignored, zero, w);
      }
      return std::pair{loss, w};
    };

    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    if (reduction == "none") {
      if (type.getShape() != targetType.getShape())
        return op.emitError() << "loss type " << type << " does not match target "
                              << targetType;
      if (replaceIfNoElements(op, type, rewriter))
        return success();
      SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
      auto generic = rewriter.create<linalg::GenericOp>(
          loc, TypeRange{type}, target, ValueRange{createEmptyTensor(rewriter, loc, type)},
          ArrayRef<AffineMap>{identity, identity}, iterators,
          [&](OpBuilder &b, Location l, ValueRange args) {
            b.create<linalg::YieldOp>(l, elementLoss(b, l, args[0]).first);
          });
      rewriter.replaceOp(op, generic.getResult(0));
      return success();
    }

    auto scalarType = RankedTensorType::get({}, accType);
    Value zero = createScalarConstant(rewriter, loc, accType, 0);
    Value lossSum = createFilledTensor(rewriter, loc, scalarType, zero);
    Value weightSum = createFilledTensor(rewriter, loc, scalarType, zero);
    if (targetType.getNumElements() > 0) {
      AffineMap toScalar = AffineMap::get(rank, 0, {}, context);
      SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::reduction);
      auto generic = rewriter.create<linalg::GenericOp>(
          loc, TypeRange{scalarType, scalarType}, target, ValueRange{lossSum, weightSum},
          ArrayRef<AffineMap>{identity, toScalar, toScalar}, iterators,
          [&](OpBuilder &b, Location l, ValueRange args) {
            auto [loss, w] = elementLoss(b, l, args[0]);
            b.create<linalg::YieldOp>(
                l, ValueRange{b.create<arith::AddFOp>(l, args[1], loss),
                              b.create<arith::AddFOp>(l, args[2], w)});
          });
      lossSum = generic.getResult(0);
      weightSum = generic.getResult(1);
    }
    bool mean = reduction == "mean";
    Value result = createElementwiseGeneric(
        rewriter, loc, type, ValueRange{lossSum, weightSum},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = mean ? b.create<arith::DivFOp>(l, args[0], args[1]).getResult()
                             : args[0];
          return castScalar(b, l, value, element, false, false);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateLossLoweringPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns) {
  patterns.add<NLLLossLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
