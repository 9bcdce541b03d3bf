//===- LowerParallelDispatch.cpp - dispatch stubs as kiln_parallel_for calls ===//

#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_LOWERPARALLELDISPATCH
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr const char *kParallelForSymbol = "kiln_parallel_for";

struct LowerParallelDispatchPass
    : impl::LowerParallelDispatchBase<LowerParallelDispatchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> stubs;
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (function->hasAttr("kiln.dispatch_body"))
        stubs.push_back(function);
    for (LLVM::LLVMFuncOp stub : stubs)
      if (failed(lower(module, stub)))
        return signalPassFailure();
  }

  LLVM::LLVMFuncOp getOrDeclareRuntime(ModuleOp module, OpBuilder &builder) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(kParallelForSymbol))
      return existing;
    MLIRContext *context = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                            {ptr, builder.getI64Type(), ptr, ptr});
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    return builder.create<LLVM::LLVMFuncOp>(module.getLoc(), kParallelForSymbol, type);
  }

  LogicalResult lower(ModuleOp module, LLVM::LLVMFuncOp stub) {
    MLIRContext *context = &getContext();
    Location loc = stub.getLoc();
    auto bodyRef = stub->getAttrOfType<FlatSymbolRefAttr>("kiln.dispatch_body");
    auto countAttr = stub->getAttrOfType<IntegerAttr>("kiln.dispatch_count");
    auto kernel = module.lookupSymbol<LLVM::LLVMFuncOp>(bodyRef.getValue());
    if (!kernel || !countAttr || !stub.isExternal())
      return stub.emitError("malformed dispatch stub");
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i64Type = IntegerType::get(context, 64);
    ArrayRef<Type> stubInputs = stub.getFunctionType().getParams();
    SmallVector<Type> fieldTypes(stubInputs.drop_front());
    auto structType = LLVM::LLVMStructType::getLiteral(context, fieldTypes);
    OpBuilder builder(context);
    LLVM::LLVMFuncOp runtime = getOrDeclareRuntime(module, builder);

    // chunk(data, begin, end): for i in [begin, end): kernel(i, fields...).
    builder.setInsertionPoint(stub);
    auto chunk = builder.create<LLVM::LLVMFuncOp>(
        loc, (stub.getSymName() + "_chunk").str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                    {ptrType, i64Type, i64Type}),
        LLVM::Linkage::Internal);
    Block *entry = chunk.addEntryBlock(builder);
    builder.setInsertionPointToStart(entry);
    SmallVector<Value> fields;
    for (auto [index, type] : llvm::enumerate(fieldTypes)) {
      Value address = builder.create<LLVM::GEPOp>(
          loc, ptrType, structType, entry->getArgument(0),
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
      fields.push_back(builder.create<LLVM::LoadOp>(loc, type, address));
    }
    Block *header = new Block();
    Block *loopBody = new Block();
    Block *exit = new Block();
    chunk.getBody().push_back(header);
    chunk.getBody().push_back(loopBody);
    chunk.getBody().push_back(exit);
    Value iv = header->addArgument(i64Type, loc);
    builder.create<LLVM::BrOp>(loc, ValueRange{entry->getArgument(1)}, header);
    builder.setInsertionPointToEnd(header);
    Value inRange =
        builder.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::slt, iv, entry->getArgument(2));
    builder.create<LLVM::CondBrOp>(loc, inRange, loopBody, exit);
    builder.setInsertionPointToEnd(loopBody);
    SmallVector<Value> kernelArguments{iv};
    kernelArguments.append(fields);
    builder.create<LLVM::CallOp>(loc, kernel, kernelArguments);
    Value one = builder.create<LLVM::ConstantOp>(loc, i64Type, builder.getI64IntegerAttr(1));
    Value next = builder.create<LLVM::AddOp>(loc, iv, one);
    builder.create<LLVM::BrOp>(loc, ValueRange{next}, header);
    builder.setInsertionPointToEnd(exit);
    builder.create<LLVM::ReturnOp>(loc, ValueRange{});

    // stub(context, fields...): pack the fields and call the runtime.
    Block *stubEntry = stub.addEntryBlock(builder);
    builder.setInsertionPointToStart(stubEntry);
    Value oneSlot = builder.create<LLVM::ConstantOp>(loc, i64Type, builder.getI64IntegerAttr(1));
    Value slot = builder.create<LLVM::AllocaOp>(loc, ptrType, structType, oneSlot);
    for (auto [index, value] : llvm::enumerate(stubEntry->getArguments().drop_front())) {
      Value address = builder.create<LLVM::GEPOp>(
          loc, ptrType, structType, slot, ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
      builder.create<LLVM::StoreOp>(loc, value, address);
    }
    Value count = builder.create<LLVM::ConstantOp>(loc, i64Type, countAttr);
    Value chunkAddress = builder.create<LLVM::AddressOfOp>(loc, chunk);
    builder.create<LLVM::CallOp>(loc, runtime,
                                 ValueRange{stubEntry->getArgument(0), count, chunkAddress, slot});
    builder.create<LLVM::ReturnOp>(loc, ValueRange{});
    stub.setLinkage(LLVM::Linkage::Internal);
    stub->removeAttr("kiln.dispatch_body");
    stub->removeAttr("kiln.dispatch_count");
    kernel.setLinkage(LLVM::Linkage::Internal);
    return success();
  }
};

} // namespace
} // namespace kiln::codegen
