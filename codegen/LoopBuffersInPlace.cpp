//===- LoopBuffersInPlace.cpp - one buffer per loop-carried value ----------===//
//
// The algorithm is described in Passes.td (kiln-loop-buffers-in-place). After
// it, no loop passes a buffer allocated in one iteration on to the next, so
// every allocation nested in a loop is dead at the end of its iteration and
// the memory planner may give it one slot for the whole loop.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_LOOPBUFFERSINPLACE
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The buffer a view (subview, cast, reshape) looks into.
Value getRootBuffer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      value = view.getViewSource();
    else if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
                 memref::ReinterpretCastOp>(def))
      value = def->getOperand(0);
    else
      break;
  }
  return value;
}

/// Whether `value` is (a view of) a buffer allocated inside `loop`, so no
/// loop-carried buffer can alias it.
bool isAllocatedInside(Value value, Operation *loop) {
  Value root = getRootBuffer(value);
  Operation *def = root.getDefiningOp();
  return def && isa<memref::AllocOp>(def) && loop->isProperAncestor(def);
}

/// `value`, looking through scf.if results that both branches give the same
/// value (a conditional in-place update, like Loop's guarded scan writes)
/// and through the results of nested loops that update their buffer in
/// place (a tiled kernel's loops over the columns and rows of a tile).
Value lookThroughIfs(Value value) {
  while (true) {
    if (auto ifOp = value.getDefiningOp<scf::IfOp>()) {
      if (ifOp.getElseRegion().empty())
        break;
      unsigned index = cast<OpResult>(value).getResultNumber();
      Value thenValue = ifOp.thenYield().getOperand(index);
      if (thenValue != ifOp.elseYield().getOperand(index))
        break;
      value = thenValue;
    } else if (auto forOp = value.getDefiningOp<scf::ForOp>()) {
      unsigned index = cast<OpResult>(value).getResultNumber();
      auto yield = cast<scf::YieldOp>(forOp.getBody()->getTerminator());
      if (lookThroughIfs(yield.getOperand(index)) != forOp.getRegionIterArg(index))
        break;
      value = forOp.getInitArgs()[index];
    } else {
      break;
    }
  }
  return value;
}

/// `buffer` as a value of `type` (a memref of the same shape, maybe strided).
Value castTo(OpBuilder &b, Location loc, Value buffer, Type type) {
  if (buffer.getType() == type)
    return buffer;
  return b.create<memref::CastOp>(loc, type, buffer);
}

/// A fresh identity-layout buffer of `type`'s shape.
Value allocLike(OpBuilder &b, Location loc, Type type) {
  auto memref = cast<MemRefType>(type);
  return b.create<memref::AllocOp>(
      loc, MemRefType::get(memref.getShape(), memref.getElementType()));
}

/// One loop-carried buffer to give its own storage: the value the loop
/// passes in (none for what a while loop's condition region passes to its
/// body), the values that stand for it inside and after the loop, and the
/// operand of the terminator that passes the next one.
struct CarriedBuffer {
  OpOperand *init;
  SmallVector<Value> aliases; ///< region arguments and loop results
  OpOperand *next;
};

/// Gives every entry of `carried` a buffer allocated before `loop`: the
/// initial value is copied in, each iteration's next value is copied in at
/// the end of the iteration, and every alias is replaced by it.
void placeInOwnBuffers(Operation *loop, MutableArrayRef<CarriedBuffer> carried) {
  Location loc = loop->getLoc();
  OpBuilder before(loop);
  SmallVector<Value> storage;
  for (CarriedBuffer &entry : carried) {
    Value buffer = allocLike(before, loc, entry.next->get().getType());
    if (entry.init)
      before.create<linalg::CopyOp>(loc, entry.init->get(), buffer);
    storage.push_back(buffer);
  }
  for (auto [entry, buffer] : llvm::zip(carried, storage)) {
    for (Value alias : entry.aliases)
      alias.replaceAllUsesWith(castTo(before, loc, buffer, alias.getType()));
    if (entry.init)
      entry.init->set(castTo(before, loc, buffer, entry.init->get().getType()));
  }
  // The next values are read before any storage is overwritten: values that
  // might alias another carried buffer (or live outside the loop) are first
  // copied into a temporary.
  Operation *terminator = carried.front().next->getOwner();
  OpBuilder end(terminator);
  SmallVector<Value> sources;
  for (CarriedBuffer &entry : carried) {
    Value next = entry.next->get();
    if (!isAllocatedInside(next, loop)) {
      Value temp = allocLike(end, loc, next.getType());
      end.create<linalg::CopyOp>(loc, next, temp);
      next = temp;
    }
    sources.push_back(next);
  }
  for (auto [entry, source, buffer] : llvm::zip(carried, sources, storage)) {
    end.create<linalg::CopyOp>(loc, source, buffer);
    entry.next->set(castTo(end, loc, buffer, entry.next->get().getType()));
  }
}

