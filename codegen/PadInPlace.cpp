//===- PadInPlace.cpp - padded tensors written in place --------------------===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_PADINPLACE
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// pad(source) -> insert_slice(source into fill(empty)). The fill is placed
/// before the op that produces the source, so that the destination exists
/// when the producer runs: empty-tensor elimination can only redirect the
/// producer's output into a buffer that dominates it.
/// The padded shape with only its border set to the padding value: one
/// fill per padded side (slabs meet at the corners). The interior stays
/// unwritten here, since the source (or its producer) always writes all of
/// it; filling it as well would be a second pass over the activations.
Value fillBorder(OpBuilder &builder, Location loc, Value padValue, tensor::PadOp pad) {
  RankedTensorType type = pad.getResultType();
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> sourceShape = pad.getSourceType().getShape();
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  Value result = builder.create<tensor::EmptyOp>(loc, shape, type.getElementType());
  if (llvm::any_of(low, ShapedType::isDynamic) || llvm::any_of(high, ShapedType::isDynamic))
    return builder.create<linalg::FillOp>(loc, padValue, result).getResult(0);
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    for (bool lowSide : {true, false}) {
      int64_t extent = lowSide ? low[d] : high[d];
      if (extent == 0)
        continue;
      SmallVector<int64_t> slabShape(shape), offsets(rank, 0), strides(rank, 1);
      slabShape[d] = extent;
      offsets[d] = lowSide ? 0 : low[d] + sourceShape[d];
      Value slab = builder.create<tensor::EmptyOp>(loc, slabShape, type.getElementType());
      slab = builder.create<linalg::FillOp>(loc, padValue, slab).getResult(0);
      result = builder.create<tensor::InsertSliceOp>(loc, slab, result, ValueRange{},
                                                     ValueRange{}, ValueRange{},
                                                     builder.getDenseI64ArrayAttr(offsets),
                                                     builder.getDenseI64ArrayAttr(slabShape),
                                                     builder.getDenseI64ArrayAttr(strides));
    }
  }
  return result;
}

void writeInPlace(IRRewriter &rewriter, tensor::PadOp pad) {
  Value padValue = pad.getConstantPaddingValue();
  RankedTensorType resultType = pad.getResultType();
  if (!padValue || !resultType.hasStaticShape() || !pad.getSourceType().hasStaticShape())
    return;
  Operation *producer = pad.getSource().getDefiningOp();
  // The fill moves before the producer when the padding value is available
  // there (a block argument or an op of an enclosing block always is).
  Operation *fillPoint = pad;
  Operation *valueDef = padValue.getDefiningOp();
  if (producer && producer->getBlock() == pad->getBlock() &&
      (!valueDef || valueDef->getBlock() != pad->getBlock() ||
       valueDef->isBeforeInBlock(producer)))
    fillPoint = producer;
  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(fillPoint);
  Value filled = fillBorder(rewriter, loc, padValue, pad);
  SmallVector<OpFoldResult> sizes, strides;
  for (int64_t size : pad.getSourceType().getShape()) {
    sizes.push_back(rewriter.getIndexAttr(size));
    strides.push_back(rewriter.getIndexAttr(1));
  }
  SmallVector<OpFoldResult> offsets = pad.getMixedLowPad();
  // A producer that only writes its output (an elementwise or transposing
  // generic) writes it into the interior directly. Empty-tensor elimination
  // would do the same, but not once CSE has merged the tensor.empty ops of
  // several producers into one.
  // So does a tiled kernel (a parallel loop of tiles) whose shared output
  // starts empty: its tiles only write their slices of it.
  OpOperand *init = nullptr;
  if (auto linalgProducer = dyn_cast_or_null<linalg::LinalgOp>(producer)) {
    if (linalgProducer.getNumDpsInits() == 1 &&
        !linalgProducer.payloadUsesValueFromOperand(linalgProducer.getDpsInitOperand(0)))
      init = linalgProducer.getDpsInitOperand(0);
  } else if (auto loop = dyn_cast_or_null<scf::ForallOp>(producer)) {
    if (loop.getOutputs().size() == 1)
      init = &loop.getOutputsMutable()[0];
  }
  if (init && fillPoint == producer && producer->getNumResults() == 1 &&
      init->get().getDefiningOp<tensor::EmptyOp>()) {
    rewriter.setInsertionPoint(producer);
    Value interior = rewriter.create<tensor::ExtractSliceOp>(loc, pad.getSourceType(), filled,
                                                             offsets, sizes, strides);
    rewriter.modifyOpInPlace(producer, [&] { init->set(interior); });
  }
  rewriter.setInsertionPoint(pad);
  rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, pad.getSource(), filled, offsets,
                                                     sizes, strides);
}

struct PadInPlacePass : impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    IRRewriter rewriter(&getContext());
    for (tensor::PadOp pad : pads)
      writeInPlace(rewriter, pad);
  }
};

} // namespace
} // namespace kiln::codegen
