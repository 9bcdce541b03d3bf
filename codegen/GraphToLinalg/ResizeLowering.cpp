//===- ResizeLowering.cpp - graph-to-linalg patterns: Resize -------------===//
//
// ONNX Resize with static shapes. Every mode
// (nearest, linear, cubic) interpolates each axis independently, so the
// lowering resizes one axis at a time: for each output position along the
// axis, the input positions it reads ("taps") and their weights are fixed at
// compile time, computed here in double precision with the ONNX formulas,
// and stored as small constant tables. A linalg.generic per resized axis
// gathers the taps with tensor.extract and sums them with their weights.
// tf_crop_and_resize's extrapolation is applied at the end from per-axis
// "outside" masks, so it is exact rather than interpolated. Runtime `sizes`
// must equal the static result type, which stands in for them; runtime
// `scales` or `roi` use a variant that computes taps and weights in the
// generic's body.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/NNPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace mlir;

namespace kiln::codegen {
namespace {

struct Tap {
  int64_t index;
  double weight;
};

/// How one axis is resized: the taps of every output position (the same
/// number for each) and which positions tf_crop_and_resize extrapolates.
struct AxisPlan {
  int64_t axis = 0;
  SmallVector<SmallVector<Tap>> taps;
  SmallVector<bool> outside;
  bool isIdentity = false;
  bool hasOutside = false;
};

struct ResizeParams {
  StringRef mode, transform, nearestMode;
  double cubicA;
  bool excludeOutside;
};

/// The input coordinate of output coordinate `x` (ONNX Resize's
/// coordinate_transformation_mode formulas).
double toInputCoordinate(StringRef transform, double x, double scale, int64_t in,
                         int64_t out, double roiStart, double roiEnd) {
  if (transform == "asymmetric")
    return x / scale;
  if (transform == "align_corners")
    return out == 1 ? 0.0 : x * double(in - 1) / double(out - 1);
  if (transform == "pytorch_half_pixel")
    return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (transform == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  if (transform == "tf_crop_and_resize")
    return out > 1 ? roiStart * double(in - 1) +
                         x * (roiEnd - roiStart) * double(in - 1) / double(out - 1)
                   : 0.5 * (roiStart + roiEnd) * double(in - 1);
  if (transform == "half_pixel_symmetric") {
    double adjustment = double(out) / (scale * double(in));
    double offset = double(in) / 2.0 * (1.0 - adjustment);
    return offset + (x + 0.5) / scale - 0.5;
  }
  // half_pixel
  return (x + 0.5) / scale - 0.5;
}

int64_t roundNearest(StringRef nearestMode, double x) {
  double lower = std::floor(x);
  bool half = x - lower == 0.5;
  if (nearestMode == "floor")
    return int64_t(lower);
  if (nearestMode == "ceil")
    return int64_t(std::ceil(x));
  if (half)
    return int64_t(nearestMode == "round_prefer_ceil" ? lower + 1 : lower);
  return int64_t(std::round(x));
}

/// Keys' cubic convolution weights of the four taps floor(x)-1 .. floor(x)+2
/// for fractional position `r` (as ONNX defines them, with coefficient `a`).
std::array<double, 4> cubicWeights(double r, double a) {
  double s0 = r + 1, s3 = 2 - r, s2 = 1 - r;
  return {((a * s0 - 5 * a) * s0 + 8 * a) * s0 - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s2 - (a + 3)) * s2 * s2 + 1,
          ((a * s3 - 5 * a) * s3 + 8 * a) * s3 - 4 * a};
}

AxisPlan planAxis(const ResizeParams &params, int64_t axis, int64_t in, int64_t out,
                  double scale, double roiStart, double roiEnd) {
  AxisPlan plan;
  plan.axis = axis;
  auto clampIndex = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  bool identity = in == out;
  for (int64_t o = 0; o < out; ++o) {
    double x = toInputCoordinate(params.transform, double(o), scale, in, out, roiStart,
                                 roiEnd);
    bool outside = params.transform == "tf_crop_and_resize" && (x < 0 || x > double(in - 1));
    SmallVector<Tap> taps;
    if (params.mode == "nearest") {
      taps.push_back({clampIndex(roundNearest(params.nearestMode, x)), 1.0});
    } else {
      double lower = std::floor(x);
      double r = x - lower;
      int64_t base = int64_t(lower);
      if (params.mode == "linear") {
        taps.push_back({base, 1.0 - r});
        taps.push_back({base + 1, r});
      } else {
        std::array<double, 4> weights = cubicWeights(r, params.cubicA);
        for (int64_t t = 0; t < 4; ++t)
          taps.push_back({base - 1 + t, weights[t]});
        if (params.excludeOutside) {
          double sum = 0;
          for (Tap &tap : taps) {
            if (tap.index < 0 || tap.index >= in)
              tap.weight = 0;
            sum += tap.weight;
          }
          for (Tap &tap : taps)
            tap.weight /= sum;
        }
      }
      // Taps beyond the edges read the edge element.
      for (Tap &tap : taps)
        tap.index = clampIndex(tap.index);
    }
    double selfWeight = 0;
    for (const Tap &tap : taps)
      if (tap.index == o)
        selfWeight += tap.weight;
      else
        identity &= tap.weight == 0;
    identity &= selfWeight == 1.0 && !outside;
    plan.taps.push_back(std::move(taps));
    plan.outside.push_back(outside);
    plan.hasOutside |= outside;
  }
  plan.isIdentity = identity;
  return plan;
}

/// A 1-D constant of `elementType` holding `values`.
Value createTable(OpBuilder &b, Location loc, Type elementType, ArrayRef<double> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elementType);
  SmallVector<Attribute> attrs;
  for (double v : values) {
    if (isa<FloatType>(elementType))
      attrs.push_back(b.getFloatAttr(elementType, v));
    else
      attrs.push_back(b.getIntegerAttr(elementType, int64_t(v)));
  }
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, attrs));
}

