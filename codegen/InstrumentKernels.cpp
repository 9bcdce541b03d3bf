//===- InstrumentKernels.cpp - runtime timing calls around each kernel ----===//
//
// See Passes.td (kiln-instrument-kernels). Kernels are found as top-level
// operations of the entry function that touch memory, not as particular
// linalg ops, so whatever tiling and vectorization made of a node (a loop
// nest, several of them, a dispatch) is timed as a whole.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelSources.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_INSTRUMENTKERNELS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr const char *kBeginSymbol = "kiln_profile_begin";
constexpr const char *kEndSymbol = "kiln_profile_end";

/// The largest value `bound` can take: a constant, or the smallest constant
/// result of an affine.min (a partial tile's size).
std::optional<int64_t> getConstantUpperBound(OpFoldResult bound) {
  if (std::optional<int64_t> value = getConstantIntValue(bound))
    return value;
  auto min = dyn_cast_or_null<affine::AffineMinOp>(
      dyn_cast<Value>(bound) ? cast<Value>(bound).getDefiningOp() : nullptr);
  if (!min)
    return std::nullopt;
  std::optional<int64_t> smallest;
  for (AffineExpr result : min.getAffineMap().getResults())
    if (auto constant = dyn_cast<AffineConstantExpr>(result))
      smallest = std::min(smallest.value_or(constant.getValue()), constant.getValue());
  return smallest;
}

/// Iterations of `loop` (all its dimensions), or nullopt when unknown.
std::optional<int64_t> getTripCount(LoopLikeOpInterface loop) {
  auto lowers = loop.getLoopLowerBounds();
  auto uppers = loop.getLoopUpperBounds();
  auto steps = loop.getLoopSteps();
  if (!lowers || !uppers || !steps)
    return std::nullopt;
  int64_t trips = 1;
  for (auto [lower, upper, step] : llvm::zip(*lowers, *uppers, *steps)) {
    std::optional<int64_t> lo = getConstantIntValue(lower);
    std::optional<int64_t> hi = getConstantUpperBound(upper);
    std::optional<int64_t> st = getConstantIntValue(step);
    if (!lo || !hi || !st || *st <= 0)
      return std::nullopt;
    trips *= std::max<int64_t>(0, (*hi - *lo + *st - 1) / *st);
  }
  return trips;
}

int64_t getElementCount(Type type) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.getNumElements();
  return 1;
}

bool isFloatLike(Type type) { return isa<FloatType>(getElementTypeOrSelf(type)); }

/// Floating-point operations one execution of `op` performs. A fused
/// multiply-add counts as two; a transcendental function as one.
int64_t countFlops(Operation *op) {
  if (auto contract = dyn_cast<vector::ContractionOp>(op)) {
    SmallVector<int64_t> bounds;
    contract.getIterationBounds(bounds);
    int64_t product = 2;
    for (int64_t bound : bounds)
      product *= bound;
    return product;
  }
  if (isa<vector::OuterProductOp>(op))
    return 2 * getElementCount(op->getResult(0).getType());
  if (auto reduction = dyn_cast<vector::ReductionOp>(op))
    return isFloatLike(reduction.getVector().getType())
               ? getElementCount(reduction.getVector().getType())
               : 0;
  if (op->getNumResults() != 1 || !isFloatLike(op->getResult(0).getType()))
    return 0;
  int64_t elements = getElementCount(op->getResult(0).getType());
  if (isa<math::FmaOp, vector::FMAOp>(op))
    return 2 * elements;
  if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::RemFOp,
          arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp>(op) ||
      isa<math::MathDialect>(op->getDialect()))
    return elements;
  return 0;
}

/// Whether `op` is inside one of the kernel's operations or between its
/// first and last.
bool isWithin(Operation *op, ArrayRef<Operation *> kernel) {
  Operation *top = kernel.front()->getBlock()->findAncestorOpInBlock(*op);
  return top && !top->isBeforeInBlock(kernel.front()) && !kernel.back()->isBeforeInBlock(top);
}

/// Estimated work of one kernel.
struct KernelCost {
  int64_t flops = 0;
  int64_t bytes = 0;
};

