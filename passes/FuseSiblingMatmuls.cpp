//===- FuseSiblingMatmuls.cpp - products of one activation fused along N --===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/ConstantValues.h"
#include "passes/Passes.h"

#include "ir/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace kiln {
#define GEN_PASS_DEF_FUSESIBLINGMATMULS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

Value createIndex(OpBuilder &builder, Location loc, int64_t value) {
  auto type = RankedTensorType::get({1}, builder.getI64Type());
  return builder.create<graph::ConstantOp>(loc, DenseElementsAttr::get(type, ArrayRef(value)));
}

/// A product `lhs x W (+ bias)` that can take part in a fused one: W is a
/// constant [K, N] (or [N, K] for Gemm's transB), the bias a constant that
/// varies along N only.
struct Member {
  Operation *product;
  /// The Add of a constant bias that reads the product and nothing else.
  Operation *biasAdd = nullptr;
  /// Row-major [K, N].
  SmallVector<float> weight;
  /// N values, or empty when there is no bias.
  SmallVector<float> bias;
  int64_t reduced; // K
  int64_t columns; // N

  /// The value the rest of the graph reads.
  Value result() const { return (biasAdd ? biasAdd : product)->getResult(0); }
  RankedTensorType productType() const {
    return cast<RankedTensorType>(product->getResult(0).getType());
  }
};

/// A 2-D f32 weight as [K, N], transposed from [N, K] at compile time.
std::optional<SmallVector<float>> readWeight(Value value, bool transposed, int64_t &reduced,
                                             int64_t &columns) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != 2)
    return std::nullopt;
  std::optional<SmallVector<float>> values = readF32Constant(value);
  if (!values)
    return std::nullopt;
  reduced = type.getDimSize(transposed ? 1 : 0);
  columns = type.getDimSize(transposed ? 0 : 1);
  if (!transposed)
    return values;
  SmallVector<float> rows(values->size());
  for (int64_t n = 0; n < columns; ++n)
    for (int64_t k = 0; k < reduced; ++k)
      rows[k * columns + n] = (*values)[n * reduced + k];
  return rows;
}

/// The N values of a bias that broadcasts along N only (Gemm's C of shape
/// [], [1], [N] or [1, N]; an Add's 1-D operand).
std::optional<SmallVector<float>> readBias(Value value, int64_t columns) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() > 2 || !type.hasStaticShape())
    return std::nullopt;
  std::optional<SmallVector<float>> values = readF32Constant(value);
  if (!values)
    return std::nullopt;
  if (values->size() == 1)
    return SmallVector<float>(columns, values->front());
  if (type.getRank() == 0 || type.getShape().back() != columns ||
      static_cast<int64_t>(values->size()) != columns)
    return std::nullopt;
  return values;
}

/// The Add that only adds a constant 1-D bias to `member`'s product.
void absorbBiasAdd(Member &member) {
  Value product = member.product->getResult(0);
  if (!product.hasOneUse())
    return;
  auto add = dyn_cast<graph::AddOp>(*product.user_begin());
  if (!add || add.getType() != product.getType())
    return;
  Value bias = add.getLhs() == product ? add.getRhs() : add.getLhs();
  auto biasType = dyn_cast<RankedTensorType>(bias.getType());
  if (!biasType || biasType.getRank() != 1)
    return;
  if (std::optional<SmallVector<float>> values = readBias(bias, member.columns)) {
    member.biasAdd = add;
    member.bias = std::move(*values);
  }
}

std::optional<Member> matchMember(Operation *op) {
  Member member;
  member.product = op;
  Value lhs = op->getOperand(0);
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!lhsType || !lhsType.getElementType().isF32() || !resultType)
    return std::nullopt;
  std::optional<SmallVector<float>> weight;
  if (auto matmul = dyn_cast<graph::MatMulOp>(op)) {
    weight = readWeight(matmul.getRhs(), /*transposed=*/false, member.reduced, member.columns);
  } else {
    auto gemm = cast<graph::GemmOp>(op);
    // alpha, beta and transA would each need their own rewrite; exporters
    // emit Linear layers as alpha = beta = 1, transA = 0.
    if (gemm.getTransA() || !gemm.getAlpha().isExactlyValue(1.0) ||
        (gemm.getC() && !gemm.getBeta().isExactlyValue(1.0)))
      return std::nullopt;
    weight = readWeight(gemm.getB(), gemm.getTransB(), member.reduced, member.columns);
    if (weight && gemm.getC()) {
      std::optional<SmallVector<float>> bias = readBias(gemm.getC(), member.columns);
      if (!bias)
        return std::nullopt;
      member.bias = std::move(*bias);
    }
  }
  if (!weight || resultType.getRank() == 0 || resultType.getShape().back() != member.columns)
    return std::nullopt;
  member.weight = std::move(*weight);
  if (member.bias.empty())
    absorbBiasAdd(member);
  return member;
}

/// Adds the constants that `op` reads to `constants`.
void collectConstantOperands(Operation *op, llvm::SetVector<Operation *> &constants) {
  for (Value operand : op->getOperands())
    if (auto constant = operand.getDefiningOp<graph::ConstantOp>())
      constants.insert(constant);
}

