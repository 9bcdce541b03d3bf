//===- ControlFlowLowering.cpp - graph.if/loop/scan to scf -----------------===//
//
// The region ops become scf ops on tensors, with the graph block moved (not
// cloned) into the scf body so that the conversion driver, which collected
// every nested op before it started, lowers the body's graph ops in place:
//
//   graph.if   -> scf.if on the condition's element; graph.yield -> scf.yield.
//   graph.scan -> scf.for over the sequence; each step extracts one slice of
//                 every scan input and inserts its scan elements into the
//                 stacked outputs, which the loop carries.
//   graph.loop -> scf.for when the number of iterations is known at compile
//                 time (LoopOp::getConstantTripCount), scf.while otherwise; scan elements go into outputs the loop carries.
//
// Scan outputs need a static length. A Loop's length comes from a constant
// trip count or the model's declared output shape; since the run-time trip
// count may differ from a declared length, writes past it are dropped and
// rows never written stay zero, so a wrong declaration cannot write out of
// bounds.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Set on the scf loop a Loop or Scan becomes, until its body's graph.yield
/// is lowered: a dictionary with `kind` ("scan" or "loop") and the
/// attributes the end of the body needs.
constexpr llvm::StringLiteral kTailAttr = "kiln.loop_tail";

/// The single element of a one-element tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> indices(type.getRank(), b.create<arith::ConstantIndexOp>(loc, 0));
  return b.create<tensor::ExtractOp>(loc, tensor, indices);
}

/// `value` as `type` (a compatible, possibly more or less static shape).
Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  // Values still of the graph's (unsigned) element types are converted by
  // the time the IR is verified, so only shapes are compared.
  auto from = cast<RankedTensorType>(value.getType());
  auto to = cast<RankedTensorType>(type);
  if (from.getShape() == to.getShape())
    return value;
  return b.create<tensor::CastOp>(loc, to, value);
}

/// Removes the terminator scf builders add to a loop body without results.
void dropBuilderTerminator(ConversionPatternRewriter &rewriter, Block *body) {
  if (!body->empty() && body->back().hasTrait<OpTrait::IsTerminator>())
    rewriter.eraseOp(&body->back());
}

/// Converted result types, or failure with an error naming the op.
FailureOr<SmallVector<Type>> convertResultTypes(Operation *op, const TypeConverter &converter) {
  SmallVector<Type> types;
  if (failed(converter.convertTypes(op->getResultTypes(), types)))
    return op->emitError("cannot convert the result types of ") << op->getName();
  return types;
}

/// Moves the single block of `region` to the end of `dest`, the body of
/// the new scf `loop`, with its arguments replaced by `args`. Its graph.yield
/// stays; `loop` is marked with what it does with the yielded values
/// (`tail`), which YieldLowering builds from the converted values: the
/// body's ops are converted after the loop op, so only the yield's own
/// conversion sees their final (signless) types. The mark goes on the new op
/// because modifying the yield here would legalize it at once.
void inlineBody(ConversionPatternRewriter &rewriter, Region &region, Block *dest,
                ValueRange args, Operation *loop, DictionaryAttr tail) {
  loop->setAttr(kTailAttr, tail);
  rewriter.inlineBlockBefore(&region.front(), dest, dest->end(), args);
}

/// Offsets/sizes/strides of the slice at position `index` along `axis` of
/// `tensor` (a value of `type`), one element thick.
void sliceAlong(OpBuilder &b, Location loc, Value tensor, int64_t axis, Value index,
                SmallVectorImpl<OpFoldResult> &offsets, SmallVectorImpl<OpFoldResult> &sizes,
                SmallVectorImpl<OpFoldResult> &strides) {
  sizes = tensor::getMixedSizes(b, loc, tensor);
  auto rank = static_cast<int64_t>(sizes.size());
  offsets.assign(rank, b.getIndexAttr(0));
  strides.assign(rank, b.getIndexAttr(1));
  offsets[axis] = index;
  sizes[axis] = b.getIndexAttr(1);
}