/// FLOPs: each floating-point operation times the static trip counts of the
/// loops around it (partial tiles counted as full ones). Bytes: the size of
/// every buffer the kernel reads or writes, once, as the kernel sees it from
/// outside (a slice counts as the slice): the traffic a kernel that touched
/// each element once would need.
KernelCost estimateCost(ArrayRef<Operation *> kernel) {
  KernelCost cost;
  llvm::SetVector<Value> buffers;
  for (Operation *root : kernel) {
    root->walk([&](Operation *op) {
      if (int64_t flops = countFlops(op)) {
        for (Operation *parent = op->getParentOp(); parent; parent = parent->getParentOp()) {
          if (auto loop = dyn_cast<LoopLikeOpInterface>(parent))
            flops *= getTripCount(loop).value_or(1);
          if (parent == root)
            break;
        }
        cost.flops += flops;
      }
      auto memory = dyn_cast<MemoryEffectOpInterface>(op);
      if (!memory)
        return;
      SmallVector<MemoryEffects::EffectInstance> effects;
      memory.getEffects(effects);
      for (const MemoryEffects::EffectInstance &effect : effects) {
        if (!isa<MemoryEffects::Read, MemoryEffects::Write>(effect.getEffect()))
          continue;
        Value buffer = effect.getValue();
        if (!buffer || !isa<MemRefType>(buffer.getType()))
          continue;
        // Views made within the kernel (a tile, a reshaped operand) count
        // as the buffer they view.
        while (Operation *def = buffer.getDefiningOp()) {
          auto view = dyn_cast<ViewLikeOpInterface>(def);
          if (!view || !isWithin(def, kernel))
            break;
          buffer = view.getViewSource();
        }
        buffers.insert(buffer);
      }
    });
  }
  for (Value buffer : buffers) {
    auto type = cast<MemRefType>(buffer.getType());
    if (type.hasStaticShape() && type.getElementType().isIntOrFloat())
      cost.bytes += type.getNumElements() *
                    ((type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
  }
  return cost;
}

struct InstrumentKernelsPass : impl::InstrumentKernelsBase<InstrumentKernelsPass> {
  using InstrumentKernelsBase::InstrumentKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func || func.isExternal()) {
      module.emitError() << "no entry function '" << entryName << "' to profile";
      return signalPassFailure();
    }
    Value context;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, "kiln.context"))
        context = func.getArgument(i);
    if (!context) {
      func.emitError("kiln-instrument-kernels needs the context argument kiln-lower-abi adds");
      return signalPassFailure();
    }

    SmallVector<SmallVector<Operation *>> kernels =
        groupKernels(func.getBody().front(), touchesMemory);
    MLIRContext *ctx = &getContext();
    OpBuilder builder(ctx);
    auto type = builder.getFunctionType({context.getType(), builder.getI32Type()}, {});
    func::FuncOp begin = getOrDeclare(module, kBeginSymbol, type);
    func::FuncOp end = getOrDeclare(module, kEndSymbol, type);
    if (!begin || !end)
      return signalPassFailure();

    SmallVector<Attribute> table;
    for (auto [index, kernel] : llvm::enumerate(kernels)) {
      SmallVector<SourceNode> nodes;
      for (Operation *op : kernel)
        for (SourceNode &node : getSourceNodes(op))
          if (!llvm::is_contained(nodes, node))
            nodes.push_back(std::move(node));
      KernelCost cost = estimateCost(kernel);
      std::string name =
          nodes.empty() ? "kernel " + std::to_string(index) : joinNodeNames(nodes);
      SmallVector<Attribute> names, opTypes;
      for (const SourceNode &node : nodes) {
        names.push_back(builder.getStringAttr(node.name));
        opTypes.push_back(builder.getStringAttr(node.opType));
      }
      table.push_back(builder.getDictionaryAttr({
          builder.getNamedAttr("name", builder.getStringAttr(name)),
          builder.getNamedAttr("nodes", builder.getArrayAttr(names)),
          builder.getNamedAttr("op_types", builder.getArrayAttr(opTypes)),
          builder.getNamedAttr("flops", builder.getI64IntegerAttr(cost.flops)),
          builder.getNamedAttr("bytes", builder.getI64IntegerAttr(cost.bytes)),
      }));

      Location loc = kernel.front()->getLoc();
      builder.setInsertionPoint(kernel.front());
      Value id = builder.create<arith::ConstantIntOp>(loc, index, 32);
      builder.create<func::CallOp>(loc, begin, ValueRange{context, id});
      builder.setInsertionPointAfter(kernel.back());
      builder.create<func::CallOp>(kernel.back()->getLoc(), end, ValueRange{context, id});
    }
    module->setAttr("kiln.profile_kernels", builder.getArrayAttr(table));
  }

  func::FuncOp getOrDeclare(ModuleOp module, StringRef name, FunctionType type) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(name)) {
      if (existing.getFunctionType() == type)
        return existing;
      existing.emitError() << "'" << name << "' is the runtime's profiling hook";
      return nullptr;
    }
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    auto declaration = builder.create<func::FuncOp>(module.getLoc(), name, type);
    declaration.setPrivate();
    return declaration;
  }
};

} // namespace
} // namespace kiln::codegen
