//===- RefineShapes.cpp - re-infer graph result types ---------------------===//

#include "passes/Passes.h"
#include "ir/GraphOps.h"

#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace kiln {
#define GEN_PASS_DEF_REFINESHAPES
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct RefineShapesPass : impl::RefineShapesBase<RefineShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    func.walk([&](Operation *op) {
      auto inferrable = dyn_cast<InferTypeOpInterface>(op);
      // Ops whose result type is tied to an operand (relu, clip...) follow
      // their refined operand the same way.
      if (!inferrable || !isa<graph::GraphDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      if (failed(inferrable.inferReturnTypes(
              op->getContext(), std::nullopt, op->getOperands(), op->getAttrDictionary(),
              op->getPropertiesStorage(), op->getRegions(), inferred)))
        return;
      for (auto [result, type] : llvm::zip(op->getResults(), inferred))
        if (graph::isMoreRefinedType(type, result.getType()))
          result.setType(type);
    });
    // Keep the signature in step with what the function now returns.
    Operation *terminator = func.getBody().back().getTerminator();
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                   terminator->getOperandTypes()));
  }
};

} // namespace
} // namespace kiln
