//===- ObjectEmitter.h - LLVM dialect to LLVM IR, assembly, objects -*- C++ -*-===//

#ifndef KILN_CODEGEN_OBJECTEMITTER_H
#define KILN_CODEGEN_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace kiln::codegen {

/// Which machine to generate code for. Empty fields mean the host's.
struct TargetSpec {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// The host's triple, CPU and features as LLVM detects them.
TargetSpec getHostTarget();

/// A TargetMachine for `spec` (empty fields filled from the host), with
/// position-independent code so objects link into PIE executables and
/// shared libraries.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetSpec &spec, int optLevel);

/// Translates an LLVM-dialect module to LLVM IR for `machine` and runs
/// LLVM's optimization pipeline at `optLevel`.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &machine, int optLevel);

/// Writes `module` as an object file or assembly.
llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &machine,
                            llvm::raw_pwrite_stream &os, bool assembly);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_OBJECTEMITTER_H
