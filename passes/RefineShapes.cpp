//===- RefineShapes.cpp - re-infer graph result types ---------------------===//
//
// Two steps. Forward: every graph op's result types are re-inferred from its
// (possibly refined) operands. Backward: sizes that only a consumer knows
// flow back to the op that made them. A model's declared output shape
// (which the importer gives the last op) can fix the length of a Range that
// the elementwise ops in between merely carry along; the next forward step,
// after the Range is static, then makes the whole chain static.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_REFINESHAPES
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

using DimKey = std::pair<Value, unsigned>;

/// Classes of (value, dimension) pairs that have one run-time size.
class DimClasses {
public:
  unsigned find(DimKey key) {
    auto [it, inserted] = ids.try_emplace(key, parent.size());
    if (inserted) {
      parent.push_back(it->second);
      keys.push_back(key);
    }
    unsigned id = it->second;
    while (parent[id] != id)
      id = parent[id] = parent[parent[id]];
    return id;
  }
  void unite(DimKey a, DimKey b) {
    unsigned ra = find(a), rb = find(b);
    if (ra != rb)
      parent[ra] = rb;
  }
  /// The static size of each class that has a member with one, unless its
  /// members disagree (a model that contradicts itself is left alone).
  DenseMap<unsigned, int64_t> staticSizes() {
    DenseMap<unsigned, int64_t> sizes;
    DenseMap<unsigned, bool> conflicting;
    for (DimKey key : keys) {
      int64_t size = cast<RankedTensorType>(key.first.getType()).getDimSize(key.second);
      if (ShapedType::isDynamic(size))
        continue;
      unsigned root = find(key);
      auto [it, inserted] = sizes.try_emplace(root, size);
      if (!inserted && it->second != size)
        conflicting[root] = true;
    }
    for (auto [root, bad] : conflicting)
      sizes.erase(root);
    return sizes;
  }

private:
  DenseMap<DimKey, unsigned> ids;
  SmallVector<unsigned> parent;
  SmallVector<DimKey> keys;
};

RankedTensorType rankedType(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }

/// Ops whose result has the shape of their first operand.
bool keepsFirstOperandShape(Operation *op) {
  return op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
         op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
         isa<graph::CastOp, graph::ClipOp, graph::IsNaNOp, graph::IsInfOp>(op);
}

/// Ops whose result is their operands broadcast with numpy rules.
bool broadcastsOperands(Operation *op) {
  return isa<graph::AddOp, graph::SubOp, graph::MulOp, graph::DivOp, graph::MaxOp,
             graph::MinOp, graph::ModOp, graph::PowOp, graph::PReluOp, graph::BitShiftOp,
             graph::EqualOp, graph::LessOp, graph::LessOrEqualOp, graph::GreaterOp,
             graph::GreaterOrEqualOp, graph::AndOp, graph::OrOp, graph::XorOp,
             graph::WhereOp>(op);
}

/// Records which dimensions of elementwise ops are equal to which operand
/// dimensions. A broadcast result dimension equals its operands' only when
/// every operand that has it (and is not statically 1) is known to share one
/// size; a static operand size fixes the result forward already.
void collectDimClasses(Operation *op, DimClasses &classes) {
  if (op->getNumResults() != 1 || op->getNumOperands() == 0)
    return;
  Value result = op->getResult(0);
  RankedTensorType resultType = rankedType(result);
  if (!resultType)
    return;
  int64_t rank = resultType.getRank();
  if (keepsFirstOperandShape(op)) {
    Value input = op->getOperand(0);
    RankedTensorType inputType = rankedType(input);
    if (!inputType || inputType.getRank() != rank)
      return;
    for (int64_t d = 0; d < rank; ++d)
      classes.unite({input, unsigned(d)}, {result, unsigned(d)});
    return;
  }
  if (!broadcastsOperands(op))
    return;
  for (int64_t d = 0; d < rank; ++d) {
    SmallVector<DimKey> unknown;
    bool knownSize = false;
    for (Value operand : op->getOperands()) {
      RankedTensorType type = rankedType(operand);
      if (!type)
        return;
      int64_t offset = rank - type.getRank();
      if (d < offset)
        continue;
      int64_t size = type.getDimSize(d - offset);
      if (size == 1)
        continue;
      if (!ShapedType::isDynamic(size)) {
        knownSize = true;
        continue;
      }
      unknown.push_back({operand, unsigned(d - offset)});
    }
    if (knownSize || unknown.empty())
      continue;
    unsigned first = classes.find(unknown.front());
    if (llvm::all_of(unknown, [&](DimKey key) { return classes.find(key) == first; }))
      classes.unite(unknown.front(), {result, unsigned(d)});
  }
}

