//===- FormParallelDispatch.cpp - kernels' outer loops to the thread pool ---===//
//
// See Passes.td (kiln-form-parallel-dispatch). Splitting at the memref level
// lets upstream conversions lower the kernel body as an ordinary function;
// only the small dispatch stub is written on the LLVM dialect afterwards.
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_FORMPARALLELDISPATCH
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Trip counts of a loop with static bounds and positive steps.
std::optional<SmallVector<int64_t>> getStaticTripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> counts;
  for (auto [lower, upper, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    auto lo = getConstantIntValue(lower), hi = getConstantIntValue(upper), st = getConstantIntValue(step);
    if (!lo || !hi || !st || *st <= 0)
      return std::nullopt;
    counts.push_back(std::max<int64_t>(0, (*hi - *lo + *st - 1) / *st));
  }
  return counts;
}

/// The work in one iteration of `op`: every operation in its body, counted
/// once per element it computes (a vector FMA of 16 lanes is 16) and once per
/// iteration of the loops around it. Vectorized kernels run few iterations
/// of much work each, so counting iterations alone would keep them serial.
int64_t getInnerWork(Operation *op) {
  int64_t total = 0;
  op->walk([&](Operation *nested) {
    if (nested == op || nested->hasTrait<OpTrait::IsTerminator>() ||
        isa<scf::ForOp, scf::ParallelOp>(nested))
      return;
    int64_t elements = 1;
    auto countVector = [&](Type type) {
      if (auto vector = dyn_cast<VectorType>(type))
        elements = std::max(elements, vector.getNumElements());
    };
    for (Type type : nested->getResultTypes())
      countVector(type);
    for (Type type : nested->getOperandTypes())
      countVector(type);
    int64_t work = elements;
    for (Operation *parent = nested->getParentOp(); parent && parent != op;
         parent = parent->getParentOp()) {
      if (auto forOp = dyn_cast<scf::ForOp>(parent)) {
        auto lo = getConstantIntValue(forOp.getLowerBound());
        auto hi = getConstantIntValue(forOp.getUpperBound());
        auto st = getConstantIntValue(forOp.getStep());
        if (lo && hi && st && *st > 0)
          work *= std::max<int64_t>(1, (*hi - *lo + *st - 1) / *st);
      } else if (auto parallel = dyn_cast<scf::ParallelOp>(parent)) {
        if (auto counts = getStaticTripCounts(parallel))
          for (int64_t count : *counts)
            work *= std::max<int64_t>(1, count);
      }
    }
    total += work;
  });
  return std::max<int64_t>(1, total);
}

/// Values the body may recompute rather than receive: constants and views.
bool isRematerializable(Operation *op) {
  return matchPattern(op, m_Constant()) ||
         isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ReinterpretCastOp, memref::CastOp>(op);
}

bool isPassable(Value value) {
  Type type = value.getType();
  if (auto memref = dyn_cast<MemRefType>(type))
    return memref.hasStaticShape() && memref.getLayout().isIdentity();
  return type.isIntOrIndexOrFloat();
}