/// Resizes `source` along `plan.axis`: output[..., o, ...] =
/// sum_t weight_t(o) * source[..., index_t(o), ...].
Value resizeAxis(OpBuilder &b, Location loc, Value source, const AxisPlan &plan,
                 bool weighted) {
  MLIRContext *context = b.getContext();
  auto sourceType = cast<RankedTensorType>(source.getType());
  Type elementType = sourceType.getElementType();
  int64_t rank = sourceType.getRank();
  SmallVector<int64_t> shape(sourceType.getShape());
  shape[plan.axis] = static_cast<int64_t>(plan.taps.size());
  auto resultType = RankedTensorType::get(shape, elementType);

  size_t numTaps = plan.taps.front().size();
  SmallVector<Value> tables;
  for (size_t t = 0; t < numTaps; ++t) {
    SmallVector<double> indices;
    for (const SmallVector<Tap> &taps : plan.taps)
      indices.push_back(double(taps[t].index));
    tables.push_back(createTable(b, loc, b.getI64Type(), indices));
  }
  if (weighted)
    for (size_t t = 0; t < numTaps; ++t) {
      SmallVector<double> weights;
      for (const SmallVector<Tap> &taps : plan.taps)
        weights.push_back(taps[t].weight);
      tables.push_back(createTable(b, loc, elementType, weights));
    }
  AffineMap tableMap = AffineMap::get(rank, 0, {getAffineDimExpr(plan.axis, context)},
                                      context);
  SmallVector<AffineMap> maps(tables.size(), tableMap);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{resultType}, tables,
          ValueRange{createEmptyTensor(b, loc, resultType)}, maps, iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            SmallVector<Value> indices;
            for (int64_t d = 0; d < rank; ++d)
              indices.push_back(nested.create<linalg::IndexOp>(nestedLoc, d));
            Value sum;
            for (size_t t = 0; t < numTaps; ++t) {
              indices[plan.axis] = nested.create<arith::IndexCastOp>(
                  nestedLoc, nested.getIndexType(), args[t]);
              Value term = nested.create<tensor::ExtractOp>(nestedLoc, source, indices);
              if (weighted)
                term = nested.create<arith::MulFOp>(nestedLoc, args[numTaps + t], term);
              sum = sum ? nested.create<arith::AddFOp>(nestedLoc, sum, term).getResult()
                        : term;
            }
            nested.create<linalg::YieldOp>(nestedLoc, sum);
          })
      .getResult(0);
}

