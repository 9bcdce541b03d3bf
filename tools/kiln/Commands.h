//===- Commands.h - kiln subcommands ----------------------------*- C++ -*-===//

#ifndef KILN_TOOLS_KILN_COMMANDS_H
#define KILN_TOOLS_KILN_COMMANDS_H

#include "compiler/ModelLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"

#include <memory>

namespace kiln {

extern llvm::cl::SubCommand importCommand;
extern llvm::cl::SubCommand inspectCommand;
extern llvm::cl::SubCommand compileCommand;
extern llvm::cl::SubCommand runCommand;
extern llvm::cl::SubCommand targetsCommand;

int runImport();
int runInspect();
int runCompile();
int runRun();
int runTargets();

/// The --input-shape values given to the current subcommand, parsed.
/// Diagnoses malformed values and returns false.
bool parseInputShapes(std::map<std::string, std::vector<int64_t>> &shapes);

/// Loads `path` and imports it into the graph dialect in `context`.
/// `model` keeps the weights alive for as long as the module is used.
/// Errors are printed; the return value is then null.
mlir::OwningOpRef<mlir::ModuleOp> loadAndImport(mlir::MLIRContext &context,
                                                const std::string &path,
                                                std::unique_ptr<LoadedModel> &model,
                                                const std::map<std::string, std::vector<int64_t>>
                                                    &defaultShapes = {});

} // namespace kiln

#endif // KILN_TOOLS_KILN_COMMANDS_H
