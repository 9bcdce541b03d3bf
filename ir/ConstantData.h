//===- ConstantData.h - the bytes behind a constant tensor ------*- C++ -*-===//
//
// Weights are dense_resource blobs (a model's initializers, zero-copy) or
// inline dense attributes (small constants). Passes that compute with
// weights at compile time (folding, rearranging) read both the same way.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_CONSTANTDATA_H
#define KILN_IR_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <optional>

namespace kiln {

/// The row-major bytes of a non-splat constant, when the compiler holds them
/// (a dump printed without its weights has none). Booleans are bit-packed in
/// dense attributes, so they are not returned.
inline std::optional<llvm::ArrayRef<char>> getConstantBytes(mlir::ElementsAttr value) {
  if (auto resource = llvm::dyn_cast<mlir::DenseResourceElementsAttr>(value)) {
    mlir::AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    return blob->getData();
  }
  if (auto dense = llvm::dyn_cast<mlir::DenseElementsAttr>(value))
    if (!dense.isSplat() && !dense.getElementType().isInteger(1))
      return dense.getRawData();
  return std::nullopt;
}

} // namespace kiln

#endif // KILN_IR_CONSTANTDATA_H
