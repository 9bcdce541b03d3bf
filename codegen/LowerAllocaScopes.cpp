//===- LowerAllocaScopes.cpp - alloca scopes as stack save and restore ----===//
//
// See the pass description in Passes.td (kiln-lower-alloca-scopes).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_LOWERALLOCASCOPES
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

struct LowerAllocaScopesPass : impl::LowerAllocaScopesBase<LowerAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    // Inner scopes first: each one's body is still a single block.
    getOperation()->walk([&](memref::AllocaScopeOp scope) { scopes.push_back(scope); });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Location loc = scope.getLoc();
      rewriter.setInsertionPoint(scope);
      Value stack = rewriter.create<LLVM::StackSaveOp>(
          loc, LLVM::LLVMPointerType::get(rewriter.getContext()));
      Block &body = scope.getBodyRegion().front();
      auto terminator = cast<memref::AllocaScopeReturnOp>(body.getTerminator());
      SmallVector<Value> results(terminator.getResults());
      rewriter.eraseOp(terminator);
      rewriter.inlineBlockBefore(&body, scope);
      rewriter.create<LLVM::StackRestoreOp>(loc, stack);
      rewriter.replaceOp(scope, results);
    }
  }
};

} // namespace
} // namespace kiln::codegen