/// Inserts `element` (its shape lacks `axis`) into `stacked` at `index`.
Value insertAlong(OpBuilder &b, Location loc, Value element, Value stacked, int64_t axis,
                  Value index) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAlong(b, loc, stacked, axis, index, offsets, sizes, strides);
  // The slice type without `axis`: the element's shape as the output sees it.
  auto stackedType = cast<RankedTensorType>(stacked.getType());
  SmallVector<int64_t> shape(stackedType.getShape());
  shape.erase(shape.begin() + axis);
  element = castTo(b, loc, element, RankedTensorType::get(shape, stackedType.getElementType()));
  return b.create<tensor::InsertSliceOp>(loc, element, stacked, offsets, sizes, strides);
}

/// `index` counted from the back of a sequence of `length` when `reverse`.
Value orderedIndex(OpBuilder &b, Location loc, Value index, int64_t length, bool reverse) {
  if (!reverse)
    return index;
  Value last = b.create<arith::ConstantIndexOp>(loc, length - 1);
  return b.create<arith::SubIOp>(loc, last, index);
}

/// Zero-filled stacked outputs for the scan outputs (results from `first`).
FailureOr<SmallVector<Value>> createStackedOutputs(OpBuilder &b, Operation *op,
                                                   ArrayRef<Type> resultTypes, size_t first,
                                                   StringRef lengthSource) {
  SmallVector<Value> outputs;
  for (size_t k = first; k < resultTypes.size(); ++k) {
    auto type = cast<RankedTensorType>(resultTypes[k]);
    if (!type.hasStaticShape())
      return op->emitError() << "scan output " << k - first << " has type " << type
                             << "; its length must be known at compile time ("
                             << lengthSource << ")";
    Value zero = createScalarConstant(b, op->getLoc(), type.getElementType(), 0);
    outputs.push_back(createFilledTensor(b, op->getLoc(), type, zero));
  }
  return outputs;
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

struct IfLowering : OpConversionPattern<graph::IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::IfOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto types = convertResultTypes(op, *getTypeConverter());
    if (failed(types))
      return failure();
    Value cond = extractScalar(rewriter, op.getLoc(), adaptor.getCond());
    auto ifOp = rewriter.create<scf::IfOp>(op.getLoc(), *types, cond, /*addThenBlock=*/false,
                                           /*addElseBlock=*/false);
    rewriter.inlineRegionBefore(op.getThenBranch(), ifOp.getThenRegion(),
                                ifOp.getThenRegion().end());
    rewriter.inlineRegionBefore(op.getElseBranch(), ifOp.getElseRegion(),
                                ifOp.getElseRegion().end());
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }
};

/// Row `index` of each stacked output gets the matching element, guarded by
/// `index` < the output's length when `guard` (see the file comment).
SmallVector<Value> insertRows(OpBuilder &b, Location loc, ValueRange elements,
                              ValueRange stacked, Value index, bool guard) {
  SmallVector<Value> next;
  for (auto [element, output] : llvm::zip(elements, stacked)) {
    if (!guard) {
      next.push_back(insertAlong(b, loc, element, output, 0, index));
      continue;
    }
    int64_t length = cast<RankedTensorType>(output.getType()).getDimSize(0);
    Value inside = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, index,
                                           b.create<arith::ConstantIndexOp>(loc, length));
    auto guarded = b.create<scf::IfOp>(
        loc, inside,
        [&, element = element, output = output](OpBuilder &nested, Location l) {
          nested.create<scf::YieldOp>(l, insertAlong(nested, l, element, output, 0, index));
        },
        [&, output = output](OpBuilder &nested, Location l) {
          nested.create<scf::YieldOp>(l, output);
        });
    next.push_back(guarded.getResult(0));
  }
  return next;
}

