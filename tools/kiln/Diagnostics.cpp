//===- Diagnostics.cpp - how kiln prints problems -------------------------===//

#include "tools/kiln/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

static void describe(Location loc, llvm::raw_ostream &os, StringRef opType) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (auto child = dyn_cast<FileLineColLoc>(name.getChildLoc()))
      os << child.getFilename().getValue() << ": ";
    os << "node '" << name.getName().getValue() << "'";
    if (!opType.empty())
      os << " (" << opType << ")";
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    StringRef meta;
    if (auto str = dyn_cast_or_null<StringAttr>(fused.getMetadata()))
      meta = str.getValue();
    llvm::interleave(
        fused.getLocations(), os, [&](Location l) { describe(l, os, meta); }, ", ");
    return;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() > 0)
      os << ":" << file.getLine() << ":" << file.getColumn();
    return;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return describe(callSite.getCallee(), os, opType);
  os << "kiln";
}

std::string describeLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  describe(loc, os, "");
  return text;
}

static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error: return "error";
  case DiagnosticSeverity::Warning: return "warning";
  case DiagnosticSeverity::Note: return "note";
  case DiagnosticSeverity::Remark: return "remark";
  }
  return "error";
}

DiagnosticPrinter::DiagnosticPrinter(MLIRContext &context) : context(context) {
  id = context.getDiagEngine().registerHandler([this](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    llvm::errs() << describeLocation(diag.getLocation()) << ": "
                 << severityName(diag.getSeverity()) << ": " << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes())
      llvm::errs() << describeLocation(note.getLocation()) << ": note: " << note.str()
                   << "\n";
    return success();
  });
}

DiagnosticPrinter::~DiagnosticPrinter() { context.getDiagEngine().eraseHandler(id); }

int reportUserError(const llvm::Twine &message) {
  llvm::errs() << "kiln: error: " << message << "\n";
  return kExitUserError;
}

} // namespace kiln
