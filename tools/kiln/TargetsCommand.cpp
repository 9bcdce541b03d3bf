//===- TargetsCommand.cpp - kiln targets ----------------------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/Diagnostics.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <fmt/format.h>

namespace kiln {

int runTargets() {
  llvm::InitializeAllTargetInfos();
  llvm::outs() << "host: " << llvm::sys::getDefaultTargetTriple() << ", cpu "
               << llvm::sys::getHostCPUName() << "\n";
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  std::vector<std::string> vector;
  for (const char *f : {"sse4.2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vnni",
                        "amx-tile", "amx-bf16", "amx-int8", "neon", "sve"})
    if (features.lookup(f))
      vector.push_back(f);
  llvm::outs() << "host vector features: " << fmt::format("{}", fmt::join(vector, " "))
               << "\n";
  llvm::outs() << "LLVM backends in this build:\n";
  for (const llvm::Target &target : llvm::TargetRegistry::targets())
    llvm::outs() << fmt::format("  {:<12} {}\n", target.getName(), target.getShortDescription());
  return kExitOk;
}

} // namespace kiln
