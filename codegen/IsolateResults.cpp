//===- IsolateResults.cpp - a fresh value for every returned tensor --------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_ISOLATERESULTS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

struct IsolateResultsPass : impl::IsolateResultsBase<IsolateResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type)
          continue;
        bool needsCopy = isa<BlockArgument>(value) || matchPattern(value, m_Constant()) ||
                         !seen.insert(value).second;
        if (!needsCopy)
          continue;
        Value init = builder.create<tensor::EmptyOp>(ret.getLoc(), type.getShape(),
                                                     type.getElementType());
        // An empty tensor has no contents to copy (a zero-sized Split piece,
        // say), and a copy from one lets empty-tensor elimination fold the
        // two buffers back into one.
        if (value.getDefiningOp<tensor::EmptyOp>()) {
          operand.set(init);
          continue;
        }
        Value copy = builder.create<linalg::CopyOp>(ret.getLoc(), value, init).getResult(0);
        operand.set(copy);
      }
    });
  }
};

} // namespace
} // namespace kiln::codegen
