//===- PackWeights.cpp - one aligned blob for every constant buffer --------===//

#include "codegen/Passes.h"
#include "ir/KilnDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/MathExtras.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace kiln::codegen {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

constexpr int64_t kWeightAlignment = 64;

int64_t getElementBytes(Type elementType) {
  return std::max<int64_t>(1, (elementType.getIntOrFloatBitWidth() + 7) / 8);
}

/// Writes the contents of `value` (of a static shaped type) to `out` in the
/// in-memory layout generated code reads: row-major, i1 as one byte.
LogicalResult copyElements(ElementsAttr value, char *out, Location loc) {
  auto type = cast<ShapedType>(value.getType());
  int64_t count = type.getNumElements();
  int64_t elementBytes = getElementBytes(type.getElementType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitError(loc) << "weight '" << resource.getRawHandle().getKey()
                            << "' has no data (a dump printed without --print-weights elides "
                               "weights)";
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != count * elementBytes)
      return emitError(loc) << "weight '" << resource.getRawHandle().getKey() << "' holds "
                            << data.size() << " bytes, expected " << count * elementBytes;
    std::memcpy(out, data.data(), data.size());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return emitError(loc) << "unsupported constant payload " << value;
  if (type.getElementType().isInteger(1)) {
    // DenseElementsAttr packs booleans into bits.
    int64_t i = 0;
    for (bool bit : dense.getValues<bool>())
      out[i++] = bit ? 1 : 0;
    return success();
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(out + i * elementBytes, raw.data(), elementBytes);
    return success();
  }
  std::memcpy(out, raw.data(), count * elementBytes);
  return success();
}

struct PackWeightsPass : impl::PackWeightsBase<PackWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<memref::GlobalOp> weights;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (global.getConstant() && global.getInitialValue() &&
          isa<ElementsAttr>(*global.getInitialValue()) &&
          global.getType().hasStaticShape())
        weights.push_back(global);
    if (weights.empty())
      return;

    // Lay out, then fill the blob (one copy of every weight).
    llvm::StringMap<int64_t> offsets;
    int64_t size = 0;
    for (memref::GlobalOp global : weights) {
      MemRefType type = global.getType();
      offsets[global.getSymName()] = size;
      size += llvm::alignTo(type.getNumElements() * getElementBytes(type.getElementType()),
                      kWeightAlignment);
    }
    AsmResourceBlob blob = HeapAsmResourceBlob::allocate(
        std::max<int64_t>(size, 1), kWeightAlignment, /*dataIsMutable=*/true);
    MutableArrayRef<char> data = blob.getMutableData();
    std::memset(data.data(), 0, data.size());
    SmallVector<DenseResourceElementsHandle> packedSources;
    for (memref::GlobalOp global : weights) {
      auto value = cast<ElementsAttr>(*global.getInitialValue());
      if (failed(copyElements(value, data.data() + offsets[global.getSymName()],
                              global.getLoc())))
        return signalPassFailure();
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
        packedSources.push_back(resource.getRawHandle());
    }

    // Uses of the globals become references into the blob.
    SmallVector<memref::GetGlobalOp> uses;
    module.walk([&](memref::GetGlobalOp getGlobal) {
      if (offsets.count(getGlobal.getName()))
        uses.push_back(getGlobal);
    });
    for (memref::GetGlobalOp getGlobal : uses) {
      OpBuilder builder(getGlobal);
      auto ref = builder.create<lowlevel::WeightRefOp>(
          getGlobal.getLoc(), getGlobal.getType(),
          builder.getI64IntegerAttr(offsets[getGlobal.getName()]));
      getGlobal.getResult().replaceAllUsesWith(ref.getResult());
      getGlobal.erase();
    }
    for (memref::GlobalOp global : weights)
      global.erase();

    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToStart(module.getBody());
    auto blobType = RankedTensorType::get({static_cast<int64_t>(data.size())},
                                          builder.getI8Type());
    auto blobAttr = DenseResourceElementsAttr::get(blobType, "kiln_weights", std::move(blob));
    auto global = builder.create<memref::GlobalOp>(
        module.getLoc(), "kiln_weights", builder.getStringAttr("private"),
        MemRefType::get(blobType.getShape(), builder.getI8Type()), blobAttr,
        /*constant=*/true, builder.getI64IntegerAttr(kWeightAlignment));
    (void)global;
    module->setAttr("kiln.weights_size", builder.getI64IntegerAttr(size));

    // The sources are now dead; drop their data so weights are held once.
    for (DenseResourceElementsHandle &handle : packedSources)
      handle.getResource()->setBlob(AsmResourceBlob());
  }
};

} // namespace
} // namespace kiln::codegen