/// Replaces the positions outside the crop box of any axis with `value`.
Value applyExtrapolation(OpBuilder &b, Location loc, Value resized,
                         ArrayRef<AxisPlan> plans, double value) {
  MLIRContext *context = b.getContext();
  auto type = cast<RankedTensorType>(resized.getType());
  int64_t rank = type.getRank();
  SmallVector<Value> inputs{resized};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  for (const AxisPlan &plan : plans) {
    if (!plan.hasOutside)
      continue;
    SmallVector<double> mask(plan.outside.begin(), plan.outside.end());
    inputs.push_back(createTable(b, loc, b.getI1Type(), mask));
    maps.push_back(AffineMap::get(rank, 0, {getAffineDimExpr(plan.axis, context)}, context));
  }
  if (inputs.size() == 1)
    return resized;
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value extrapolation = createScalarConstant(b, loc, type.getElementType(), value);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{type}, inputs, ValueRange{createEmptyTensor(b, loc, type)}, maps,
          iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value outside = args[1];
            for (size_t i = 2; i + 1 < args.size(); ++i)
              outside = nested.create<arith::OrIOp>(nestedLoc, outside, args[i]);
            nested.create<linalg::YieldOp>(
                nestedLoc, ValueRange{nested.create<arith::SelectOp>(nestedLoc, outside,
                                                                     extrapolation, args[0])});
          })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Runtime scales or roi
//===----------------------------------------------------------------------===//

/// How one axis is resized when its scale or crop box is only known at run
/// time: the values (f64 scalars) the coordinate formulas need.
/// `resized` is the output length the formulas divide by: ONNX's reference
/// takes it as input length * scale, unrounded, when scales are given.
struct RuntimeAxis {
  int64_t axis;
  Value scale, resized, roiStart, roiEnd;
};

/// Element `k` of the 1-D float tensor `values`, read at run time as f64.
Value readF64At(OpBuilder &b, Location loc, Value values, int64_t k) {
  Value position = b.create<arith::ConstantIndexOp>(loc, k);
  Value element = b.create<tensor::ExtractOp>(loc, values, ValueRange{position});
  if (!element.getType().isF64())
    element = b.create<arith::ExtFOp>(loc, b.getF64Type(), element);
  return element;
}

