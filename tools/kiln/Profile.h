//===- Profile.h - kiln run --profile: a trace of one inference -*- C++ -*-===//

#ifndef KILN_TOOLS_KILN_PROFILE_H
#define KILN_TOOLS_KILN_PROFILE_H

#include "codegen/KernelSources.h"

#include "kiln_rt.h"

#include <functional>
#include <string>
#include <vector>

namespace kiln {

struct ProfileRequest {
  /// Where to write the Chrome/Perfetto trace (empty: none).
  std::string tracePath;
  /// Print the slowest kernels as a table.
  bool printSummary = false;
  /// Rows of that table.
  unsigned summaryRows = 15;
  std::string modelName;
  int threads = 1;
};

/// Runs `run` once to warm up, then once more with an event array attached
/// to `context`, and writes the trace and/or the summary. `kernels` is the
/// table the compiler recorded. Errors are reported; returns an ExitCode.
int profileInference(const std::function<kiln_status_t()> &run, kiln_context_t *context,
                     const std::vector<codegen::ProfileKernel> &kernels,
                     const ProfileRequest &request);

} // namespace kiln

#endif // KILN_TOOLS_KILN_PROFILE_H
