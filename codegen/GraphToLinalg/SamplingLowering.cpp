//===- SamplingLowering.cpp - graph-to-linalg patterns: GridSample, RoiAlign ===//
//
// Both ops read the image at positions known only at run time (from the grid,
// or from the boxes), so each is one parallel linalg.generic over the result
// whose body computes the positions and reads pixels with tensor.extract.
// Arithmetic is in f32 (f64 for f64 images), like the reference kernels.
// Every index is clamped into the image before it is read, so malformed
// grids or boxes never read outside the buffer; the ONNX padding rules then
// decide which value a position outside the image gets.
//
// RoiAlign's sampling grid may depend on the box size (sampling_ratio = 0),
// so its samples are visited by two scf.for loops with run-time bounds
// inside the generic body.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>
#include <limits>

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Scalar arithmetic in one float type `ft`, to keep the formulas readable.
struct ScalarMath {
  OpBuilder &b;
  Location loc;
  FloatType ft;

  Value cst(double v) { return b.create<arith::ConstantOp>(loc, b.getFloatAttr(ft, v)); }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(loc, x, y); }
  Value min(Value x, Value y) { return b.create<arith::MinNumFOp>(loc, x, y); }
  Value max(Value x, Value y) { return b.create<arith::MaxNumFOp>(loc, x, y); }
  Value floor(Value x) { return b.create<math::FloorOp>(loc, x); }
  Value clamp(Value x, double lo, double hi) { return min(max(x, cst(lo)), cst(hi)); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, p, x, y);
  }
  Value lt(Value x, Value y) { return cmp(arith::CmpFPredicate::OLT, x, y); }
  Value gt(Value x, Value y) { return cmp(arith::CmpFPredicate::OGT, x, y); }
  Value ge(Value x, Value y) { return cmp(arith::CmpFPredicate::OGE, x, y); }
  Value le(Value x, Value y) { return cmp(arith::CmpFPredicate::OLE, x, y); }
  Value select(Value c, Value x, Value y) { return b.create<arith::SelectOp>(loc, c, x, y); }
  Value andI(Value x, Value y) { return b.create<arith::AndIOp>(loc, x, y); }
  Value orI(Value x, Value y) { return b.create<arith::OrIOp>(loc, x, y); }

  /// A float to this type (extension or truncation).
  Value toFloat(Value x) {
    auto from = cast<FloatType>(x.getType());
    if (from == ft)
      return x;
    if (from.getWidth() < ft.getWidth())
      return b.create<arith::ExtFOp>(loc, ft, x);
    return b.create<arith::TruncFOp>(loc, ft, x);
  }
  Value toType(Value x, Type type) {
    if (type == ft)
      return x;
    if (cast<FloatType>(type).getWidth() > ft.getWidth())
      return b.create<arith::ExtFOp>(loc, type, x);
    return b.create<arith::TruncFOp>(loc, type, x);
  }
  /// An integer-valued float already clamped into range, as an index
  /// (truncating toward zero, like a C++ cast).
  Value toIndex(Value x) {
    Value i = b.create<arith::FPToSIOp>(loc, b.getI64Type(), x);
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), i);
  }
};

FloatType computeType(Type elementType) {
  auto ft = cast<FloatType>(elementType);
  return ft.getWidth() == 64 ? ft : Float32Type::get(ft.getContext());
}