/// Casts `values` to `types` one by one.
SmallVector<Value> castAll(OpBuilder &b, Location loc, ValueRange values, TypeRange types) {
  SmallVector<Value> cast;
  for (auto [value, type] : llvm::zip(values, types))
    cast.push_back(castTo(b, loc, value, type));
  return cast;
}

/// graph.yield in a lowered If branch, Scan or Loop body: the scf terminator,
/// after the scan outputs' rows are inserted.
struct YieldLowering : OpConversionPattern<graph::YieldOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::YieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange values = adaptor.getValues();
    Operation *parent = op->getParentOp();
    if (auto ifOp = dyn_cast<scf::IfOp>(parent)) {
      rewriter.replaceOpWithNewOp<scf::YieldOp>(
          op, castAll(rewriter, loc, values, ifOp.getResultTypes()));
      return success();
    }
    auto tail = parent->getAttrOfType<DictionaryAttr>(kTailAttr);
    if (!tail)
      return rewriter.notifyMatchFailure(op, "not in a lowered If, Loop or Scan");
    rewriter.modifyOpInPlace(parent, [&] { parent->removeAttr(kTailAttr); });
    auto getInt = [&](StringRef name) {
      return cast<IntegerAttr>(tail.get(name)).getInt();
    };
    auto getInts = [&](StringRef name) {
      return cast<DenseI64ArrayAttr>(tail.get(name)).asArrayRef();
    };
    if (cast<StringAttr>(tail.get("kind")).getValue() == "scan") {
      auto loop = cast<scf::ForOp>(parent);
      int64_t numStates = getInt("num_states"), length = getInt("length");
      ValueRange iterArgs = loop.getRegionIterArgs();
      SmallVector<Value> next = castAll(rewriter, loc, values.take_front(numStates),
                                        TypeRange(loop.getResultTypes()).take_front(numStates));
      for (auto [k, axis] : llvm::enumerate(getInts("output_axes"))) {
        Value index = orderedIndex(rewriter, loc, loop.getInductionVar(), length,
                                   getInts("output_directions")[k]);
        next.push_back(insertAlong(rewriter, loc, values[numStates + k],
                                   iterArgs[numStates + k], axis, index));
      }
      rewriter.replaceOpWithNewOp<scf::YieldOp>(op, next);
      return success();
    }
    // Loop: values are the condition, N carried values and K scan elements.
    int64_t numCarried = getInt("num_carried");
    ValueRange carried = values.slice(1, numCarried);
    ValueRange elements = values.drop_front(1 + numCarried);
    if (auto loop = dyn_cast<scf::ForOp>(parent)) {
      ValueRange iterArgs = loop.getRegionIterArgs();
      SmallVector<Value> next = castAll(rewriter, loc, carried,
                                        TypeRange(loop.getResultTypes()).take_front(numCarried));
      // The trip count is a constant; rows need a guard only where an
      // output is shorter (its declared length says so).
      std::optional<int64_t> trips = getConstantIntValue(loop.getUpperBound());
      ValueRange stacked = iterArgs.drop_front(numCarried);
      bool guard = llvm::any_of(stacked, [&](Value output) {
        return !trips || cast<RankedTensorType>(output.getType()).getDimSize(0) < *trips;
      });
      llvm::append_range(next, insertRows(rewriter, loc, elements, stacked,
                                          loop.getInductionVar(), guard));
      rewriter.replaceOpWithNewOp<scf::YieldOp>(op, next);
      return success();
    }
    // scf.while's body: (iteration, condition, carried..., outputs...).
    auto args = op->getBlock()->getArguments();
    Value iteration = args[0];
    Value index = rewriter.create<arith::IndexCastOp>(loc, rewriter.getIndexType(), iteration);
    SmallVector<Value> next = {
        rewriter.create<arith::AddIOp>(loc, iteration,
                                       rewriter.create<arith::ConstantIntOp>(loc, 1, 64)),
        extractScalar(rewriter, loc, values[0])};
    llvm::append_range(next, castAll(rewriter, loc, carried,
                                     TypeRange(args.slice(2, numCarried))));
    llvm::append_range(next, insertRows(rewriter, loc, elements,
                                        ValueRange(args.drop_front(2 + numCarried)), index,
                                        /*guard=*/true));
    rewriter.replaceOpWithNewOp<scf::YieldOp>(op, next);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

