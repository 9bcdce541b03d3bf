//===- Targets.cpp - the targets kiln compiles for, as data ---------------===//

#include "codegen/Targets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/ARMTargetParser.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <fmt/format.h>

#include <memory>

namespace kiln::codegen {

namespace {

const char *const kX86Cpus[] = {"x86-64",  "x86-64-v2",      "x86-64-v3", "x86-64-v4",
                                "haswell", "skylake-avx512", "znver3",    "znver4"};
const char *const kAArch64Cpus[] = {"generic",    "cortex-a53", "cortex-a55",
                                    "cortex-a72", "cortex-a76", "neoverse-n1",
                                    "neoverse-v1"};
const char *const kArmV7Cpus[] = {"cortex-a7", "cortex-a9", "cortex-a15", "cortex-a17"};
const char *const kRiscV64Cpus[] = {"generic-rv64", "sifive-u74", "sifive-x280",
                                    "sifive-p670"};
const char *const kCortexMv7Cpus[] = {"cortex-m4", "cortex-m7"};
const char *const kCortexMv8Cpus[] = {"cortex-m33", "cortex-m35p", "cortex-m55",
                                      "cortex-m85"};

// Linux targets use the Debian cross toolchains (gcc-<prefix>); bare-metal
// ones arm-none-eabi with newlib. RISC-V's defaults spell out rv64gc: the
// "d" extension also selects the lp64d float ABI the Linux port uses.
const TargetInfo kTargets[] = {
    {"x86_64-linux-gnu", "x86_64-unknown-linux-gnu", "x86-64-v2", "", kX86Cpus, false,
     "x86_64-linux-gnu", "x86-64 Linux (the host); SSE, AVX2, AVX-512 by CPU"},
    {"aarch64-linux-gnu", "aarch64-unknown-linux-gnu", "generic", "", kAArch64Cpus, false,
     "aarch64-linux-gnu", "64-bit Arm Linux (Raspberry Pi 4/5, Graviton); NEON"},
    {"armv7a-linux-gnueabihf", "armv7a-unknown-linux-gnueabihf", "cortex-a7", "",
     kArmV7Cpus, false, "arm-linux-gnueabihf",
     "32-bit Arm Linux, hard float (Raspberry Pi 2/3 32-bit); NEON"},
    {"riscv64-linux-gnu", "riscv64-unknown-linux-gnu", "generic-rv64", "+m,+a,+f,+d,+c",
     kRiscV64Cpus, false, "riscv64-linux-gnu",
     "64-bit RISC-V Linux, rv64gc; the V extension where the CPU has it"},
    {"thumbv7em-none-eabihf", "thumbv7em-unknown-none-eabihf", "cortex-m4", "", kCortexMv7Cpus, true,
     "arm-none-eabi", "bare-metal Cortex-M4F/M7, hard float"},
    {"thumbv8m.main-none-eabihf", "thumbv8m.main-unknown-none-eabihf", "cortex-m33", "",
     kCortexMv8Cpus, true, "arm-none-eabi",
     "bare-metal Cortex-M33/M55/M85, hard float; Helium (MVE) on M55/M85"},
};

void initializeLLVMTargets() {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    return true;
  }();
  (void)initialized;
}

bool sameTarget(const llvm::Triple &a, const llvm::Triple &b) {
  return a.getArch() == b.getArch() && a.getSubArch() == b.getSubArch() &&
         a.getOS() == b.getOS() && a.getEnvironment() == b.getEnvironment();
}

std::string joinNames(llvm::ArrayRef<std::string> names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

/// Whether `sti` enables `feature`; false for names the target does not
/// have (checkFeatures would abort on them).
bool hasFeature(const llvm::MCSubtargetInfo &sti, llvm::StringRef feature) {
  for (const llvm::SubtargetFeatureKV &entry : sti.getAllProcessorFeatures())
    if (feature == entry.Key)
      return sti.checkFeatures(("+" + feature).str());
  return false;
}

/// Fills in the SIMD width and register count from what the subtarget
/// enables. These are architectural facts (register file sizes), keyed by
/// the instruction-set extensions that provide the registers.
void describeVectorUnit(const llvm::Triple &triple, const llvm::MCSubtargetInfo &sti,
                        TargetDescription &description) {
  auto has = [&](llvm::StringRef feature) { return hasFeature(sti, feature); };
  std::vector<const char *> reported;
  unsigned bits = 0, registers = 0;
  switch (triple.getArch()) {
  case llvm::Triple::x86_64:
  case llvm::Triple::x86:
    reported = {"sse4.2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vnni",
                "avx512bf16", "amx-tile"};
    if (has("avx512f"))
      bits = 512, registers = 32;
    else if (has("avx"))
      bits = 256, registers = 16;
    else if (has("sse"))
      bits = 128, registers = 16;
    else
      registers = 8; // x87 stack
    break;
  case llvm::Triple::aarch64:
    reported = {"neon", "fullfp16", "dotprod", "i8mm", "bf16", "sve", "sve2"};
    bits = has("neon") ? 128 : 0;
    registers = 32;
    break;
  case llvm::Triple::arm:
  case llvm::Triple::thumb:
    reported = {"neon", "vfp4", "fp-armv8", "vfp4d16sp", "fp-armv8d16", "fp-armv8d16sp",
                "dsp", "mve", "mve.fp"};
    if (has("mve.fp"))
      bits = 128, registers = 8; // Helium: q0-q7
    else if (has("neon"))
      bits = 128, registers = 16; // q0-q15
    else if (has("fp-armv8d16sp") || has("vfp4d16sp") || has("vfp2sp"))
      registers = 32; // s0-s31 for scalar code
    break;
  case llvm::Triple::riscv64:
  case llvm::Triple::riscv32:
    reported = {"f", "d", "v", "zve32f", "zvl128b", "zvl256b", "zvl512b", "zvfh"};
    if (has("v") || has("zve32f")) {
      // Fixed-length vectors are sized by the guaranteed minimum VLEN.
      bits = has("zvl512b") ? 512 : has("zvl256b") ? 256 : 128;
      registers = 32;
    } else if (has("f")) {
      registers = 32; // f0-f31 for scalar code
    }
    break;
  default:
    break;
  }
  description.vectorBits = bits;
  description.vectorRegisters = registers;
  for (const char *feature : reported)
    if (has(feature))
      description.vectorFeatures.push_back(feature);
}

/// The features clang adds for an Arm CPU: LLVM's processor definitions
/// leave out the FPU and SIMD unit (NEON on Cortex-A7 is in the target
/// parser's default FPU, not in the CPU's feature list).
std::string getArmCpuDefaultFeatures(llvm::StringRef cpu) {
  llvm::ARM::ArchKind arch = llvm::ARM::parseCPUArch(cpu);
  if (arch == llvm::ARM::ArchKind::INVALID)
    return "";
  std::vector<llvm::StringRef> features;
  llvm::ARM::getFPUFeatures(llvm::ARM::getDefaultFPU(cpu, arch), features);
  llvm::ARM::getExtensionFeatures(llvm::ARM::getDefaultExtensions(cpu, arch), features);
  return fmt::format("{}", fmt::join(features, ","));
}

llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::ArrayRef<TargetInfo> getSupportedTargets() { return kTargets; }

const TargetInfo *lookupTarget(llvm::StringRef triple) {
  for (const TargetInfo &info : kTargets)
    if (triple == info.name || triple == info.triple)
      return &info;
  llvm::Triple wanted(llvm::Triple::normalize(triple));
  for (const TargetInfo &info : kTargets)
    if (sameTarget(wanted, llvm::Triple(llvm::Triple::normalize(info.triple))))
      return &info;
  return nullptr;
}

std::vector<std::string> getLLVMCpuNames(llvm::StringRef triple) {
  initializeLLVMTargets();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple.str(), error);
  if (!target)
    return {};
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple.str(), "", ""));
  std::vector<std::string> names;
  if (sti)
    for (const llvm::SubtargetSubTypeKV &cpu : sti->getAllProcessorDescriptions())
      names.push_back(cpu.Key);
  return names;
}