/// toInputCoordinate with a runtime scale and crop box, in f64.
Value createInputCoordinate(OpBuilder &b, Location loc, StringRef transform, Value x,
                            const RuntimeAxis &axis, int64_t in, int64_t out) {
  auto c = [&](double v) -> Value {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  Value scale = axis.scale;
  if (transform == "asymmetric")
    return b.create<arith::DivFOp>(loc, x, scale);
  Value resizedLess1 = b.create<arith::SubFOp>(loc, axis.resized, c(1.0));
  Value resizedIsOne =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, axis.resized, c(1.0));
  if (transform == "align_corners") {
    Value mapped = b.create<arith::DivFOp>(
        loc, b.create<arith::MulFOp>(loc, x, c(double(in - 1))), resizedLess1);
    return b.create<arith::SelectOp>(loc, resizedIsOne, c(0.0), mapped);
  }
  Value halfShifted =
      b.create<arith::DivFOp>(loc, b.create<arith::AddFOp>(loc, x, c(0.5)), scale);
  if (transform == "tf_half_pixel_for_nn")
    return halfShifted;
  if (transform == "tf_crop_and_resize") {
    Value span = b.create<arith::SubFOp>(loc, axis.roiEnd, axis.roiStart);
    Value centre = b.create<arith::MulFOp>(
        loc, b.create<arith::AddFOp>(loc, axis.roiStart, axis.roiEnd),
        c(0.5 * double(in - 1)));
    Value begin = b.create<arith::MulFOp>(loc, axis.roiStart, c(double(in - 1)));
    Value step = b.create<arith::DivFOp>(
        loc, b.create<arith::MulFOp>(loc, span, c(double(in - 1))), resizedLess1);
    Value mapped =
        b.create<arith::AddFOp>(loc, begin, b.create<arith::MulFOp>(loc, x, step));
    return b.create<arith::SelectOp>(loc, resizedIsOne, centre, mapped);
  }
  Value halfPixel = b.create<arith::SubFOp>(loc, halfShifted, c(0.5));
  if (transform == "pytorch_half_pixel") {
    Value many =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, axis.resized, c(1.0));
    return b.create<arith::SelectOp>(loc, many, halfPixel, c(0.0));
  }
  if (transform == "half_pixel_symmetric") {
    Value adjustment = b.create<arith::DivFOp>(
        loc, c(double(out)), b.create<arith::MulFOp>(loc, scale, c(double(in))));
    Value offset = b.create<arith::MulFOp>(
        loc, c(double(in) / 2.0), b.create<arith::SubFOp>(loc, c(1.0), adjustment));
    return b.create<arith::AddFOp>(loc, offset, halfPixel);
  }
  return halfPixel;
}