struct ScanLowering : OpConversionPattern<graph::ScanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ScanOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t length = op.getSequenceLength();
    if (ShapedType::isDynamic(length))
      return op.emitError("Scan needs a sequence length known at compile time");
    auto types = convertResultTypes(op, *getTypeConverter());
    if (failed(types))
      return failure();
    size_t numStates = op.getNumStates();
    auto outputs = createStackedOutputs(rewriter, op, *types, numStates,
                                        "the scan inputs' length");
    if (failed(outputs))
      return failure();
    SmallVector<Value> inits(adaptor.getInitialStates());
    llvm::append_range(inits, *outputs);

    Value zero = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value end = rewriter.create<arith::ConstantIndexOp>(loc, length);
    Value one = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    auto loop = rewriter.create<scf::ForOp>(loc, zero, end, one, inits);
    Block *body = loop.getBody();
    rewriter.setInsertionPointToStart(body);
    Value step = loop.getInductionVar();

    SmallVector<Value> args(loop.getRegionIterArgs().take_front(numStates));
    Block &graphBody = op.getBody().front();
    for (auto [j, input] : llvm::enumerate(adaptor.getScanInputs())) {
      int64_t axis = op.getScanInputAxes()[j];
      Value index = orderedIndex(rewriter, loc, step, length, op.getScanInputDirections()[j]);
      SmallVector<OpFoldResult> offsets, sizes, strides;
      sliceAlong(rewriter, loc, input, axis, index, offsets, sizes, strides);
      auto sliceType = convertTensorType(*getTypeConverter(),
                                         graphBody.getArgument(numStates + j).getType());
      args.push_back(rewriter.create<tensor::ExtractSliceOp>(loc, sliceType, input, offsets,
                                                             sizes, strides));
    }
    dropBuilderTerminator(rewriter, body);
    NamedAttribute tail[] = {
        rewriter.getNamedAttr("kind", rewriter.getStringAttr("scan")),
        rewriter.getNamedAttr("num_states", rewriter.getI64IntegerAttr(numStates)),
        rewriter.getNamedAttr("length", rewriter.getI64IntegerAttr(length)),
        rewriter.getNamedAttr("output_axes", op.getScanOutputAxesAttr()),
        rewriter.getNamedAttr("output_directions", op.getScanOutputDirectionsAttr())};
    inlineBody(rewriter, op.getBody(), body, args, loop, rewriter.getDictionaryAttr(tail));
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

struct LoopLowering : OpConversionPattern<graph::LoopOp> {
  using OpConversionPattern::OpConversionPattern;

  /// Moves the body to the end of `block` for iteration `iteration` (i64)
  /// with condition `cond` (i1) and the loop-carried `carried`.
  void lowerBody(ConversionPatternRewriter &rewriter, graph::LoopOp op, Operation *loop,
                 Block *block, Value iteration, Value cond, ValueRange carried) const {
    Location loc = op.getLoc();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToEnd(block);
    Value iterTensor = rewriter.create<tensor::FromElementsOp>(
        loc, RankedTensorType::get({}, rewriter.getI64Type()), iteration);
    Value condTensor = rewriter.create<tensor::FromElementsOp>(
        loc, RankedTensorType::get({}, rewriter.getI1Type()), cond);
    SmallVector<Value> args = {iterTensor, condTensor};
    llvm::append_range(args, carried);
    NamedAttribute tail[] = {
        rewriter.getNamedAttr("kind", rewriter.getStringAttr("loop")),
        rewriter.getNamedAttr("num_carried", rewriter.getI64IntegerAttr(op.getNumCarried()))};
    inlineBody(rewriter, op.getBody(), block, args, loop, rewriter.getDictionaryAttr(tail));
  }

