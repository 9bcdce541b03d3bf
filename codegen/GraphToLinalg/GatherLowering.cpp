//===- GatherLowering.cpp - graph-to-linalg patterns: Gather family -------===//
//
// Gather, GatherElements and GatherND become a linalg.generic over the output
// whose body reads the data with tensor.extract at indices computed from the
// index tensor.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/TensorPatterns.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Turns an ONNX index (i32/i64, negative counting from the back) into an
/// `index` into a dimension of `size`. ONNX leaves out-of-range indices
/// undefined; they are clamped so that compiled code never reads outside the
/// tensor.
Value createDataIndex(OpBuilder &b, Location loc, Value raw, int64_t size) {
  auto constant = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); };
  Value index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), raw);
  Value negative =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, index, constant(0));
  Value fromBack = b.create<arith::AddIOp>(loc, index, constant(size));
  index = b.create<arith::SelectOp>(loc, negative, fromBack, index);
  index = b.create<arith::MaxSIOp>(loc, index, constant(0));
  return b.create<arith::MinSIOp>(loc, index, constant(size - 1));
}

/// Output index (d_0 .. d_{axis-1}, i_0 .. i_{q-1}, d_{axis+1} ..) reads
/// data[d_0 .. d_{axis-1}, indices[i_0 .. i_{q-1}], d_{axis+1} ..].
struct GatherLowering : OpConversionPattern<graph::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis();
    int64_t indicesRank = indicesType.getRank();
    int64_t axisSize = dataType.getDimSize(axis);

    SmallVector<int64_t> expected(dataType.getShape().take_front(axis));
    llvm::append_range(expected, indicesType.getShape());
    llvm::append_range(expected, dataType.getShape().drop_front(axis + 1));
    if (ArrayRef<int64_t>(expected) != type.getShape())
      return op.emitError() << "gather result type " << type << " does not match "
                            << dataType << " indexed by " << indicesType;
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    if (axisSize == 0)
      return op.emitError() << "cannot gather from empty axis " << axis << " of "
                            << dataType;

    Location loc = op.getLoc();
    // A constant scalar index (e.g. picking one token or one shape entry) is
    // a plain slice.
    if (indicesRank == 0) {
      if (auto constant = graph::getConstantIntValues(op.getIndices())) {
        int64_t index = (*constant)[0] < 0 ? (*constant)[0] + axisSize : (*constant)[0];
        if (index < 0 || index >= axisSize)
          return op.emitError()
                 << "gather index " << (*constant)[0] << " is out of range for axis "
                 << axis << " of " << dataType;
        int64_t rank = dataType.getRank();
        SmallVector<int64_t> offsets(rank, 0), sizes(dataType.getShape()),
            strides(rank, 1);
        offsets[axis] = index;
        sizes[axis] = 1;
        Value slice = rewriter.create<tensor::ExtractSliceOp>(
            loc, RankedTensorType::get(sizes, type.getElementType()), data,
            indexAttrs(rewriter, offsets), indexAttrs(rewriter, sizes),
            indexAttrs(rewriter, strides));
        rewriter.replaceOp(op, createStaticReshape(rewriter, loc, slice, type));
        return success();
      }
    }

    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indicesRank; ++i)
      indexExprs.push_back(rewriter.getAffineDimExpr(axis + i));
    AffineMap indicesMap =
        AffineMap::get(type.getRank(), 0, indexExprs, rewriter.getContext());
    Value result = createParallelGeneric(
        rewriter, loc, type, ValueRange{indices}, {indicesMap},
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          SmallVector<Value> dataIndices;
          for (int64_t d = 0; d < dataType.getRank(); ++d) {
            if (d == axis)
              dataIndices.push_back(createDataIndex(b, nestedLoc, args[0], axisSize));
            else
              dataIndices.push_back(b.create<linalg::IndexOp>(
                  nestedLoc, d < axis ? d : d - 1 + indicesRank));
          }
          return b.create<tensor::ExtractOp>(nestedLoc, data, dataIndices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[i_0 .. i_{r-1}] = data[i_0 .. indices[i_0 .. i_{r-1}] .. i_{r-1}] with
/// the index tensor's value replacing position `axis`.
struct GatherElementsLowering : OpConversionPattern<graph::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis();
    int64_t rank = dataType.getRank();
    if (type.getShape() != indicesType.getShape())
      return op.emitError() << "gather_elements result type " << type
                            << " differs from the indices' shape " << indicesType;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && indicesType.getDimSize(d) > dataType.getDimSize(d))
        return op.emitError() << "indices " << indicesType << " exceed data " << dataType
                              << " in dimension " << d;
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    int64_t axisSize = dataType.getDimSize(axis);
    if (axisSize == 0)
      return op.emitError() << "cannot gather from empty axis " << axis << " of "
                            << dataType;

    Value result = createParallelGeneric(
        rewriter, op.getLoc(), type, ValueRange{indices},
        {rewriter.getMultiDimIdentityMap(rank)},
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          SmallVector<Value> dataIndices;
          for (int64_t d = 0; d < rank; ++d)
            dataIndices.push_back(
                d == axis ? createDataIndex(b, nestedLoc, args[0], axisSize)
                          : b.create<linalg::IndexOp>(nestedLoc, d).getResult());
          return b.create<tensor::ExtractOp>(nestedLoc, data, dataIndices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// With b batch dimensions and index tuples of length k (the indices' last
/// dimension), output index (o_0 .. o_{q-2}, t ..) reads
/// data[o_0 .. o_{b-1}, indices[o .., 0] .. indices[o .., k-1], t ..].
struct GatherNDLowering : OpConversionPattern<graph::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower result of type " << op.getType();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t batchDims = op.getBatchDims();
    int64_t indicesRank = indicesType.getRank();
    if (indicesRank < 1 || batchDims < 0 || batchDims >= indicesRank ||
        batchDims >= dataType.getRank())
      return op.emitError() << "batch_dims " << batchDims << " is out of range for data "
                            << dataType << " and indices " << indicesType;
    int64_t depth = indicesType.getShape().back();
    if (batchDims + depth > dataType.getRank())
      return op.emitError() << "index tuples of length " << depth << " exceed data "
                            << dataType << " after " << batchDims << " batch dimensions";
    if (indicesType.getShape().take_front(batchDims) !=
        dataType.getShape().take_front(batchDims))
      return op.emitError() << "batch dimensions of indices " << indicesType
                            << " and data " << dataType << " differ";
    SmallVector<int64_t> expected(indicesType.getShape().drop_back());
    llvm::append_range(expected, dataType.getShape().drop_front(batchDims + depth));
    if (ArrayRef<int64_t>(expected) != type.getShape())
      return op.emitError() << "gather_nd result type " << type << " does not match "
                            << dataType << " indexed by " << indicesType;
    if (replaceIfNoElements(op, type, rewriter))
      return success();
    for (int64_t j = 0; j < depth; ++j)
      if (dataType.getDimSize(batchDims + j) == 0)
        return op.emitError() << "cannot gather from empty dimension " << batchDims + j
                              << " of " << dataType;

    int64_t tupleDims = indicesRank - 1;
    Value result = createParallelGeneric(
        rewriter, op.getLoc(), type, ValueRange{}, {},
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          SmallVector<Value> outer;
          for (int64_t d = 0; d < tupleDims; ++d)
            outer.push_back(b.create<linalg::IndexOp>(nestedLoc, d));
          SmallVector<Value> dataIndices(outer.begin(), outer.begin() + batchDims);
          SmallVector<Value> tupleIndices(outer);
          tupleIndices.push_back(Value());
          for (int64_t j = 0; j < depth; ++j) {
            tupleIndices.back() = b.create<arith::ConstantIndexOp>(nestedLoc, j);
            Value raw = b.create<tensor::ExtractOp>(nestedLoc, indices, tupleIndices);
            dataIndices.push_back(
                createDataIndex(b, nestedLoc, raw, dataType.getDimSize(batchDims + j)));
          }
          for (int64_t d = tupleDims; d < type.getRank(); ++d)
            dataIndices.push_back(b.create<linalg::IndexOp>(nestedLoc, d));
          return b.create<tensor::ExtractOp>(nestedLoc, data, dataIndices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateGatherLoweringPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, GatherNDLowering>(
      converter, patterns.getContext());
}

} // namespace kiln::codegen