/// Gives ops whose result types are not just inferred from their operands
/// (range, constant_of_shape...) the static sizes their consumers imply.
/// Returns whether any type changed.
bool propagateSizesBackward(func::FuncOp func) {
  DimClasses classes;
  func.walk([&](Operation *op) {
    if (isa<graph::GraphDialect>(op->getDialect()))
      collectDimClasses(op, classes);
  });
  DenseMap<unsigned, int64_t> sizes = classes.staticSizes();
  if (sizes.empty())
    return false;
  bool changedAny = false;
  func.walk([&](Operation *op) {
    if (!isa<graph::GraphDialect>(op->getDialect()) ||
        (isa<InferTypeOpInterface>(op) &&
         !op->hasTrait<graph::OpTrait::RefinableResultTypes>()))
      return;
    for (Value result : op->getResults()) {
      RankedTensorType type = rankedType(result);
      if (!type || type.hasStaticShape())
        continue;
      SmallVector<int64_t> shape(type.getShape());
      bool changed = false;
      for (auto [d, size] : llvm::enumerate(shape)) {
        if (!ShapedType::isDynamic(size))
          continue;
        auto it = sizes.find(classes.find({result, unsigned(d)}));
        if (it != sizes.end()) {
          size = it->second;
          changed = true;
        }
      }
      if (changed)
        result.setType(RankedTensorType::get(shape, type.getElementType()));
      changedAny |= changed;
    }
  });
  return changedAny;
}

/// Re-infers every graph op's result types in program order, keeping the
/// inferred ones where they are strictly more static.
/// The length of a graph.range whose operands are constants.
std::optional<SmallVector<double>> getConstantScalar(Value value) {
  if (auto floats = graph::getConstantFloatValues(value))
    return floats;
  if (auto ints = graph::getConstantIntValues(value))
    return SmallVector<double>(ints->begin(), ints->end());
  return std::nullopt;
}

std::optional<int64_t> getConstantRangeLength(graph::RangeOp range) {
  auto start = getConstantScalar(range.getStart());
  auto limit = getConstantScalar(range.getLimit());
  auto delta = getConstantScalar(range.getDelta());
  if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 ||
      delta->size() != 1 || (*delta)[0] == 0)
    return std::nullopt;
  double count = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
  return static_cast<int64_t>(std::max(0.0, count));
}

bool refineForward(func::FuncOp func) {
  bool changed = false;
  func.walk([&](Operation *op) {
    // Range's length depends on its operands' values, not their types.
    if (auto range = dyn_cast<graph::RangeOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(range.getType());
      if (type && type.isDynamicDim(0))
        if (auto length = getConstantRangeLength(range)) {
          range.getResult().setType(RankedTensorType::get({*length}, type.getElementType()));
          changed = true;
        }
      return;
    }
    // Control flow: results follow constant trip counts and what the
    // bodies (visited first) now yield; bodies follow refined operands.
    if (isa<graph::IfOp, graph::LoopOp, graph::ScanOp>(op)) {
      if (auto ifOp = dyn_cast<graph::IfOp>(op))
        changed |= ifOp.refineTypes();
      else if (auto loop = dyn_cast<graph::LoopOp>(op))
        changed |= loop.refineTypes();
      else
        changed |= cast<graph::ScanOp>(op).refineTypes();
      return;
    }
    auto inferrable = dyn_cast<InferTypeOpInterface>(op);
    // Ops whose result type is tied to an operand (relu, clip...) follow
    // their refined operand the same way.
    if (!inferrable || !isa<graph::GraphDialect>(op->getDialect()))
      return;
    SmallVector<Type> inferred;
    if (failed(inferrable.inferReturnTypes(
            op->getContext(), std::nullopt, op->getOperands(), op->getAttrDictionary(),
            op->getPropertiesStorage(), op->getRegions(), inferred)))
      return;
    for (auto [result, type] : llvm::zip(op->getResults(), inferred))
      if (graph::isMoreRefinedType(type, result.getType())) {
        result.setType(type);
        changed = true;
      }
  });
  return changed;
}

constexpr int kMaxRounds = 64;

struct RefineShapesPass : impl::RefineShapesBase<RefineShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Refinement and folding feed each other: a refined shape folds a
    // graph.shape to a constant, which makes a later reshape static, whose
    // shape folds further down (a transformer's blocks chain this once per
    // block). Iterate to a fixed point.
    FrozenRewritePatternSet foldOnly{RewritePatternSet(&getContext())};
    GreedyRewriteConfig config;
    config.maxIterations = 4;
    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = refineForward(func);
      // Ops that take an operand's type exactly (graph.cos...) must follow a
      // backward-refined operand before the IR is verified again.
      if (propagateSizesBackward(func)) {
        refineForward(func);
        changed = true;
      }
      if (!changed)
        break;
      (void)applyPatternsAndFoldGreedily(func, foldOnly, config);
    }
    // Keep the signature in step with what the function now returns.
    Operation *terminator = func.getBody().back().getTerminator();
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                   terminator->getOperandTypes()));
  }
};

} // namespace
} // namespace kiln
