//===- BufferLiveness.cpp - when a planned buffer is alive ----------------===//

#include "codegen/BufferLiveness.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace kiln::codegen {

int64_t getLastUse(Value buffer, Block &body, const DenseMap<Operation *, int64_t> &position) {
  int64_t lastUse = -1;
  SmallVector<Value> worklist{buffer};
  llvm::SmallPtrSet<Value, 8> seen{buffer};
  auto follow = [&](Value value) {
    if (isa<MemRefType>(value.getType()) && seen.insert(value).second)
      worklist.push_back(value);
  };
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (Operation *top = body.findAncestorOpInBlock(*user))
        lastUse = std::max(lastUse, position.lookup(top));
      // A buffer that scf ops pass on (a branch's result, a loop-carried
      // value) is used wherever what they pass it to is.
      unsigned index = use.getOperandNumber();
      if (isa<scf::YieldOp>(user) && isa<scf::IfOp, scf::ForOp>(user->getParentOp()))
        follow(user->getParentOp()->getResult(index));
      if (auto loop = dyn_cast<scf::ForOp>(user)) {
        if (index >= loop.getNumControlOperands()) {
          follow(loop.getTiedLoopResult(&use));
          follow(loop.getTiedLoopRegionIterArg(&use));
        }
      }
      if (auto loop = dyn_cast<scf::WhileOp>(user))
        follow(loop.getBeforeArguments()[index]);
      if (isa<scf::YieldOp>(user))
        if (auto loop = dyn_cast<scf::WhileOp>(user->getParentOp()))
          follow(loop.getBeforeArguments()[index]);
      if (auto condition = dyn_cast<scf::ConditionOp>(user)) {
        if (index > 0) {
          auto loop = cast<scf::WhileOp>(condition->getParentOp());
          follow(loop.getResult(index - 1));
          follow(loop.getAfterArguments()[index - 1]);
        }
      }
      if (isa<ViewLikeOpInterface>(user) ||
          isa<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
              memref::ReinterpretCastOp>(user))
        for (Value result : user->getResults())
          if (isa<MemRefType>(result.getType()))
            follow(result);
    }
  }
  return lastUse;
}

} // namespace kiln::codegen