/// A parallel generic producing `type` from loop indices only.
Value createSamplingGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                            function_ref<Value(OpBuilder &, Location)> body) {
  return createParallelGeneric(b, loc, type, ValueRange{}, {},
                               [&](OpBuilder &nested, Location nestedLoc, ValueRange) {
                                 return body(nested, nestedLoc);
                               });
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

/// Folds `x` into [lo, hi] by mirroring at the bounds (ONNX GridSample's
/// reflection padding, repeated for positions several widths away).
Value reflect(ScalarMath &m, Value x, double lo, double hi) {
  double range = hi - lo;
  if (range <= 0)
    return m.cst(lo);
  auto fold = [&](Value distance, double near, double far) {
    Value flips = m.floor(m.div(distance, m.cst(range)));
    Value rest = m.sub(distance, m.mul(flips, m.cst(range)));
    Value half = m.mul(flips, m.cst(0.5));
    Value even = m.cmp(arith::CmpFPredicate::OEQ, m.floor(half), half);
    Value towardFar = near < far ? m.add(m.cst(near), rest) : m.sub(m.cst(near), rest);
    Value towardNear = near < far ? m.sub(m.cst(far), rest) : m.add(m.cst(far), rest);
    return m.select(even, towardFar, towardNear);
  };
  Value below = fold(m.sub(m.cst(lo), x), lo, hi);
  Value above = fold(m.sub(x, m.cst(hi)), hi, lo);
  return m.select(m.lt(x, m.cst(lo)), below,
                  m.select(m.gt(x, m.cst(hi)), above, x));
}

/// The cubic convolution weights of the four taps around a fractional
/// offset `t` in [0, 1) (coefficient A = -0.75).
std::array<Value, 4> cubicWeights(ScalarMath &m, Value t) {
  constexpr double a = -0.75;
  auto outer = [&](Value s) { // |s| in [1, 2]
    return m.sub(m.mul(m.add(m.mul(m.sub(m.mul(m.cst(a), s), m.cst(5 * a)), s), m.cst(8 * a)),
                       s),
                 m.cst(4 * a));
  };
  auto inner = [&](Value s) { // |s| in [0, 1]
    return m.add(m.mul(m.mul(m.sub(m.mul(m.cst(a + 2), s), m.cst(a + 3)), s), s), m.cst(1));
  };
  Value one = m.cst(1);
  return {outer(m.add(t, one)), inner(t), inner(m.sub(one, t)),
          outer(m.sub(m.cst(2), t))};
}

struct GridSampleLowering : OpConversionPattern<graph::GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::GridSampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    Value grid = adaptor.getGrid();
    auto inputType = cast<RankedTensorType>(input.getType());
    double height = inputType.getDimSize(2), width = inputType.getDimSize(3);
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    bool alignCorners = op.getAlignCorners();
    // The region a position must lie in before padding applies.
    double xMin = alignCorners ? 0 : -0.5, xMax = alignCorners ? width - 1 : width - 0.5;
    double yMin = alignCorners ? 0 : -0.5, yMax = alignCorners ? height - 1 : height - 0.5;
    FloatType ft = computeType(type.getElementType());
    Type elementType = type.getElementType();

    Value result = createSamplingGeneric(rewriter, op.getLoc(), type, [&](OpBuilder &b,
                                                                          Location loc) {
      ScalarMath m{b, loc, ft};
      Value n = b.create<linalg::IndexOp>(loc, 0);
      Value c = b.create<linalg::IndexOp>(loc, 1);
      Value h = b.create<linalg::IndexOp>(loc, 2);
      Value w = b.create<linalg::IndexOp>(loc, 3);
      auto gridAt = [&](int64_t k) {
        Value kIndex = b.create<arith::ConstantIndexOp>(loc, k);
        return m.toFloat(b.create<tensor::ExtractOp>(loc, grid, ValueRange{n, h, w, kIndex}));
      };
      auto denormalize = [&](Value v, double size) {
        Value plusOne = m.add(v, m.cst(1));
        if (alignCorners)
          return m.mul(plusOne, m.cst((size - 1) / 2));
        return m.div(m.sub(m.mul(plusOne, m.cst(size)), m.cst(1)), m.cst(2));
      };
      Value x = denormalize(gridAt(0), width);
      Value y = denormalize(gridAt(1), height);
      if (mode == "nearest") {
        x = b.create<math::RoundEvenOp>(loc, x);
        y = b.create<math::RoundEvenOp>(loc, y);
      }
      if (padding != "zeros") {
        Value outside = m.orI(m.orI(m.lt(x, m.cst(xMin)), m.gt(x, m.cst(xMax))),
                              m.orI(m.lt(y, m.cst(yMin)), m.gt(y, m.cst(yMax))));
        Value newX = padding == "border" ? m.clamp(x, 0, width - 1) : reflect(m, x, xMin, xMax);
        Value newY =
            padding == "border" ? m.clamp(y, 0, height - 1) : reflect(m, y, yMin, yMax);
        x = m.select(outside, newX, x);
        y = m.select(outside, newY, y);
      }
      // The pixel at integer-valued (row, col), with the padding rule.
      auto pixel = [&](Value row, Value col) {
        Value inside;
        if (padding == "zeros") {
          inside = m.andI(m.andI(m.ge(row, m.cst(0)), m.le(row, m.cst(height - 1))),
                          m.andI(m.ge(col, m.cst(0)), m.le(col, m.cst(width - 1))));
        } else if (padding == "reflection") {
          row = reflect(m, row, yMin, yMax);
          col = reflect(m, col, xMin, xMax);
        }
        Value r = m.toIndex(m.clamp(row, 0, height - 1));
        Value cc = m.toIndex(m.clamp(col, 0, width - 1));
        Value v = m.toFloat(b.create<tensor::ExtractOp>(loc, input, ValueRange{n, c, r, cc}));
        return inside ? m.select(inside, v, m.cst(0)) : v;
      };

      Value out;
      if (mode == "nearest") {
        // The position is integer-valued here: rounded, then clamped or
        // mirrored about integer or half-integer bounds.
        out = pixel(y, x);
      } else if (mode == "bilinear") {
        Value x1 = m.floor(x), y1 = m.floor(y);
        Value x2 = m.add(x1, m.cst(1)), y2 = m.add(y1, m.cst(1));
        Value dx1 = m.sub(x, x1), dx2 = m.sub(x2, x);
        Value dy1 = m.sub(y, y1), dy2 = m.sub(y2, y);
        Value top = m.add(m.mul(dx2, pixel(y1, x1)), m.mul(dx1, pixel(y1, x2)));
        Value bottom = m.add(m.mul(dx2, pixel(y2, x1)), m.mul(dx1, pixel(y2, x2)));
        out = m.add(m.mul(dy2, top), m.mul(dy1, bottom));
      } else {
        Value x0 = m.sub(m.floor(x), m.cst(1)), y0 = m.sub(m.floor(y), m.cst(1));
        auto wx = cubicWeights(m, m.sub(m.sub(x, x0), m.cst(1)));
        auto wy = cubicWeights(m, m.sub(m.sub(y, y0), m.cst(1)));
        for (int i = 0; i < 4; ++i) {
          Value row = m.add(y0, m.cst(i));
          Value sum;
          for (int j = 0; j < 4; ++j) {
            Value term = m.mul(wx[j], pixel(row, m.add(x0, m.cst(j))));
            sum = sum ? m.add(sum, term) : term;
          }
          Value term = m.mul(wy[i], sum);
          out = out ? m.add(out, term) : term;
        }
      }
      return m.toType(out, elementType);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

struct RoiAlignLowering : OpConversionPattern<graph::RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::RoiAlignOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unsupported result type");
    Value input = adaptor.getInput();
    Value rois = adaptor.getRois();
    Value batchIndices = adaptor.getBatchIndices();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t batch = inputType.getDimSize(0);
    double height = inputType.getDimSize(2), width = inputType.getDimSize(3);
    double outHeight = op.getOutputHeight(), outWidth = op.getOutputWidth();
    int64_t samplingRatio = op.getSamplingRatio();
    double scale = op.getSpatialScale().convertToFloat();
    bool halfPixel = op.getCoordinateTransformationMode() == "half_pixel";
    bool isMax = op.getMode() == "max";
    FloatType ft = computeType(type.getElementType());
    Type elementType = type.getElementType();

    Value result = createSamplingGeneric(rewriter, op.getLoc(), type, [&](OpBuilder &b,
                                                                          Location loc) {
      ScalarMath m{b, loc, ft};
      Value r = b.create<linalg::IndexOp>(loc, 0);
      Value c = b.create<linalg::IndexOp>(loc, 1);
      Value ph = b.create<linalg::IndexOp>(loc, 2);
      Value pw = b.create<linalg::IndexOp>(loc, 3);
      auto indexToFloat = [&](Value i) {
        Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), i);
        return b.create<arith::SIToFPOp>(loc, ft, i64).getResult();
      };
      auto roiAt = [&](int64_t k) {
        Value kIndex = b.create<arith::ConstantIndexOp>(loc, k);
        Value v = m.toFloat(b.create<tensor::ExtractOp>(loc, rois, ValueRange{r, kIndex}));
        return m.sub(m.mul(v, m.cst(scale)), m.cst(halfPixel ? 0.5 : 0.0));
      };
      Value startW = roiAt(0), startH = roiAt(1);
      Value roiWidth = m.sub(roiAt(2), startW), roiHeight = m.sub(roiAt(3), startH);
      if (!halfPixel) {
        roiWidth = m.max(roiWidth, m.cst(1));
        roiHeight = m.max(roiHeight, m.cst(1));
      }
      Value binH = m.div(roiHeight, m.cst(outHeight));
      Value binW = m.div(roiWidth, m.cst(outWidth));
      // Samples per bin side, as an index and a float; the run-time count
      // is bounded so that a huge box cannot make the loops unbounded.
      auto gridSize = [&](Value bin) -> std::pair<Value, Value> {
        if (samplingRatio > 0)
          return {b.create<arith::ConstantIndexOp>(loc, samplingRatio),
                  m.cst(samplingRatio)};
        Value size = m.clamp(b.create<math::CeilOp>(loc, bin), 0, 1 << 20);
        return {m.toIndex(size), size};
      };
      // Plain variables: the loop bodies below capture them (C++17 lambdas
      // cannot capture structured bindings).
      Value gridH, gridHf, gridW, gridWf;
      std::tie(gridH, gridHf) = gridSize(binH);
      std::tie(gridW, gridWf) = gridSize(binW);
      Value originY = m.add(startH, m.mul(indexToFloat(ph), binH));
      Value originX = m.add(startW, m.mul(indexToFloat(pw), binW));
      Value stepY = m.div(binH, gridHf), stepX = m.div(binW, gridWf);

      Value batchIndex = b.create<tensor::ExtractOp>(loc, batchIndices, ValueRange{r});
      Value image = b.create<arith::IndexCastOp>(loc, b.getIndexType(), batchIndex);
      image = b.create<arith::MaxSIOp>(loc, image, b.create<arith::ConstantIndexOp>(loc, 0));
      image = b.create<arith::MinSIOp>(loc, image,
                                       b.create<arith::ConstantIndexOp>(loc, batch - 1));

      // One bilinear sample (the reference's rules: positions more than one
      // pixel outside contribute 0, the others are clamped to the image).
      auto sample = [&](OpBuilder &lb, Value y, Value x) {
        ScalarMath s{lb, loc, ft};
        Value outside = s.orI(s.orI(s.lt(y, s.cst(-1)), s.gt(y, s.cst(height))),
                              s.orI(s.lt(x, s.cst(-1)), s.gt(x, s.cst(width))));
        y = s.max(y, s.cst(0));
        x = s.max(x, s.cst(0));
        auto corners = [&](Value v, double size) -> std::array<Value, 3> {
          Value low = s.floor(v);
          Value atEdge = s.ge(low, s.cst(size - 1));
          low = s.select(atEdge, s.cst(size - 1), low);
          Value high = s.select(atEdge, low, s.add(low, s.cst(1)));
          v = s.select(atEdge, low, v);
          return {low, high, s.sub(v, low)};
        };
        auto [yLow, yHigh, ly] = corners(y, height);
        auto [xLow, xHigh, lx] = corners(x, width);
        Value hy = s.sub(s.cst(1), ly), hx = s.sub(s.cst(1), lx);
        auto at = [&](Value row, Value col) {
          Value ri = s.toIndex(s.clamp(row, 0, height - 1));
          Value ci = s.toIndex(s.clamp(col, 0, width - 1));
          return s.toFloat(lb.create<tensor::ExtractOp>(loc, input, ValueRange{image, c, ri, ci}));
        };
        std::array<Value, 4> terms = {s.mul(s.mul(hy, hx), at(yLow, xLow)),
                                      s.mul(s.mul(hy, lx), at(yLow, xHigh)),
                                      s.mul(s.mul(ly, hx), at(yHigh, xLow)),
                                      s.mul(s.mul(ly, lx), at(yHigh, xHigh))};
        Value v = terms[0];
        for (int k = 1; k < 4; ++k)
          v = isMax ? s.max(v, terms[k]) : s.add(v, terms[k]);
        return s.select(outside, s.cst(0), v);
      };

      Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
      Value one = b.create<arith::ConstantIndexOp>(loc, 1);
      Value init = isMax ? m.cst(-std::numeric_limits<double>::infinity()) : m.cst(0);
      auto rows = b.create<scf::ForOp>(
          loc, zero, gridH, one, ValueRange{init},
          [&](OpBuilder &rb, Location, Value iy, ValueRange rowAcc) {
            ScalarMath s{rb, loc, ft};
            Value iyf = s.add(s.toFloat(rb.create<arith::SIToFPOp>(
                                  loc, ft, rb.create<arith::IndexCastOp>(loc, rb.getI64Type(), iy))),
                              s.cst(0.5));
            Value y = s.add(originY, s.mul(iyf, stepY));
            auto cols = rb.create<scf::ForOp>(
                loc, zero, gridW, one, rowAcc,
                [&](OpBuilder &cb, Location, Value ix, ValueRange colAcc) {
                  ScalarMath t{cb, loc, ft};
                  Value ixf = t.add(cb.create<arith::SIToFPOp>(
                                        loc, ft,
                                        cb.create<arith::IndexCastOp>(loc, cb.getI64Type(), ix)),
                                    t.cst(0.5));
                  Value x = t.add(originX, t.mul(ixf, stepX));
                  Value v = sample(cb, y, x);
                  Value acc = isMax ? t.max(colAcc[0], v) : t.add(colAcc[0], v);
                  cb.create<scf::YieldOp>(loc, acc);
                });
            rb.create<scf::YieldOp>(loc, cols.getResult(0));
          });
      Value acc = rows.getResult(0);
      Value count = m.mul(gridHf, gridWf);
      Value out = isMax ? m.select(m.gt(count, m.cst(0)), acc, m.cst(0))
                        : m.div(acc, m.max(count, m.cst(1)));
      return m.toType(out, elementType);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSamplingLoweringPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<GridSampleLowering, RoiAlignLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
