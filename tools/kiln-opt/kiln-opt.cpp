//===- kiln-opt.cpp - mlir-opt with kiln's dialects and passes ------------===//
//
// Runs any kiln or upstream MLIR pass on a .mlir file, so every pipeline stage
// can be reproduced and tested on its own.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"
#include "codegen/Pipeline.h"
#include "ir/GraphDialect.h"
#include "ir/KilnDialect.h"
#include "passes/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  kiln::registerKilnPasses();
  kiln::codegen::registerKilnCodegenPasses();
  kiln::codegen::registerPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<kiln::graph::GraphDialect, kiln::lowlevel::KilnDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "kiln optimizer driver\n", registry));
}