/// Resizes `source` along `axis.axis` to `out` positions, computing each
/// output position's taps and weights at run time from the ONNX formulas.
/// tf_crop_and_resize's positions outside the crop box yield `extrapolation`
/// (later axes then interpolate between equal values, as ONNX's reference
/// resizes one axis at a time too).
Value resizeAxisAtRuntime(OpBuilder &b, Location loc, Value source,
                          const ResizeParams &params, const RuntimeAxis &axis,
                          int64_t out, double extrapolation) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  Type elementType = sourceType.getElementType();
  int64_t rank = sourceType.getRank();
  int64_t in = sourceType.getDimSize(axis.axis);
  SmallVector<int64_t> shape(sourceType.getShape());
  shape[axis.axis] = out;
  auto resultType = RankedTensorType::get(shape, elementType);
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{resultType}, ValueRange{},
          ValueRange{createEmptyTensor(b, loc, resultType)},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange) {
            auto cf = [&](double v) -> Value {
              return nb.create<arith::ConstantOp>(nl, nb.getF64FloatAttr(v));
            };
            auto ci = [&](int64_t v) -> Value {
              return nb.create<arith::ConstantIndexOp>(nl, v);
            };
            auto clampIndex = [&](Value i) -> Value {
              return nb.create<arith::MinSIOp>(nl, nb.create<arith::MaxSIOp>(nl, i, ci(0)),
                                               ci(in - 1));
            };
            auto toIndex = [&](Value f) -> Value {
              Value i = nb.create<arith::FPToSIOp>(nl, nb.getI64Type(), f);
              return nb.create<arith::IndexCastOp>(nl, nb.getIndexType(), i);
            };
            SmallVector<Value> indices;
            for (int64_t d = 0; d < rank; ++d)
              indices.push_back(nb.create<linalg::IndexOp>(nl, d));
            Value o = nb.create<arith::IndexCastOp>(nl, nb.getI64Type(), indices[axis.axis]);
            Value x = createInputCoordinate(nb, nl, params.transform,
                                            nb.create<arith::SIToFPOp>(nl, nb.getF64Type(), o),
                                            axis, in, out);
            Value lower = nb.create<math::FloorOp>(nl, x);
            Value r = nb.create<arith::SubFOp>(nl, x, lower);
            Value base = toIndex(lower);
            SmallVector<std::pair<Value, Value>> taps; // (index, f64 weight)
            if (params.mode == "nearest") {
              Value index;
              if (params.nearestMode == "floor") {
                index = base;
              } else if (params.nearestMode == "ceil") {
                index = toIndex(nb.create<math::CeilOp>(nl, x));
              } else {
                auto predicate = params.nearestMode == "round_prefer_ceil"
                                     ? arith::CmpFPredicate::OGE
                                     : arith::CmpFPredicate::OGT;
                Value up = nb.create<arith::CmpFOp>(nl, predicate, r, cf(0.5));
                index = nb.create<arith::SelectOp>(
                    nl, up, nb.create<arith::AddIOp>(nl, base, ci(1)), base);
              }
              taps.push_back({clampIndex(index), Value()});
            } else if (params.mode == "linear") {
              taps.push_back({base, nb.create<arith::SubFOp>(nl, cf(1.0), r)});
              taps.push_back({nb.create<arith::AddIOp>(nl, base, ci(1)), r});
            } else {
              double a = params.cubicA;
              Value s0 = nb.create<arith::AddFOp>(nl, r, cf(1.0));
              Value s2 = nb.create<arith::SubFOp>(nl, cf(1.0), r);
              Value s3 = nb.create<arith::SubFOp>(nl, cf(2.0), r);
              // Outer taps: ((a*s - 5a)*s + 8a)*s - 4a; inner: ((a+2)*s - (a+3))*s*s + 1.
              auto outer = [&](Value t) -> Value {
                Value v = nb.create<arith::SubFOp>(nl, nb.create<arith::MulFOp>(nl, cf(a), t),
                                                   cf(5 * a));
                v = nb.create<arith::AddFOp>(nl, nb.create<arith::MulFOp>(nl, v, t), cf(8 * a));
                return nb.create<arith::SubFOp>(nl, nb.create<arith::MulFOp>(nl, v, t),
                                                cf(4 * a));
              };
              auto inner = [&](Value t) -> Value {
                Value v = nb.create<arith::SubFOp>(
                    nl, nb.create<arith::MulFOp>(nl, cf(a + 2), t), cf(a + 3));
                v = nb.create<arith::MulFOp>(nl, nb.create<arith::MulFOp>(nl, v, t), t);
                return nb.create<arith::AddFOp>(nl, v, cf(1.0));
              };
              Value weights[4] = {outer(s0), inner(r), inner(s2), outer(s3)};
              for (int64_t t = 0; t < 4; ++t)
                taps.push_back({nb.create<arith::AddIOp>(nl, base, ci(t - 1)), weights[t]});
              if (params.excludeOutside) {
                Value sum = cf(0.0);
                for (auto &[index, weight] : taps) {
                  Value geZero =
                      nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::sge, index, ci(0));
                  Value ltIn =
                      nb.create<arith::CmpIOp>(nl, arith::CmpIPredicate::slt, index, ci(in));
                  Value inside = nb.create<arith::AndIOp>(nl, geZero, ltIn);
                  weight = nb.create<arith::SelectOp>(nl, inside, weight, cf(0.0));
                  sum = nb.create<arith::AddFOp>(nl, sum, weight);
                }
                for (auto &tap : taps)
                  tap.second = nb.create<arith::DivFOp>(nl, tap.second, sum);
              }
            }
            Value result;
            for (auto &[index, weight] : taps) {
              indices[axis.axis] = clampIndex(index);
              Value term = nb.create<tensor::ExtractOp>(nl, source, indices);
              if (weight) {
                Value w = weight;
                if (elementType != nb.getF64Type())
                  w = nb.create<arith::TruncFOp>(nl, elementType, w);
                term = nb.create<arith::MulFOp>(nl, w, term);
              }
              result = result ? nb.create<arith::AddFOp>(nl, result, term).getResult() : term;
            }
            if (params.transform == "tf_crop_and_resize") {
              Value below = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OLT, x, cf(0.0));
              Value above = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::OGT, x,
                                                     cf(double(in - 1)));
              Value outside = nb.create<arith::OrIOp>(nl, below, above);
              result = nb.create<arith::SelectOp>(
                  nl, outside, createScalarConstant(nb, nl, elementType, extrapolation),
                  result);
            }
            nb.create<linalg::YieldOp>(nl, result);
          })
      .getResult(0);
}

