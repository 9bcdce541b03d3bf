//===- TensorLowering.cpp - graph-to-linalg patterns: Tensor ops ----------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

using namespace mlir;

namespace kiln::codegen {

void populateTensorLoweringPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {}

} // namespace kiln::codegen
