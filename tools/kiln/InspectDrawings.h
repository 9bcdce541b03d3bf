//===- InspectDrawings.h - kiln inspect --graph and --memory ----*- C++ -*-===//

#ifndef KILN_TOOLS_KILN_INSPECTDRAWINGS_H
#define KILN_TOOLS_KILN_INSPECTDRAWINGS_H

#include <string>

namespace kiln {

/// Compiles `modelPath` as far as the drawings need and writes the fused
/// graph to `graphPath` and the memory plan to `memoryPath` (either may be
/// empty). The extension picks the format: .dot, or .svg/.png through
/// Graphviz. Errors are reported; returns an ExitCode.
int drawModel(const std::string &modelPath, const std::string &graphPath,
              const std::string &memoryPath);

} // namespace kiln

#endif // KILN_TOOLS_KILN_INSPECTDRAWINGS_H