/// Resize whose scales or roi are only known at run time; the result type is
/// static, so only the coordinate mapping is computed at run time. `scales`
/// holds either the runtime scales tensor or null (then each scale is the
/// static output / input ratio, as ONNX defines it for `sizes`).
LogicalResult lowerRuntimeResize(graph::ResizeOp op, const ResizeParams &params,
                                 Value input, Value scales, Value roi,
                                 RankedTensorType resultType,
                                 ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  auto length = [](Value v) -> int64_t {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && type.getRank() == 1 ? type.getDimSize(0) : -1;
  };
  if (scales && length(scales) != rank)
    return op.emitError() << "resize expects " << rank << " runtime scales";
  bool crop = params.transform == "tf_crop_and_resize";
  if (crop && (!roi || length(roi) != 2 * rank))
    return op.emitError() << "resize with tf_crop_and_resize needs an 'roi' operand of "
                          << 2 * rank << " values";
  if (resultType.getNumElements() == 0) {
    rewriter.replaceOp(op, createEmptyTensor(rewriter, loc, resultType));
    return success();
  }
  SmallVector<RuntimeAxis> axes;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = inputType.getDimSize(d), out = resultType.getDimSize(d);
    if (in == 0)
      return op.emitError() << "resize cannot fill dimension " << d << " from an empty input";
    if (in == 1 && out == 1 && !crop)
      continue; // Every tap reads the only element with weights summing to 1.
    RuntimeAxis axis{d, Value(), Value(), Value(), Value()};
    axis.scale = scales ? readF64At(rewriter, loc, scales, d)
                        : rewriter.create<arith::ConstantOp>(
                              loc, rewriter.getF64FloatAttr(double(out) / double(in)));
    axis.resized =
        scales ? rewriter.create<arith::MulFOp>(
                     loc, axis.scale,
                     rewriter.create<arith::ConstantOp>(loc,
                                                        rewriter.getF64FloatAttr(double(in))))
                     .getResult()
               : rewriter.create<arith::ConstantOp>(loc, rewriter.getF64FloatAttr(double(out)))
                     .getResult();
    if (crop) {
      axis.roiStart = readF64At(rewriter, loc, roi, d);
      axis.roiEnd = readF64At(rewriter, loc, roi, d + rank);
    }
    axes.push_back(axis);
  }
  // Shrinking axes first keeps the intermediate tensors small.
  auto ratio = [&](const RuntimeAxis &a) {
    return double(resultType.getDimSize(a.axis)) / double(inputType.getDimSize(a.axis));
  };
  llvm::stable_sort(axes, [&](const RuntimeAxis &a, const RuntimeAxis &b) {
    return ratio(a) < ratio(b);
  });
  Value result = input;
  for (const RuntimeAxis &axis : axes)
    result = resizeAxisAtRuntime(rewriter, loc, result, params, axis,
                                 resultType.getDimSize(axis.axis),
                                 op.getExtrapolationValue().convertToDouble());
  rewriter.replaceOp(op, result);
  return success();
}

