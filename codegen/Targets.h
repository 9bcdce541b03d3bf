//===- Targets.h - the targets kiln compiles for, as data -------*- C++ -*-===//
//
// Every supported target is one row of a table: its triple, default CPU and
// features, the CPUs kiln documents for it and whether it is bare metal. A
// resolved target (a row plus the user's --cpu/--features, checked against
// LLVM's own processor and feature tables) carries what code generation
// reads: the f32 SIMD width and the number of SIMD registers. Passes read
// these numbers, never the architecture's name.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_TARGETS_H
#define KILN_CODEGEN_TARGETS_H

#include "codegen/ObjectEmitter.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace kiln::codegen {

/// A row of the target table.
struct TargetInfo {
  /// The name users pass to --target (a GCC-style triple).
  const char *name;
  /// The triple handed to LLVM.
  const char *triple;
  const char *defaultCpu;
  /// Comma-separated, "+f,-g"; added before the user's --features.
  const char *defaultFeatures;
  /// CPUs kiln documents and tests for this target (LLVM may know more).
  llvm::ArrayRef<const char *> cpus;
  /// No OS: no heap, threads or file system in the runtime.
  bool bareMetal;
  /// The cross C compiler driver the link line names.
  const char *toolchainPrefix;
  /// One line for `kiln targets`.
  const char *summary;
};

/// The supported targets, host (x86_64) first.
llvm::ArrayRef<TargetInfo> getSupportedTargets();

/// The row whose name or triple matches `triple` (e.g. "aarch64-linux-gnu" or
/// "aarch64-unknown-linux-gnu"), or null.
const TargetInfo *lookupTarget(llvm::StringRef triple);

/// A target with its CPU and features decided and checked.
struct TargetDescription {
  const TargetInfo *info = nullptr;
  /// What createTargetMachine gets: final triple, CPU and features.
  TargetSpec spec;
  /// True when no --target was given: the machine kiln runs on.
  bool isHost = false;
  /// Width in bits of the widest f32 SIMD register (0: none).
  unsigned vectorBits = 0;
  /// Architectural SIMD registers; the scalar FP registers when vectorBits
  /// is 0, so a register tile can still be sized.
  unsigned vectorRegisters = 0;
  /// The vector-related features the CPU + features enable ("neon", "avx2").
  std::vector<std::string> vectorFeatures;
};

/// Decides the triple, CPU and features for a --target/--cpu/--features
/// request (empty triple: the host, with its detected CPU and features) and
/// checks the CPU and features against LLVM's tables. Errors name the
/// problem and list the valid values.
llvm::Expected<TargetDescription> resolveTarget(const TargetSpec &requested);

/// Every CPU name LLVM knows for `triple` (for error messages and listings).
std::vector<std::string> getLLVMCpuNames(llvm::StringRef triple);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TARGETS_H
