//===- BufferLiveness.h - when a planned buffer is alive --------*- C++ -*-===//
//
// The memory planner and `kiln inspect --memory` share one definition of a
// buffer's lifetime, measured in positions of the function's top-level ops.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_BUFFERLIVENESS_H
#define KILN_CODEGEN_BUFFERLIVENESS_H

#include "mlir/IR/Block.h"
#include "llvm/ADT/DenseMap.h"

namespace kiln::codegen {

/// The latest position (in `position`, which numbers the ops of `body`) of
/// a top-level op that uses `buffer` or any view of it (subview, reshape,
/// cast); a use nested in a loop counts as the whole loop. -1 if unused.
int64_t getLastUse(mlir::Value buffer, mlir::Block &body,
                   const llvm::DenseMap<mlir::Operation *, int64_t> &position);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_BUFFERLIVENESS_H
