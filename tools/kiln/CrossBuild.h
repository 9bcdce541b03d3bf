//===- CrossBuild.h - link lines, sizes and runners for each target -*- C++ -*-===//
//
// What `kiln compile` does after the object exists: the link line for the
// target's toolchain, the code size, and for --emit=runner a statically
// linked NAME-run built with that toolchain from the runner sources kiln
// ships (share/kiln) and a glue file written for the model.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_KILN_CROSSBUILD_H
#define KILN_TOOLS_KILN_CROSSBUILD_H

#include "codegen/EntrySignature.h"
#include "codegen/Targets.h"

#include "llvm/Support/Error.h"

#include <string>

namespace kiln {

/// The C compiler driver and flags that link objects for `target` (e.g.
/// "aarch64-linux-gnu-gcc", "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb ...").
std::string getTargetCompilerCommand(const codegen::TargetDescription &target);

/// The line printed after a compile: how to link an application with the
/// object and the runtime copied next to it.
std::string getLinkLine(const codegen::TargetDescription &target,
                        const std::string &objectPath, const std::string &outputDirectory);

/// Bytes of machine code (executable sections) in an object file.
llvm::Expected<uint64_t> getCodeSize(const std::string &objectPath);

/// The C glue that describes the model to kiln_runner.c: static buffers for
/// the inputs, outputs and workspace and a call of NAME_run.
std::string writeRunnerGlue(const codegen::EntrySignature &signature,
                            const std::string &symbolName);

/// Writes OUT/NAME_runner.c and links OUT/NAME-run for `target` (statically;
/// for bare metal an ELF for the MPS2 board model with semihosting I/O).
/// Errors are reported; returns an ExitCode.
int buildRunner(const codegen::TargetDescription &target,
                const codegen::EntrySignature &signature, const std::string &symbolName,
                const std::string &objectPath, const std::string &outputDirectory,
                std::string &runnerPath);

} // namespace kiln

#endif // KILN_TOOLS_KILN_CROSSBUILD_H
