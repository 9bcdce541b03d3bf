//===- ExpandStridedCopies.cpp - strided memref.copy as linalg.copy --------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_EXPANDSTRIDEDCOPIES
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

bool isContiguous(Type type) {
  auto memref = cast<MemRefType>(type);
  return memref.getLayout().isIdentity() && memref.hasStaticShape();
}

/// Whether the innermost dimension of `type` is contiguous in memory.
bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.getRank() > 0 && succeeded(getStridesAndOffset(type, strides, offset)) &&
         strides.back() == 1;
}

/// A copy whose rows (innermost dimension) are contiguous on both sides
/// and of 4 to 256 elements: a parallel loop over the rows, each row one
/// vector read and one vector write. Scalar loops over two views of the
/// one workspace would leave LLVM to guess about overlap at run time.
bool copyRowsAsVectors(OpBuilder &builder, memref::CopyOp copy) {
  auto source = cast<MemRefType>(copy.getSource().getType());
  auto target = cast<MemRefType>(copy.getTarget().getType());
  Type element = source.getElementType();
  if (!source.hasStaticShape() || !target.hasStaticShape() || source.getRank() == 0 ||
      !element.isIntOrFloat() || element.isInteger(1) || !hasUnitInnerStride(source) ||
      !hasUnitInnerStride(target) || source.getShape().back() < 4 ||
      source.getShape().back() > 256)
    return false;
  Location loc = copy.getLoc();
  auto rowType = VectorType::get({source.getShape().back()}, element);
  Value zero = builder.create<arith::ConstantIndexOp>(loc, 0);
  auto copyRow = [&](OpBuilder &b, Location loc, ValueRange outer) {
    SmallVector<Value> indices(outer);
    indices.push_back(zero);
    Value padding = b.create<arith::ConstantOp>(loc, b.getZeroAttr(element));
    Value row = b.create<vector::TransferReadOp>(loc, rowType, copy.getSource(), indices,
                                                 padding, ArrayRef<bool>{true});
    b.create<vector::TransferWriteOp>(loc, row, copy.getTarget(), indices,
                                      ArrayRef<bool>{true});
  };
  if (source.getRank() == 1) {
    copyRow(builder, loc, {});
    return true;
  }
  SmallVector<Value> lower, upper, steps;
  Value one = builder.create<arith::ConstantIndexOp>(loc, 1);
  for (int64_t size : source.getShape().drop_back()) {
    lower.push_back(zero);
    upper.push_back(builder.create<arith::ConstantIndexOp>(loc, size));
    steps.push_back(one);
  }
  builder.create<scf::ParallelOp>(loc, lower, upper, steps,
                                  [&](OpBuilder &b, Location loc, ValueRange outer) {
                                    copyRow(b, loc, outer);
                                  });
  return true;
}

struct ExpandStridedCopiesPass
    : impl::ExpandStridedCopiesBase<ExpandStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource().getType()) ||
          !isContiguous(copy.getTarget().getType()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder builder(copy);
      if (!copyRowsAsVectors(builder, copy))
        builder.create<linalg::CopyOp>(copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
} // namespace kiln::codegen
