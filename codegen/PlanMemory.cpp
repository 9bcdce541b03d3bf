//===- PlanMemory.cpp - static workspace plan with liveness-based reuse ----===//
//
// The algorithm is documented in Passes.td (kiln-plan-memory). Liveness is
// measured on the function's top-level operations: after bufferization the
// model body is a straight line of linalg ops (or loops that contain them),
// so a top-level position is a precise enough clock and keeps the plan
// linear in the number of buffers times the number alive at once.
//
//===----------------------------------------------------------------------===//

#include "codegen/BufferLiveness.h"
#include "codegen/Passes.h"
#include "ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/MathExtras.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

namespace kiln::codegen {
#define GEN_PASS_DEF_PLANMEMORY
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr int64_t kSlotAlignment = 64;

struct PlannedBuffer {
  memref::AllocOp alloc;
  int64_t size = 0;
  int64_t firstUse = 0;
  int64_t lastUse = 0;
  int64_t offset = -1;

  bool overlapsInTime(const PlannedBuffer &other) const {
    return firstUse <= other.lastUse && other.firstUse <= lastUse;
  }
};

/// Bytes a static memref occupies (i1 is stored as a byte).
int64_t getBufferBytes(MemRefType type) {
  int64_t elementBits = type.getElementTypeBitWidth();
  int64_t elementBytes = std::max<int64_t>(1, (elementBits + 7) / 8);
  return type.getNumElements() * elementBytes;
}

/// The most a parallel loop's iteration may allocate on its worker's stack
/// (a fused attention's block of scores and probabilities).
constexpr int64_t kMaxStackScratchBytes = 256 * 1024;

/// A buffer that one iteration of a parallel loop allocates (a fused
/// attention's scores) needs one copy per concurrent iteration, which a
/// static workspace cannot give: it goes on the stack of the worker that
/// runs the iteration, in an alloca scope around the loop body so that each
/// iteration releases it.
LogicalResult allocateOnStack(memref::AllocOp alloc, scf::ParallelOp loop,
                              DenseMap<Operation *, memref::AllocaScopeOp> &scopes) {
  MemRefType type = alloc.getType();
  if (getBufferBytes(type) > kMaxStackScratchBytes)
    return alloc.emitError() << "cannot place a buffer of " << getBufferBytes(type)
                             << " bytes, allocated in each iteration of a parallel loop, on "
                                "the stack (the limit is "
                             << kMaxStackScratchBytes << ")";
  memref::AllocaScopeOp &scope = scopes[loop];
  Block *body = loop.getBody();
  if (!scope) {
    OpBuilder builder(body, body->begin());
    scope = builder.create<memref::AllocaScopeOp>(loop.getLoc(), TypeRange());
    Block *scopeBody = builder.createBlock(&scope.getBodyRegion());
    // Everything but the loop's terminator moves into the scope.
    scopeBody->getOperations().splice(scopeBody->end(), body->getOperations(),
                                      std::next(Block::iterator(scope)),
                                      Block::iterator(body->getTerminator()));
    builder.setInsertionPointToEnd(scopeBody);
    builder.create<memref::AllocaScopeReturnOp>(loop.getLoc());
  }
  OpBuilder builder(&scope.getBodyRegion().front(), scope.getBodyRegion().front().begin());
  auto alloca = builder.create<memref::AllocaOp>(alloc.getLoc(), type, alloc.getAlignmentAttr());
  alloc.getResult().replaceAllUsesWith(alloca.getResult());
  for (Operation *user : llvm::make_early_inc_range(alloca->getUsers()))
    if (isa<memref::DeallocOp>(user))
      user->erase();
  alloc.erase();
  return success();
}

struct PlanMemoryPass : impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("kiln-plan-memory expects a single-block function body");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> position;
    for (auto [index, op] : llvm::enumerate(body))
      position[&op] = static_cast<int64_t>(index);