struct ResizeLowering : OpConversionPattern<graph::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(graph::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType resultType = convertTensorType(*getTypeConverter(), op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    ResizeParams params{op.getMode(), op.getCoordinateTransformationMode(),
                        op.getNearestMode(), op.getCubicCoeffA().convertToDouble(),
                        op.getExcludeOutside()};
    if (params.mode != "nearest" && !isa<FloatType>(resultType.getElementType()))
      return op.emitError() << params.mode << " resize of " << op.getInput().getType()
                            << " is not supported (only nearest resizes integer tensors)";

    // Runtime scales or roi: compute the coordinate mapping at run time.
    bool runtimeScales = op.getScales() && !graph::getConstantFloatValues(op.getScales());
    bool runtimeRoi = params.transform == "tf_crop_and_resize" && op.getRoi() &&
                      !graph::getConstantFloatValues(op.getRoi());
    if (runtimeScales || runtimeRoi)
      return lowerRuntimeResize(op, params, input,
                                op.getScales() ? adaptor.getScales() : Value(),
                                adaptor.getRoi(), resultType, rewriter);

    // Per-axis scales: given, or output / input size when `sizes` is given.
    // ONNX's output shape is `sizes`, so runtime sizes must equal the static
    // result type, which therefore stands in for them.
    SmallVector<double> scales;
    if (op.getSizes() && !graph::getConstantIntValues(op.getSizes())) {
      for (int64_t d = 0; d < rank; ++d)
        scales.push_back(double(resultType.getDimSize(d)) / double(inputType.getDimSize(d)));
    } else if (op.getScales()) {
      auto values = requireConstantFloats(op, op.getScales(), "resize 'scales'");
      if (!values)
        return failure();
      scales = *values;
    } else {
      auto sizes = requireConstantInts(op, op.getSizes(), "resize 'sizes'");
      if (!sizes)
        return failure();
      if (ArrayRef<int64_t>(*sizes) != resultType.getShape())
        return op.emitError() << "resize 'sizes' do not match the result type "
                              << resultType;
      for (int64_t d = 0; d < rank; ++d)
        scales.push_back(double((*sizes)[d]) / double(inputType.getDimSize(d)));
    }
    if (int64_t(scales.size()) != rank)
      return op.emitError() << "resize expects " << rank << " scales, got " << scales.size();
    SmallVector<double> roi;
    if (params.transform == "tf_crop_and_resize") {
      if (!op.getRoi())
        return op.emitError() << "resize with tf_crop_and_resize needs an 'roi' operand";
      auto values = requireConstantFloats(op, op.getRoi(), "resize 'roi'");
      if (!values)
        return failure();
      if (int64_t(values->size()) != 2 * rank)
        return op.emitError() << "resize 'roi' must have " << 2 * rank << " values, got "
                              << values->size();
      roi = *values;
    }

    SmallVector<AxisPlan> plans;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = inputType.getDimSize(d), out = resultType.getDimSize(d);
      if (in == 0 && out != 0)
        return op.emitError() << "resize cannot fill dimension " << d << " from an empty input";
      if (out == 0 || in == 0)
        continue;
      if (scales[d] <= 0)
        return op.emitError() << "resize scale " << scales[d] << " of dimension " << d
                              << " is not positive";
      AxisPlan plan = planAxis(params, d, in, out, scales[d], roi.empty() ? 0 : roi[d],
                               roi.empty() ? 1 : roi[d + rank]);
      if (!plan.isIdentity || plan.hasOutside)
        plans.push_back(std::move(plan));
    }

    // Shrinking axes first keeps the intermediate tensors small.
    auto ratio = [&](const AxisPlan &p) {
      return double(resultType.getDimSize(p.axis)) / double(inputType.getDimSize(p.axis));
    };
    llvm::sort(plans, [&](const AxisPlan &a, const AxisPlan &b) {
      return std::make_pair(ratio(a), a.axis) < std::make_pair(ratio(b), b.axis);
    });
    Value result = input;
    bool weighted = params.mode != "nearest";
    for (const AxisPlan &plan : plans)
      if (!plan.isIdentity)
        result = resizeAxis(rewriter, loc, result, plan, weighted);
    if (resultType.getNumElements() == 0)
      result = createEmptyTensor(rewriter, loc, resultType);
    result = applyExtrapolation(rewriter, loc, result, plans,
                                op.getExtrapolationValue().convertToDouble());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateResizeLoweringPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(converter, patterns.getContext());
}

} // namespace kiln::codegen