struct FormParallelDispatchPass
    : impl::FormParallelDispatchBase<FormParallelDispatchPass> {
  using FormParallelDispatchBase::FormParallelDispatchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func || func.isExternal())
      return;
    Value context;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, "kiln.context"))
        context = func.getArgument(i);
    if (!context)
      return; // Not lowered to the ABI yet: nothing can reach the pool.
    // Kernels at the top level, and in loops over chunks of rows (a
    // convolution computed a chunk at a time runs a parallel kernel per
    // chunk). Kernels in other loops (recurrences) are small and run once
    // per step: dispatching them costs more than it saves.
    SmallVector<scf::ParallelOp> kernels;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        kernels.push_back(loop);
        return WalkResult::skip();
      }
      bool chunks = isa<scf::ForOp>(op) && op->hasAttr(kRowChunksAttrName);
      return isa<func::FuncOp>(op) || chunks ? WalkResult::advance() : WalkResult::skip();
    });
    int index = 0;
    for (scf::ParallelOp loop : kernels)
      if (dispatch(func, context, loop, index))
        ++index;
  }

  bool dispatch(func::FuncOp func, Value context, scf::ParallelOp loop, int index) {
    auto counts = getStaticTripCounts(loop);
    if (!counts || loop.getNumReductions() != 0)
      return false;
    int64_t total = 1;
    for (int64_t count : *counts)
      total *= count;
    if (total < 2 || total * getInnerWork(loop) < minWork)
      return false;
    unsigned leading = 0;
    int64_t iterations = 1;
    while (leading < counts->size() && iterations < minChunks)
      iterations *= (*counts)[leading++];
    if (iterations < 2)
      return false;

    // What the body needs from outside: recompute pure values, pass the rest.
    llvm::SetVector<Value> usedAbove;
    getUsedValuesDefinedAbove(loop.getRegion(), usedAbove);
    for (ValueRange bounds : {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
      for (Value bound : bounds.drop_front(leading))
        usedAbove.insert(bound);
    SmallVector<Value> worklist(usedAbove.begin(), usedAbove.end());
    llvm::SetVector<Value> passed;
    llvm::SetVector<Operation *> recomputed;
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      Operation *def = value.getDefiningOp();
      if (def && isRematerializable(def)) {
        if (recomputed.insert(def))
          for (Value operand : def->getOperands())
            worklist.push_back(operand);
        continue;
      }
      if (!isPassable(value))
        return false;
      passed.insert(value);
    }
    // Arguments in a stable order: function arguments first, then values in
    // the order they are defined. Values may come from the function body
    // and from the loops around the kernel: program order is a walk's.
    DenseMap<Operation *, int64_t> programOrder;
    func.walk<WalkOrder::PreOrder>(
        [&](Operation *op) { programOrder[op] = static_cast<int64_t>(programOrder.size()); });
    auto position = [&](Value value) -> std::pair<int64_t, int64_t> {
      if (auto argument = dyn_cast<BlockArgument>(value))
        return {argument.getOwner()->isEntryBlock() && argument.getOwner()->getParentOp() == func.getOperation()
                    ? -1
                    : programOrder.lookup(argument.getOwner()->getParentOp()),
                argument.getArgNumber()};
      return {programOrder.lookup(value.getDefiningOp()),
              cast<OpResult>(value).getResultNumber()};
    };
    SmallVector<Value> passedOrder(passed.begin(), passed.end());
    llvm::sort(passedOrder, [&](Value a, Value b) { return position(a) < position(b); });
    passed = llvm::SetVector<Value>(passedOrder.begin(), passedOrder.end());
    SmallVector<Operation *> recomputeOrder(recomputed.begin(), recomputed.end());
    llvm::sort(recomputeOrder,
               [&](Operation *a, Operation *b) { return programOrder[a] < programOrder[b]; });

    MLIRContext *ctx = &getContext();
    Location loc = loop.getLoc();
    OpBuilder builder(ctx);
    builder.setInsertionPoint(func);
    std::string prefix = func.getSymName().str();
    SmallVector<Type> passedTypes;
    for (Value value : passed)
      passedTypes.push_back(value.getType());

    // The kernel body: one iteration of the collapsed leading dimensions.
    SmallVector<Type> bodyInputs{builder.getIndexType()};
    bodyInputs.append(passedTypes);
    auto body = builder.create<func::FuncOp>(loc, prefix + "_kernel" + std::to_string(index),
                                             builder.getFunctionType(bodyInputs, {}));
    body.setPrivate();
    Block *entry = body.addEntryBlock();
    OpBuilder inner = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (auto [i, value] : llvm::enumerate(passed))
      mapping.map(value, entry->getArgument(i + 1));
    for (Operation *op : recomputeOrder)
      inner.clone(*op, mapping);
    Value flat = entry->getArgument(0);
    SmallVector<Value> leadingIndices(leading);
    for (unsigned d = leading; d-- > 0;) {
      if (d == 0) {
        leadingIndices[d] = flat;
        break;
      }
      Value size = inner.create<arith::ConstantIndexOp>(loc, (*counts)[d]);
      leadingIndices[d] = inner.create<arith::RemUIOp>(loc, flat, size);
      flat = inner.create<arith::DivUIOp>(loc, flat, size);
    }
    // Iteration numbers back to induction variable values (tiled loops start
    // at their lower bound and step by the tile size).
    for (unsigned d = 0; d < leading; ++d) {
      int64_t lower = *getConstantIntValue(loop.getLowerBound()[d]);
      int64_t step = *getConstantIntValue(loop.getStep()[d]);
      Value index = leadingIndices[d];
      if (step != 1)
        index = inner.create<arith::MulIOp>(
            loc, index, inner.create<arith::ConstantIndexOp>(loc, step));
      if (lower != 0)
        index = inner.create<arith::AddIOp>(
            loc, index, inner.create<arith::ConstantIndexOp>(loc, lower));
      mapping.map(loop.getInductionVars()[d], index);
    }
    if (leading < counts->size()) {
      auto mapAll = [&](ValueRange values) {
        SmallVector<Value> mapped;
        for (Value value : values)
          mapped.push_back(mapping.lookupOrDefault(value));
        return mapped;
      };
      auto nest = inner.create<scf::ParallelOp>(
          loc, mapAll(loop.getLowerBound().drop_front(leading)),
          mapAll(loop.getUpperBound().drop_front(leading)),
          mapAll(loop.getStep().drop_front(leading)));
      for (unsigned d = leading; d < counts->size(); ++d)
        mapping.map(loop.getInductionVars()[d], nest.getInductionVars()[d - leading]);
      inner.setInsertionPointToStart(nest.getBody());
    }
    for (Operation &op : loop.getBody()->without_terminator())
      inner.clone(op, mapping);
    inner.setInsertionPointToEnd(entry);
    inner.create<func::ReturnOp>(loc);

    // The dispatch stub, defined on the LLVM dialect later.
    SmallVector<Type> dispatchInputs{context.getType()};
    dispatchInputs.append(passedTypes);
    builder.setInsertionPoint(func);
    auto stub = builder.create<func::FuncOp>(
        loc, prefix + "_dispatch" + std::to_string(index),
        builder.getFunctionType(dispatchInputs, {}));
    stub.setPrivate();
    stub->setAttr("kiln.dispatch_body", FlatSymbolRefAttr::get(body.getSymNameAttr()));
    stub->setAttr("kiln.dispatch_count", builder.getI64IntegerAttr(iterations));

    builder.setInsertionPoint(loop);
    SmallVector<Value> operands{context};
    operands.append(passed.begin(), passed.end());
    builder.create<func::CallOp>(loc, stub, operands);
    loop.erase();
    return true;
  }
};

} // namespace
} // namespace kiln::codegen