/// Replaces `members` (at least two, in program order, one block, sharing
/// their left operand, K and leading result dimensions) by one product with
/// the weights side by side along N, and a slice of it per member.
void fuse(IRRewriter &rewriter, ArrayRef<Member> members) {
  const Member &first = members.front();
  int64_t reduced = first.reduced;
  int64_t totalColumns = 0;
  bool hasBias = false;
  bool allGemm = true;
  SmallVector<Location> productLocs, addLocs;
  for (const Member &member : members) {
    totalColumns += member.columns;
    hasBias |= !member.bias.empty();
    allGemm &= isa<graph::GemmOp>(member.product);
    productLocs.push_back(member.product->getLoc());
    if (member.biasAdd)
      addLocs.push_back(member.biasAdd->getLoc());
  }

  SmallVector<float> weight(reduced * totalColumns);
  SmallVector<float> bias(hasBias ? totalColumns : 0, 0.0f);
  int64_t offset = 0;
  for (const Member &member : members) {
    for (int64_t k = 0; k < reduced; ++k)
      std::copy_n(member.weight.begin() + k * member.columns, member.columns,
                  weight.begin() + k * totalColumns + offset);
    if (!member.bias.empty())
      std::copy(member.bias.begin(), member.bias.end(), bias.begin() + offset);
    offset += member.columns;
  }

  // A Gemm takes the bias in; a MatMul is followed by one Add, as the
  // members were.
  if (allGemm)
    productLocs.append(addLocs);
  Location productLoc = rewriter.getFusedLoc(productLocs);
  rewriter.setInsertionPoint(first.product);
  Type f32 = rewriter.getF32Type();
  Value weightValue =
      createF32Constant(rewriter, productLoc, RankedTensorType::get({reduced, totalColumns}, f32),
                   weight, "fused_weight");
  Value biasValue;
  if (hasBias)
    biasValue = createF32Constant(rewriter, productLoc, RankedTensorType::get({totalColumns}, f32), bias,
                             "fused_bias");
  SmallVector<int64_t> shape(first.productType().getShape());
  shape.back() = totalColumns;
  auto fusedType = RankedTensorType::get(shape, f32);
  Value lhs = first.product->getOperand(0);
  Value fused;
  if (allGemm) {
    fused = rewriter.create<graph::GemmOp>(productLoc, fusedType, lhs, weightValue, biasValue,
                                           APFloat(1.0f), APFloat(1.0f));
  } else {
    fused = rewriter.create<graph::MatMulOp>(productLoc, fusedType, lhs, weightValue);
    if (hasBias) {
      Location addLoc = addLocs.empty() ? productLoc : rewriter.getFusedLoc(addLocs);
      fused = rewriter.create<graph::AddOp>(addLoc, fusedType, fused, biasValue);
    }
  }

  llvm::SmallDenseMap<int64_t, Value> indices;
  auto index = [&](int64_t value) {
    Value &constant = indices[value];
    if (!constant)
      constant = createIndex(rewriter, productLoc, value);
    return constant;
  };
  Value axis = index(fusedType.getRank() - 1);
  Value step = index(1);
  Value start = index(0);
  SmallVector<Value> slices;
  offset = 0;
  for (const Member &member : members) {
    offset += member.columns;
    Value end = index(offset);
    slices.push_back(rewriter.create<graph::SliceOp>(
        member.result().getLoc(), member.result().getType(), fused, start, end, axis, step));
    start = end;
  }

  // Erased only now: the first product was the insertion point.
  llvm::SetVector<Operation *> oldConstants;
  for (auto [member, slice] : llvm::zip_equal(members, slices)) {
    collectConstantOperands(member.product, oldConstants);
    rewriter.replaceAllUsesWith(member.result(), slice);
    if (member.biasAdd) {
      collectConstantOperands(member.biasAdd, oldConstants);
      rewriter.eraseOp(member.biasAdd);
    }
    rewriter.eraseOp(member.product);
  }
  // Constants nobody reads any more would otherwise stay until the next
  // canonicalization (and in this stage's dump).
  for (Operation *constant : oldConstants)
    if (constant->use_empty())
      rewriter.eraseOp(constant);
}

/// The products of one left operand that can be fused, in groups that can
/// share one product.
SmallVector<SmallVector<Member>> groupSiblings(ArrayRef<Operation *> products) {
  SmallVector<SmallVector<Member>> groups;
  for (Operation *op : products) {
    std::optional<Member> member = matchMember(op);
    if (!member)
      continue;
    auto sameGroup = [&](const SmallVector<Member> &group) {
      const Member &other = group.front();
      return other.product->getBlock() == op->getBlock() && other.reduced == member->reduced &&
             other.productType().getShape().drop_back() ==
                 member->productType().getShape().drop_back();
    };
    auto *group = llvm::find_if(groups, sameGroup);
    if (group == groups.end())
      group = &groups.emplace_back();
    group->push_back(std::move(*member));
  }
  for (SmallVector<Member> &group : groups)
    llvm::sort(group, [](const Member &a, const Member &b) {
      return a.product->isBeforeInBlock(b.product);
    });
  return groups;
}

struct FuseSiblingMatmulsPass : impl::FuseSiblingMatmulsBase<FuseSiblingMatmulsPass> {
  void runOnOperation() override {
    llvm::MapVector<Value, SmallVector<Operation *>> productsOfLhs;
    getOperation().walk([&](Operation *op) {
      if (isa<graph::MatMulOp, graph::GemmOp>(op))
        productsOfLhs[op->getOperand(0)].push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (auto &entry : productsOfLhs) {
      if (entry.second.size() < 2)
        continue;
      for (SmallVector<Member> &group : groupSiblings(entry.second))
        if (group.size() > 1)
          fuse(rewriter, group);
    }
  }
};

} // namespace
} // namespace kiln