void rewriteFor(scf::ForOp loop) {
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  SmallVector<CarriedBuffer> carried;
  for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
    if (!isa<MemRefType>(arg.getType()) || lookThroughIfs(yield.getOperand(i)) == arg)
      continue; // not a buffer, or updated in place
    carried.push_back({&loop.getInitArgsMutable()[i], {arg, loop.getResult(i)},
                       &yield->getOpOperand(i)});
  }
  if (!carried.empty())
    placeInOwnBuffers(loop, carried);
}

void rewriteWhile(scf::WhileOp loop) {
  scf::ConditionOp condition = loop.getConditionOp();
  scf::YieldOp yield = loop.getYieldOp();
  SmallVector<CarriedBuffer> carried;
  for (BlockArgument arg : loop.getBeforeArguments()) {
    if (!isa<MemRefType>(arg.getType()))
      continue;
    unsigned i = arg.getArgNumber();
    CarriedBuffer entry{&loop->getOpOperand(i), {arg}, &yield->getOpOperand(i)};
    bool inPlace = false;
    for (auto [j, forwarded] : llvm::enumerate(condition.getArgs())) {
      if (forwarded != arg)
        continue;
      entry.aliases.push_back(loop.getAfterArguments()[j]);
      entry.aliases.push_back(loop.getResult(j));
      inPlace |= lookThroughIfs(yield.getOperand(i)) == loop.getAfterArguments()[j];
    }
    if (!inPlace)
      carried.push_back(entry);
  }
  // Buffers the condition region makes (bufferization copies a before
  // argument there when the body would clobber it) are passed on the same
  // way, into storage the body and the results then read.
  SmallVector<CarriedBuffer> computed;
  unsigned numControlOperands = condition->getNumOperands() - condition.getArgs().size();
  for (auto [j, forwarded] : llvm::enumerate(condition.getArgs())) {
    auto arg = dyn_cast<BlockArgument>(forwarded);
    if (!isa<MemRefType>(forwarded.getType()) || (arg && arg.getOwner() == loop.getBeforeBody()))
      continue;
    computed.push_back({nullptr, {loop.getAfterArguments()[j], loop.getResult(j)},
                        &condition->getOpOperand(numControlOperands + j)});
  }
  if (!carried.empty())
    placeInOwnBuffers(loop, carried);
  if (!computed.empty())
    placeInOwnBuffers(loop, computed);
}

struct LoopBuffersInPlacePass : impl::LoopBuffersInPlaceBase<LoopBuffersInPlacePass> {
  void runOnOperation() override {
    // Inner loops first: their storage then sits in the outer loop's body,
    // allocated there like any other temporary.
    SmallVector<Operation *> loops;
    getOperation().walk<WalkOrder::PostOrder>([&](Operation *op) {
      if (isa<scf::ForOp, scf::WhileOp>(op))
        loops.push_back(op);
    });
    for (Operation *op : loops) {
      if (auto loop = dyn_cast<scf::ForOp>(op))
        rewriteFor(loop);
      else
        rewriteWhile(cast<scf::WhileOp>(op));
    }
  }
};

} // namespace
} // namespace kiln::codegen
