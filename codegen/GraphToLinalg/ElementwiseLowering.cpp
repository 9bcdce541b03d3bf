//===- ElementwiseLowering.cpp - graph-to-linalg patterns: Elementwise ops ----------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

using namespace mlir;

namespace kiln::codegen {

void populateElementwiseLoweringPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {}

} // namespace kiln::codegen
