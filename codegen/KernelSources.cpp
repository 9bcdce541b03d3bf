//===- KernelSources.cpp - the ONNX nodes an op came from -----------------===//

#include "codegen/KernelSources.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace kiln::codegen {

void collectSourceNodes(Location loc, SmallVectorImpl<SourceNode> &nodes) {
  auto fused = dyn_cast<FusedLoc>(loc);
  if (!fused)
    return;
  // A node: fused<"OpType">[NameLoc]. Anything else fused (a kernel made of
  // several nodes, a location merged by a rewrite) is searched inside.
  if (auto opType = dyn_cast_or_null<StringAttr>(fused.getMetadata())) {
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner)) {
        SourceNode node{name.getName().str(), opType.str()};
        if (!llvm::is_contained(nodes, node))
          nodes.push_back(std::move(node));
      }
    return;
  }
  for (Location inner : fused.getLocations())
    collectSourceNodes(inner, nodes);
}

SmallVector<SourceNode> getSourceNodes(Operation *op) {
  SmallVector<SourceNode> nodes;
  // Post-order: a fused body lists the producers' ops before the consumer's,
  // and the kernel op itself (located at the consumer) comes last.
  op->walk([&](Operation *nested) {
    collectSourceNodes(nested->getLoc(), nodes);
  });
  return nodes;
}

/// Appends the node locations (fused<"OpType">[...]) inside `loc`.
static void collectNodeLocations(Location loc, llvm::SetVector<Location> &nodes) {
  auto fused = dyn_cast<FusedLoc>(loc);
  if (!fused)
    return;
  if (isa_and_nonnull<StringAttr>(fused.getMetadata())) {
    nodes.insert(loc);
    return;
  }
  for (Location inner : fused.getLocations())
    collectNodeLocations(inner, nodes);
}

Location getKernelLocation(Operation *op) {
  llvm::SetVector<Location> nodes;
  op->walk([&](Operation *nested) { collectNodeLocations(nested->getLoc(), nodes); });
  if (nodes.empty())
    return op->getLoc();
  // FusedLoc::get keeps a single location as it is and does not flatten
  // the nodes' own fused<"OpType"> locations.
  return FusedLoc::get(op->getContext(), nodes.getArrayRef());
}

std::string joinNodeNames(ArrayRef<SourceNode> nodes) {
  std::string text;
  for (const SourceNode &node : nodes)
    text += (text.empty() ? "" : " + ") + node.name;
  return text;
}

bool touchesMemory(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return false;
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return true;
  return llvm::any_of(*effects, [](const MemoryEffects::EffectInstance &effect) {
    return isa<MemoryEffects::Read, MemoryEffects::Write>(effect.getEffect());
  });
}

SmallVector<SmallVector<Operation *>>
groupKernels(Block &body, llvm::function_ref<bool(Operation *)> isKernelOp) {
  SmallVector<SmallVector<Operation *>> kernels;
  SmallVector<SourceNode> currentNodes;
  SmallVector<Operation *> pending;
  for (Operation &op : body) {
    if (!isKernelOp(&op))
      continue;
    SmallVector<SourceNode> nodes = getSourceNodes(&op);
    if (nodes.empty()) {
      pending.push_back(&op);
      continue;
    }
    if (kernels.empty() || nodes != currentNodes) {
      kernels.emplace_back();
      currentNodes = nodes;
    }
    kernels.back().append(pending.begin(), pending.end());
    pending.clear();
    kernels.back().push_back(&op);
  }
  if (!pending.empty())
    kernels.push_back(std::move(pending));
  return kernels;
}

std::vector<ProfileKernel> readProfileKernels(Operation *module) {
  std::vector<ProfileKernel> kernels;
  auto table = module->getAttrOfType<ArrayAttr>("kiln.profile_kernels");
  if (!table)
    return kernels;
  for (auto entry : table.getAsRange<DictionaryAttr>()) {
    ProfileKernel kernel;
    if (auto name = entry.getAs<StringAttr>("name"))
      kernel.name = name.str();
    auto names = entry.getAs<ArrayAttr>("nodes");
    auto opTypes = entry.getAs<ArrayAttr>("op_types");
    if (names && opTypes)
      for (auto [name, opType] : llvm::zip(names.getAsRange<StringAttr>(),
                                           opTypes.getAsRange<StringAttr>()))
        kernel.nodes.push_back({name.str(), opType.str()});
    if (auto flops = entry.getAs<IntegerAttr>("flops"))
      kernel.flops = flops.getInt();
    if (auto bytes = entry.getAs<IntegerAttr>("bytes"))
      kernel.bytes = bytes.getInt();
    kernels.push_back(std::move(kernel));
  }
  return kernels;
}

} // namespace kiln::codegen
