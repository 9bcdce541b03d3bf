//===- CreateEntryPoint.cpp - the C entry point NAME_run -------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_CREATEENTRYPOINT
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr int64_t kInvalidArgument = 1; // KILN_STATUS_INVALID_ARGUMENT
constexpr int64_t kWorkspaceAlignment = 64;

struct CreateEntryPointPass : impl::CreateEntryPointBase<CreateEntryPointPass> {
  using CreateEntryPointBase::CreateEntryPointBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto impl = module.lookupSymbol<LLVM::LLVMFuncOp>(entryName);
    auto entry = module->getAttrOfType<DictionaryAttr>("kiln.entry");
    if (!impl || !entry) {
      module.emitError() << "no lowered entry function '" << entryName
                         << "' (run kiln-lower-abi first)";
      return signalPassFailure();
    }
    int64_t numInputs = cast<IntegerAttr>(entry.get("inputs")).getInt();
    int64_t numOutputs = cast<IntegerAttr>(entry.get("outputs")).getInt();
    int64_t workspaceSize = cast<IntegerAttr>(entry.get("workspace_size")).getInt();
    MLIRContext *context = &getContext();
    Location loc = impl.getLoc();

    // The model body keeps a private name so it cannot clash with the
    // application's symbols (it is often called `main`).
    std::string implName = "__kiln_" + symbolName + "_impl";
    impl.setSymName(implName);
    impl.setLinkage(LLVM::Linkage::Internal);
    // Argument attributes from earlier stages (ONNX names, ABI roles) mean
    // nothing to LLVM.
    impl->removeAttr(impl.getArgAttrsAttrName());
    impl->removeAttr(impl.getResAttrsAttrName());

    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i32Type = IntegerType::get(context, 32);
    auto i64Type = IntegerType::get(context, 64);
    SmallVector<Type> parameters{ptrType, ptrType, ptrType};
    if (externalWeights)
      parameters.push_back(ptrType);
    parameters.push_back(ptrType); // kiln_context_t *
    OpBuilder builder(context);
    builder.setInsertionPointToEnd(module.getBody());
    auto run = builder.create<LLVM::LLVMFuncOp>(
        loc, symbolName + "_run", LLVM::LLVMFunctionType::get(i32Type, parameters));
    Block *checkBlock = run.addEntryBlock(builder);
    Block *callBlock = new Block();
    Block *errorBlock = new Block();
    run.getBody().push_back(callBlock);
    run.getBody().push_back(errorBlock);

    builder.setInsertionPointToStart(checkBlock);
    Value inputs = run.getArgument(0);
    Value outputs = run.getArgument(1);
    Value workspace = run.getArgument(2);
    Value null = builder.create<LLVM::ZeroOp>(loc, ptrType);
    Value invalid = builder.create<LLVM::ConstantOp>(loc, builder.getI1Type(),
                                                     builder.getBoolAttr(false));
    auto orIfNull = [&](Value pointer) {
      Value isNull = builder.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, pointer, null);
      invalid = builder.create<LLVM::OrOp>(loc, invalid, isNull);
    };
    orIfNull(inputs);
    orIfNull(outputs);
    if (workspaceSize > 0) {
      orIfNull(workspace);
      Value address = builder.create<LLVM::PtrToIntOp>(loc, i64Type, workspace);
      Value mask = builder.create<LLVM::ConstantOp>(
          loc, i64Type, builder.getI64IntegerAttr(kWorkspaceAlignment - 1));
      Value misaligned = builder.create<LLVM::AndOp>(loc, address, mask);
      Value zero = builder.create<LLVM::ConstantOp>(loc, i64Type, builder.getI64IntegerAttr(0));
      invalid = builder.create<LLVM::OrOp>(
          loc, invalid,
          builder.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, misaligned, zero));
    }
    builder.create<LLVM::CondBrOp>(loc, invalid, errorBlock, callBlock);

    // Loads of the struct members happen after the struct pointers are known
    // to be valid; each buffer pointer is then checked too.
    builder.setInsertionPointToStart(callBlock);
    SmallVector<Value> arguments;
    auto loadMember = [&](Value base, int64_t index) {
      Value address = builder.create<LLVM::GEPOp>(loc, ptrType, ptrType, base,
                                                   ArrayRef<LLVM::GEPArg>{index});
      return builder.create<LLVM::LoadOp>(loc, ptrType, address).getResult();
    };
    for (int64_t i = 0; i < numInputs; ++i)
      arguments.push_back(loadMember(inputs, i));
    for (int64_t i = 0; i < numOutputs; ++i)
      arguments.push_back(loadMember(outputs, i));
    Value anyNull = builder.create<LLVM::ConstantOp>(loc, builder.getI1Type(),
                                                     builder.getBoolAttr(false));
    for (Value pointer : arguments) {
      Value isNull = builder.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, pointer, null);
      anyNull = builder.create<LLVM::OrOp>(loc, anyNull, isNull);
    }
    arguments.push_back(workspace);
    if (externalWeights)
      arguments.push_back(run.getArgument(3));
    arguments.push_back(run.getArguments().back());
    if (arguments.size() != impl.getNumArguments()) {
      impl.emitError() << "entry function takes " << impl.getNumArguments()
                       << " pointers, expected " << arguments.size();
      return signalPassFailure();
    }
    Block *bodyBlock = new Block();
    run.getBody().push_back(bodyBlock);
    builder.create<LLVM::CondBrOp>(loc, anyNull, errorBlock, bodyBlock);

    builder.setInsertionPointToStart(bodyBlock);
    builder.create<LLVM::CallOp>(loc, impl, arguments);
    Value ok = builder.create<LLVM::ConstantOp>(loc, i32Type, builder.getI32IntegerAttr(0));
    builder.create<LLVM::ReturnOp>(loc, ok);

    builder.setInsertionPointToStart(errorBlock);
    Value error = builder.create<LLVM::ConstantOp>(
        loc, i32Type, builder.getI32IntegerAttr(kInvalidArgument));
    builder.create<LLVM::ReturnOp>(loc, error);
  }
};

} // namespace
} // namespace kiln::codegen
