//===- LowerABI.cpp - arena slots and weight refs as views of arguments ----===//

#include "codegen/Passes.h"
#include "ir/KilnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_LOWERABI
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// A memref with no elements whose zero size is not its leading dimension has
/// no strides MLIR's bare-pointer calling convention accepts, which would
/// leave the whole entry function unconverted. Such an argument holds no
/// data: it becomes a 1-D empty memref (still one pointer in the ABI) and the
/// body keeps working on a local stand-in of the original type.
void detachEmptyArguments(func::FuncOp func) {
  OpBuilder builder(func.getContext());
  builder.setInsertionPointToStart(&func.getBody().front());
  bool changed = false;
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type || type.getRank() < 2 || !type.hasStaticShape() || type.getNumElements() != 0)
      continue;
    if (!arg.use_empty())
      arg.replaceAllUsesWith(builder.create<memref::AllocaOp>(func.getLoc(), type));
    arg.setType(MemRefType::get({0}, type.getElementType()));
    changed = true;
  }
  if (changed)
    func.setType(FunctionType::get(func.getContext(), func.getBody().getArgumentTypes(),
                                   func.getResultTypes()));
}

struct LowerABIPass : impl::LowerABIBase<LowerABIPass> {
  using LowerABIBase::LowerABIBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func) {
      module.emitError() << "no entry function '" << entryName << "'";
      return signalPassFailure();
    }
    detachEmptyArguments(func);
    MLIRContext *context = &getContext();
    Builder builder(context);
    auto sizeAttr = func->getAttrOfType<IntegerAttr>("kiln.workspace_size");
    int64_t workspaceSize = sizeAttr ? sizeAttr.getInt() : 0;
    auto weightsAttr = module->getAttrOfType<IntegerAttr>("kiln.weights_size");
    int64_t weightsSize = weightsAttr ? weightsAttr.getInt() : 0;
    auto weightsGlobal = module.lookupSymbol<memref::GlobalOp>("kiln_weights");

    auto workspaceType = MemRefType::get({workspaceSize}, builder.getI8Type());
    unsigned numArguments = func.getNumArguments();
    // Recorded for kiln-create-entry-point, which sees only pointers.
    unsigned numOutputs = 0;
    for (unsigned i = 0; i < numArguments; ++i)
      if (func.getArgAttr(i, "bufferize.result") || func.getArgAttr(i, "kiln.output"))
        ++numOutputs;
    func.insertArgument(numArguments, workspaceType,
                        builder.getDictionaryAttr(
                            builder.getNamedAttr("kiln.workspace", builder.getUnitAttr())),
                        func.getLoc());
    Value workspace = func.getArgument(numArguments);
    Value weights;
    if (externalWeights) {
      auto weightsType = MemRefType::get({weightsSize}, builder.getI8Type());
      func.insertArgument(numArguments + 1, weightsType,
                          builder.getDictionaryAttr(
                              builder.getNamedAttr("kiln.weights", builder.getUnitAttr())),
                          func.getLoc());
      weights = func.getArgument(numArguments + 1);
    }

    // Parallel loops reach the thread pool through the caller's context.
    unsigned contextIndex = func.getNumArguments();
    func.insertArgument(contextIndex, LLVM::LLVMPointerType::get(context),
                        builder.getDictionaryAttr(
                            builder.getNamedAttr("kiln.context", builder.getUnitAttr())),
                        func.getLoc());

    OpBuilder opBuilder(context);
    if (!externalWeights && weightsGlobal) {
      opBuilder.setInsertionPointToStart(&func.getBody().front());
      weights = opBuilder.create<memref::GetGlobalOp>(func.getLoc(), weightsGlobal.getType(),
                                                      weightsGlobal.getSymName());
    }
    bool failed = false;
    auto replaceWithView = [&](Operation *op, Value base, int64_t offset) {
      opBuilder.setInsertionPoint(op);
      Value byteOffset = opBuilder.create<arith::ConstantIndexOp>(op->getLoc(), offset);
      auto view = opBuilder.create<memref::ViewOp>(
          op->getLoc(), op->getResult(0).getType(), base, byteOffset, ValueRange{});
      op->getResult(0).replaceAllUsesWith(view.getResult());
      op->erase();
    };
    func.walk([&](lowlevel::ArenaSlotOp slot) {
      replaceWithView(slot, workspace, slot.getOffset());
    });
    func.walk([&](lowlevel::WeightRefOp ref) {
      if (!weights) {
        ref.emitError("weight reference without a weights blob");
        failed = true;
        return;
      }
      replaceWithView(ref, weights, ref.getOffset());
    });
    if (failed)
      return signalPassFailure();
    if (externalWeights && weightsGlobal)
      weightsGlobal.erase();

    module->setAttr("kiln.entry",
                    builder.getDictionaryAttr({
                        builder.getNamedAttr("function", builder.getStringAttr(entryName)),
                        builder.getNamedAttr("inputs", builder.getI64IntegerAttr(
                                                           numArguments - numOutputs)),
                        builder.getNamedAttr("outputs", builder.getI64IntegerAttr(numOutputs)),
                        builder.getNamedAttr("workspace_size",
                                             builder.getI64IntegerAttr(workspaceSize)),
                        builder.getNamedAttr("weights_size",
                                             builder.getI64IntegerAttr(weightsSize)),
                        builder.getNamedAttr("external_weights",
                                             builder.getBoolAttr(externalWeights)),
                    }));
  }
};

} // namespace
} // namespace kiln::codegen
