//===- BufferLiveness.cpp - when a planned buffer is alive ----------------===//

#include "codegen/BufferLiveness.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace kiln::codegen {

int64_t getLastUse(Value buffer, Block &body, const DenseMap<Operation *, int64_t> &position) {
  int64_t lastUse = -1;
  SmallVector<Value> worklist{buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (Operation *top = body.findAncestorOpInBlock(*user))
        lastUse = std::max(lastUse, position.lookup(top));
      if (isa<ViewLikeOpInterface>(user) ||
          isa<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
              memref::ReinterpretCastOp>(user))
        for (Value result : user->getResults())
          if (isa<MemRefType>(result.getType()))
            worklist.push_back(result);
    }
  }
  return lastUse;
}

} // namespace kiln::codegen
