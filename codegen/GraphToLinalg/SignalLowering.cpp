//===- SignalLowering.cpp - graph-to-linalg patterns: signal windows ------===//
//
// The generalized cosine window (ONNX HannWindow, HammingWindow,
// BlackmanWindow) as one linalg.generic over its static length, with the
// arithmetic of ONNX's function bodies: n * (tau / M) in f32, the cosines,
// then a0 - a1 * cos + a2 * cos2, converted to the result element type.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

struct CosineWindowLowering : OpConversionPattern<graph::CosineWindowOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::CosineWindowOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = convertTensorType(*getTypeConverter(), op.getType());
    int64_t length = type.getDimSize(0);
    Type f32 = rewriter.getF32Type();
    // ONNX: Tau = 6.2831853 (a float constant), AngularIncrement = Tau / M.
    float period = float(op.getPeriodic() ? length : length - 1);
    float increment = 6.2831853f / period;
    auto constant = [&](OpBuilder &b, Location l, float value) -> Value {
      return b.create<arith::ConstantOp>(l, b.getF32FloatAttr(value));
    };
    float a0 = op.getA0().convertToFloat(), a1 = op.getA1().convertToFloat(),
          a2 = op.getA2().convertToFloat();
    auto f32Type = RankedTensorType::get(type.getShape(), f32);
    Value init = rewriter.create<tensor::EmptyOp>(loc, f32Type.getShape(), f32);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{f32Type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(1)},
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value index = b.create<linalg::IndexOp>(l, 0);
          Value n = b.create<arith::UIToFPOp>(
              l, f32, b.create<arith::IndexCastUIOp>(l, b.getI64Type(), index));
          Value angle = b.create<arith::MulFOp>(l, n, constant(b, l, increment));
          Value cosine = b.create<math::CosOp>(l, angle);
          Value value = b.create<arith::SubFOp>(
              l, constant(b, l, a0), b.create<arith::MulFOp>(l, constant(b, l, a1), cosine));
          if (a2 != 0.0f) {
            Value twice = b.create<arith::MulFOp>(l, angle, constant(b, l, 2.0f));
            Value cosine2 = b.create<math::CosOp>(l, twice);
            value = b.create<arith::AddFOp>(
                l, value, b.create<arith::MulFOp>(l, constant(b, l, a2), cosine2));
          }
          b.create<linalg::YieldOp>(l, value);
        });
    Value window = generic.getResult(0);
    rewriter.replaceOp(op, createFloatCast(rewriter, loc, window, type.getElementType()));
    return success();
  }
};

} // namespace

void populateSignalLoweringPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns.add<CosineWindowLowering>(converter, patterns.getContext());
  // DFT, STFT and MelWeightMatrix (SpectralLowering.cpp).
  populateSpectralLoweringPatterns(converter, patterns);
}

} // namespace kiln::codegen
