//===- PropagateLocations.cpp - every op names the ONNX nodes it serves ---===//
//
// See Passes.td (kiln-propagate-locations). Lowerings, fusion and
// bufferization keep most locations, but ops built without one (a named
// linalg op's body, an accumulator's fill, a folded constant) print as
// loc(unknown), and a fused kernel carries only its consumer's location.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelSources.h"
#include "codegen/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_PROPAGATELOCATIONS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Whether `loc` names an ONNX node or initializer.
bool namesSource(Location loc) {
  return loc->walk([](Location inner) {
            return isa<NameLoc>(inner) ? WalkResult::interrupt() : WalkResult::advance();
          }).wasInterrupted();
}

void propagate(FunctionOpInterface function) {
  Region &region = function.getFunctionBody();
  // A kernel (a top-level op with a body: a loop nest, a fused generic)
  // names every node computed in it.
  for (Block &block : region)
    for (Operation &op : block)
      if (op.getNumRegions() > 0)
        op.setLoc(getKernelLocation(&op));
  // A top-level op that names nothing serves the ops that use it; walking
  // backwards settles most users first (all of them in a straight-line body).
  for (Block &block : llvm::reverse(region)) {
    for (Operation &op : llvm::reverse(block)) {
      if (namesSource(op.getLoc()) || op.hasTrait<OpTrait::IsTerminator>())
        continue;
      llvm::SetVector<Location> users;
      for (Operation *user : op.getUsers())
        if (Operation *top = region.findAncestorOpInRegion(*user))
          if (namesSource(top->getLoc()))
            users.insert(top->getLoc());
      if (!users.empty())
        op.setLoc(FusedLoc::get(function.getContext(), users.getArrayRef()));
    }
  }
  // A nested op that names nothing belongs to the op around it.
  function->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == function.getOperation() || namesSource(op->getLoc()))
      return;
    Operation *parent = op->getParentOp();
    if (parent != function.getOperation() && namesSource(parent->getLoc()))
      op->setLoc(parent->getLoc());
  });
}

struct PropagateLocationsPass : impl::PropagateLocationsBase<PropagateLocationsPass> {
  void runOnOperation() override {
    for (Operation &op : getOperation().getBody()->getOperations())
      if (auto function = dyn_cast<FunctionOpInterface>(op); function && !function.isExternal())
        propagate(function);
  }
};

} // namespace
} // namespace kiln::codegen