llvm::Expected<TargetDescription> resolveTarget(const TargetSpec &requested) {
  initializeLLVMTargets();
  TargetDescription description;
  TargetSpec &spec = description.spec;
  if (requested.triple.empty()) {
    // The machine kiln runs on, as LLVM detects it.
    TargetSpec host = getHostTarget();
    description.isHost = true;
    description.info = lookupTarget(host.triple);
    spec.triple = host.triple;
    spec.cpu = requested.cpu.empty() ? host.cpu : requested.cpu;
    spec.features = requested.cpu.empty() && requested.features.empty() ? host.features
                                                                        : requested.features;
  } else {
    description.info = lookupTarget(requested.triple);
    if (!description.info) {
      std::vector<std::string> names;
      for (const TargetInfo &info : kTargets)
        names.push_back(info.name);
      return makeError("unknown target '" + requested.triple +
                       "'; supported targets: " + joinNames(names) + " (see `kiln targets`)");
    }
    spec.triple = description.info->triple;
    spec.cpu = requested.cpu.empty() ? description.info->defaultCpu : requested.cpu;
    llvm::Triple triple(spec.triple);
    if (triple.isARM() || triple.isThumb())
      spec.features = getArmCpuDefaultFeatures(spec.cpu);
    if (*description.info->defaultFeatures)
      spec.features += (spec.features.empty() ? "" : ",") +
                       std::string(description.info->defaultFeatures);
    if (!requested.features.empty())
      spec.features += (spec.features.empty() ? "" : ",") + requested.features;
  }

  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(spec.triple, error);
  if (!target)
    return makeError("unknown target '" + spec.triple + "': " + error);
  // A generic subtarget first: asking LLVM for an unknown CPU prints a
  // warning and silently falls back, so the CPU is checked before use.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(spec.triple, "", ""));
  if (!generic)
    return makeError("LLVM has no subtarget information for '" + spec.triple + "'");
  std::string targetName = description.info ? description.info->name : spec.triple;
  if (!generic->isCPUStringValid(spec.cpu)) {
    std::vector<std::string> names;
    for (const llvm::SubtargetSubTypeKV &cpu : generic->getAllProcessorDescriptions())
      names.push_back(cpu.Key);
    return makeError("unknown CPU '" + spec.cpu + "' for " + targetName +
                     "; valid CPUs: " + joinNames(names));
  }
  // Only what the user typed is checked: host detection yields valid names.
  llvm::SmallVector<llvm::StringRef> features;
  llvm::StringRef(requested.features).split(features, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef feature : features) {
    feature = feature.trim();
    bool hasSign = feature.starts_with("+") || feature.starts_with("-");
    llvm::StringRef name = hasSign ? feature.drop_front() : feature;
    bool known = llvm::any_of(generic->getAllProcessorFeatures(),
                              [&](const llvm::SubtargetFeatureKV &entry) {
                                return name == entry.Key;
                              });
    if (hasSign && known)
      continue;
    std::vector<std::string> names;
    for (const llvm::SubtargetFeatureKV &entry : generic->getAllProcessorFeatures())
      names.push_back(entry.Key);
    if (known)
      return makeError("feature '" + feature.str() + "' must start with + or - (e.g. +" +
                       name.str() + ")");
    return makeError("unknown feature '" + feature.str() + "' for " + targetName +
                     " (write +NAME or -NAME); valid features: " + joinNames(names));
  }

  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(spec.triple, spec.cpu, spec.features));
  if (!sti)
    return makeError("LLVM has no subtarget information for '" + spec.triple + "'");
  describeVectorUnit(llvm::Triple(spec.triple), *sti, description);
  return description;
}

} // namespace kiln::codegen
