//===- Diagnostics.h - how kiln prints problems -----------------*- C++ -*-===//
//
// kiln prints one line per problem, naming where it is in the user's terms:
//   model.onnx: node 'conv1' (Conv): error: attribute 'kernel_shape' ...
// and defines the process exit codes.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_KILN_DIAGNOSTICS_H
#define KILN_TOOLS_KILN_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/Twine.h"
#include <string>

namespace kiln {

/// Exit codes of the kiln binary (documented in docs/user-guide.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitUserError = 1,     ///< bad model, bad option, unsupported feature
  kExitInternalError = 2, ///< a bug in kiln (crash, failed invariant)
};

/// Renders an MLIR location the way kiln's messages name places.
std::string describeLocation(mlir::Location loc);

/// Prints every diagnostic of `context` as one line on stderr for as long as
/// it lives.
class DiagnosticPrinter {
public:
  explicit DiagnosticPrinter(mlir::MLIRContext &context);
  ~DiagnosticPrinter();
  int errorCount() const { return errors; }

private:
  mlir::MLIRContext &context;
  mlir::DiagnosticEngine::HandlerID id;
  int errors = 0;
};

/// Prints "kiln: error: message" and returns kExitUserError.
int reportUserError(const llvm::Twine &message);

} // namespace kiln

#endif // KILN_TOOLS_KILN_DIAGNOSTICS_H
