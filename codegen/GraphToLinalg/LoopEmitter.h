//===- LoopEmitter.h - scalar loops over tensors, for data-dependent ops -*- C++ -*-===//
//
// The data-dependent lowerings (DataDependentLowering.cpp,
// NonMaxSuppressionLowering.cpp) are written as scf loops that read tensors
// element by element and thread their outputs through iteration arguments.
// Emitter is the small vocabulary they share.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_GRAPHTOLINALG_LOOPEMITTER_H
#define KILN_CODEGEN_GRAPHTOLINALG_LOOPEMITTER_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace kiln::codegen::loops {

// Only the code in this namespace (the emitter below) sees these names.
using namespace mlir;

using LoopBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::Value, mlir::ValueRange)>;
using BranchBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location)>;

/// The small vocabulary the data-dependent loops are written in.
struct Emitter {
  OpBuilder &b;
  Location loc;

  Value index(int64_t value) { return b.create<arith::ConstantIndexOp>(loc, value); }
  Value toI64(Value indexValue) {
    return b.create<arith::IndexCastOp>(loc, b.getI64Type(), indexValue);
  }
  Value toIndex(Value integer) {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), integer);
  }
  Value extract(Value tensor, ValueRange indices) {
    return b.create<tensor::ExtractOp>(loc, tensor, indices);
  }
  Value insert(Value scalar, Value tensor, ValueRange indices) {
    return b.create<tensor::InsertOp>(loc, scalar, tensor, indices);
  }
  Value add(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulIOp>(loc, x, y); }
  Value andI1(Value x, Value y) { return b.create<arith::AndIOp>(loc, x, y); }
  Value orI1(Value x, Value y) { return b.create<arith::OrIOp>(loc, x, y); }
  Value notI1(Value x) {
    return b.create<arith::XOrIOp>(
        loc, x, b.create<arith::ConstantOp>(loc, b.getBoolAttr(true)));
  }
  Value indexEq(Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, condition, x, y);
  }
  /// 1 when `condition` holds, else 0, as an index.
  Value oneIf(Value condition) { return select(condition, index(1), index(0)); }

  /// Element comparisons; unsigned integers compare as unsigned, i1 as well.
  Value compare(Value x, Value y, arith::CmpFPredicate floatPredicate,
                arith::CmpIPredicate signedPredicate, arith::CmpIPredicate unsignedPredicate,
                bool isUnsigned) {
    if (isa<FloatType>(x.getType()))
      return b.create<arith::CmpFOp>(loc, floatPredicate, x, y);
    bool unsignedCompare = isUnsigned || x.getType().isInteger(1);
    return b.create<arith::CmpIOp>(loc, unsignedCompare ? unsignedPredicate : signedPredicate,
                                   x, y);
  }
  Value equal(Value x, Value y, bool isUnsigned) {
    return compare(x, y, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                   arith::CmpIPredicate::eq, isUnsigned);
  }
  Value less(Value x, Value y, bool isUnsigned) {
    return compare(x, y, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                   arith::CmpIPredicate::ult, isUnsigned);
  }

  SmallVector<Value> forLoop(Value lower, Value upper, ValueRange inits, LoopBody body) {
    auto loop = b.create<scf::ForOp>(
        loc, lower, upper, index(1), inits,
        [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange iterArgs) {
          nested.create<scf::YieldOp>(nestedLoc, body(nested, nestedLoc, iv, iterArgs));
        });
    return SmallVector<Value>(loop.getResults());
  }
  /// The result types are those `then` yields.
  SmallVector<Value> ifThenElse(Value condition, BranchBody then, BranchBody otherwise) {
    auto op = b.create<scf::IfOp>(
        loc, condition,
        [&](OpBuilder &nested, Location nestedLoc) {
          nested.create<scf::YieldOp>(nestedLoc, then(nested, nestedLoc));
        },
        [&](OpBuilder &nested, Location nestedLoc) {
          nested.create<scf::YieldOp>(nestedLoc, otherwise(nested, nestedLoc));
        });
    return SmallVector<Value>(op.getResults());
  }

  /// `count` clamped to `bound` with affine.min, which states the bound in
  /// a form value-bounds analysis reads.
  Value clampToBound(Value count, int64_t bound) {
    MLIRContext *context = b.getContext();
    AffineMap map = AffineMap::get(
        1, 0, {getAffineDimExpr(0, context), getAffineConstantExpr(bound, context)}, context);
    return b.create<affine::AffineMinOp>(loc, map, ValueRange{count});
  }

  /// The leading `count` entries of `buffer` along `axis`.
  Value leadingSlice(Value buffer, int64_t axis, Value count) {
    auto type = cast<RankedTensorType>(buffer.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(d == axis ? OpFoldResult(count) : b.getIndexAttr(type.getDimSize(d)));
    return b.create<tensor::ExtractSliceOp>(loc, buffer, offsets, sizes, strides);
  }

  /// Slice `position` (size 1) of `tensor` along `axis`, or its insertion.
  SmallVector<OpFoldResult> sliceOffsets(int64_t rank, int64_t axis, Value position) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[axis] = position;
    return offsets;
  }
  SmallVector<OpFoldResult> sliceSizes(RankedTensorType type, int64_t axis) {
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(b.getIndexAttr(d == axis ? 1 : type.getDimSize(d)));
    return sizes;
  }
  Value extractSlice(Value tensor, int64_t axis, Value position) {
    auto type = cast<RankedTensorType>(tensor.getType());
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    return b.create<tensor::ExtractSliceOp>(loc, tensor,
                                            sliceOffsets(type.getRank(), axis, position),
                                            sliceSizes(type, axis), strides);
  }
  Value insertSlice(Value slice, Value tensor, int64_t axis, Value position) {
    auto type = cast<RankedTensorType>(tensor.getType());
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    return b.create<tensor::InsertSliceOp>(loc, slice, tensor,
                                           sliceOffsets(type.getRank(), axis, position),
                                           sliceSizes(type, axis), strides);
  }
};

} // namespace kiln::codegen::loops

#endif // KILN_CODEGEN_GRAPHTOLINALG_LOOPEMITTER_H