    std::vector<PlannedBuffer> buffers;
    DenseMap<Operation *, memref::AllocaScopeOp> stackScopes;
    bool failed = false;
    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitError() << "cannot plan a buffer of type " << type
                          << " (code generation needs static shapes)";
        failed = true;
        continue;
      }
      Operation *top = body.findAncestorOpInBlock(*alloc);
      if (auto parallel = alloc->getParentOfType<scf::ParallelOp>()) {
        if (mlir::failed(allocateOnStack(alloc, parallel, stackScopes)))
          failed = true;
        continue;
      }
      if (top != alloc) {
        // Branches and sequential loops run one body at a time and, after
        // kiln-loop-buffers-in-place, no iteration's buffer outlives it, so
        // the buffer can exist for the whole top-level op. Parallel loops
        // would need one per concurrent iteration.
        for (Operation *parent = alloc->getParentOp(); parent != func;
             parent = parent->getParentOp()) {
          if (!isa<scf::IfOp, scf::ForOp, scf::WhileOp>(parent)) {
            alloc.emitError() << "cannot plan an allocation nested in "
                              << parent->getName();
            failed = true;
            break;
          }
        }
        if (failed)
          continue;
        alloc->moveBefore(top);
      }
      PlannedBuffer buffer;
      buffer.alloc = alloc;
      buffer.size = llvm::alignTo(getBufferBytes(type), kSlotAlignment);
      buffer.firstUse = position[top];
      // Views (a subview or reshape of the buffer) keep it alive.
      buffer.lastUse = std::max(buffer.firstUse, getLastUse(alloc.getResult(), body, position));
      buffers.push_back(buffer);
    }
    if (failed)
      return signalPassFailure();

    // Greedy by size: big buffers first, each at the lowest offset that does
    // not collide with an already-placed buffer alive at the same time.
    std::vector<size_t> order(buffers.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return buffers[a].size > buffers[b].size;
    });
    std::vector<size_t> placed;
    int64_t workspaceSize = 0;
    for (size_t index : order) {
      PlannedBuffer &buffer = buffers[index];
      // Collect conflicting intervals, sorted by offset, and take the first gap.
      SmallVector<std::pair<int64_t, int64_t>> taken;
      for (size_t other : placed)
        if (buffer.overlapsInTime(buffers[other]))
          taken.push_back({buffers[other].offset, buffers[other].offset + buffers[other].size});
      llvm::sort(taken);
      int64_t candidate = 0;
      for (auto [begin, end] : taken) {
        if (candidate + buffer.size <= begin)
          break;
        candidate = std::max(candidate, end);
      }
      buffer.offset = candidate;
      placed.push_back(index);
      workspaceSize = std::max(workspaceSize, candidate + buffer.size);
    }

    // The lower bound: the most bytes alive at any one position.
    int64_t lowerBound = 0;
    for (const PlannedBuffer &buffer : buffers) {
      int64_t alive = 0;
      for (const PlannedBuffer &other : buffers)
        if (other.firstUse <= buffer.firstUse && buffer.firstUse <= other.lastUse)
          alive += other.size;
      lowerBound = std::max(lowerBound, alive);
    }

    for (PlannedBuffer &buffer : buffers) {
      OpBuilder builder(buffer.alloc);
      auto slot = builder.create<lowlevel::ArenaSlotOp>(
          buffer.alloc.getLoc(), buffer.alloc.getType(),
          builder.getI64IntegerAttr(buffer.offset));
      buffer.alloc.getResult().replaceAllUsesWith(slot.getResult());
      // The arena is never freed piecemeal.
      for (Operation *user : llvm::make_early_inc_range(slot->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buffer.alloc.erase();
    }
    Builder builder(func.getContext());
    func->setAttr("kiln.workspace_size", builder.getI64IntegerAttr(workspaceSize));
    func->setAttr("kiln.workspace_lower_bound", builder.getI64IntegerAttr(lowerBound));
  }
};

} // namespace
} // namespace kiln::codegen