  LogicalResult matchAndRewrite(graph::LoopOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto types = convertResultTypes(op, *getTypeConverter());
    if (failed(types))
      return failure();
    size_t numCarried = op.getNumCarried();
    auto outputs = createStackedOutputs(
        rewriter, op, *types, numCarried,
        "a constant trip count, or the shape the model declares for the output");
    if (failed(outputs))
      return failure();
    SmallVector<Type> carriedTypes(ArrayRef<Type>(*types).take_front(numCarried));
    SmallVector<Value> carried;
    for (auto [value, type] : llvm::zip(adaptor.getInitialValues(), carriedTypes))
      carried.push_back(castTo(rewriter, loc, value, type));
    Type i64 = rewriter.getI64Type();

    if (std::optional<int64_t> constTrip = op.getConstantTripCount()) {
      // A plain counted loop: the condition stays true throughout.
      SmallVector<Value> inits(carried);
      llvm::append_range(inits, *outputs);
      auto loop = rewriter.create<scf::ForOp>(
          loc, rewriter.create<arith::ConstantIndexOp>(loc, 0),
          rewriter.create<arith::ConstantIndexOp>(loc, *constTrip),
          rewriter.create<arith::ConstantIndexOp>(loc, 1), inits);
      Block *body = loop.getBody();
      dropBuilderTerminator(rewriter, body);
      rewriter.setInsertionPointToStart(body);
      Value iteration = rewriter.create<arith::IndexCastOp>(loc, i64, loop.getInductionVar());
      Value isTrue = rewriter.create<arith::ConstantIntOp>(loc, 1, 1);
      lowerBody(rewriter, op, loop, body, iteration, isTrue,
                loop.getRegionIterArgs().take_front(numCarried));
      rewriter.replaceOp(op, loop.getResults());
      return success();
    }

    // scf.while over (iteration, condition, carried..., outputs...).
    Value cond = adaptor.getCondition()
                     ? extractScalar(rewriter, loc, adaptor.getCondition())
                     : rewriter.create<arith::ConstantIntOp>(loc, 1, 1).getResult();
    Value tripCount = adaptor.getMaxTripCount()
                          ? extractScalar(rewriter, loc, adaptor.getMaxTripCount())
                          : Value();
    SmallVector<Value> inits = {rewriter.create<arith::ConstantIntOp>(loc, 0, 64), cond};
    llvm::append_range(inits, carried);
    llvm::append_range(inits, *outputs);
    SmallVector<Type> loopTypes(ValueRange(inits).getTypes());
    SmallVector<Location> locs(loopTypes.size(), loc);
    auto loop = rewriter.create<scf::WhileOp>(loc, loopTypes, inits);

    Block *before = rewriter.createBlock(&loop.getBefore(), {}, loopTypes, locs);
    Value go = before->getArgument(1);
    if (tripCount) {
      Value below = rewriter.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt,
                                                   before->getArgument(0), tripCount);
      go = rewriter.create<arith::AndIOp>(loc, go, below);
    }
    rewriter.create<scf::ConditionOp>(loc, go, before->getArguments());

    Block *after = rewriter.createBlock(&loop.getAfter(), {}, loopTypes, locs);
    ValueRange args = after->getArguments();
    lowerBody(rewriter, op, loop, after, args[0], args[1], args.slice(2, numCarried));
    rewriter.replaceOp(op, loop.getResults().drop_front(2));
    return success();
  }
};

} // namespace

void populateControlFlowLoweringPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<IfLowering, YieldLowering, ScanLowering, LoopLowering>(converter,
                                                                       patterns.getContext());
}

} // namespace kiln::codegen
