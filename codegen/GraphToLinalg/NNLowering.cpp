//===- NNLowering.cpp - graph-to-linalg patterns: NN ops ----------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

using namespace mlir;

namespace kiln::codegen {

void populateNNLoweringPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {}

} // namespace kiln::codegen
