//===- ReductionLowering.cpp - graph-to-linalg patterns: Reduction ops ----------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

using namespace mlir;

namespace kiln::codegen {

void populateReductionLoweringPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {}

} // namespace kiln::codegen
