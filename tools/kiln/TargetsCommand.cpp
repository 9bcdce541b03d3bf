//===- TargetsCommand.cpp - kiln targets ----------------------------------===//
//
// Prints the target table: each supported --target, its CPUs and what their
// vector units give code generation (the numbers `kiln compile` uses).
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"

#include "codegen/Targets.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace kiln {

static std::string describeVectors(const codegen::TargetDescription &target) {
  std::string features =
      target.vectorFeatures.empty() ? "-" : fmt::format("{}", fmt::join(target.vectorFeatures, " "));
  if (target.vectorBits == 0)
    return fmt::format("no f32 SIMD; features: {}", features);
  return fmt::format("{}-bit f32 SIMD x {} registers; features: {}", target.vectorBits,
                     target.vectorRegisters, features);
}

int runTargets() {
  auto host = codegen::resolveTarget({});
  if (!host)
    return reportUserError(llvm::toString(host.takeError()));
  llvm::outs() << fmt::format("host: {}, cpu {}, {}\n", host->spec.triple, host->spec.cpu,
                              describeVectors(*host));
  llvm::outs() << "\nsupported targets (kiln compile --target NAME [--cpu CPU] "
                  "[--features +F,-G]):\n";
  for (const codegen::TargetInfo &info : codegen::getSupportedTargets()) {
    llvm::outs() << fmt::format("\n{}  ({}){}\n  {}\n", info.name, info.triple,
                                info.bareMetal ? ", bare metal" : "", info.summary);
    for (const char *cpu : info.cpus) {
      auto target = codegen::resolveTarget({info.name, cpu, ""});
      if (!target)
        return reportUserError(llvm::toString(target.takeError()));
      llvm::outs() << fmt::format("    {:<16}{} {}\n", cpu,
                                  llvm::StringRef(cpu) == info.defaultCpu ? "*" : " ",
                                  describeVectors(*target));
    }
  }
  llvm::outs() << "\n(* the default CPU; any CPU LLVM knows for the target is accepted)\n";
  llvm::outs() << "\nLLVM backends in this build:\n";
  for (const llvm::Target &target : llvm::TargetRegistry::targets())
    llvm::outs() << fmt::format("  {:<12} {}\n", target.getName(), target.getShortDescription());
  return kExitOk;
}

} // namespace kiln
