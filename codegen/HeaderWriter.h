//===- HeaderWriter.h - the C header NAME.h for a compiled model -*- C++ -*-===//

#ifndef KILN_CODEGEN_HEADERWRITER_H
#define KILN_CODEGEN_HEADERWRITER_H

#include "codegen/EntrySignature.h"
#include "codegen/KernelSources.h"

#include <string>

namespace kiln::codegen {

struct HeaderInfo {
  std::string symbolName;   // NAME
  std::string sourceName;   // the model file, for the banner
  int64_t workspaceSize = 0;
  int64_t workspaceAlignment = 64;
  bool externalWeights = false;
  /// A bare-metal target: the runtime has no threads (no -lpthread).
  bool bareMetal = false;
  int64_t weightsSize = 0;
  int64_t weightsAlignment = 64;
  /// A profiled build's kernels, listed as tables.
  std::vector<ProfileKernel> profileKernels;
};

/// The text of NAME.h: plain C99 that is also valid C++.
std::string writeHeader(const EntrySignature &signature, const HeaderInfo &info);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_HEADERWRITER_H
