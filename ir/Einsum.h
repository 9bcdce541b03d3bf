//===- Einsum.h - parsed Einstein-summation equations -----------*- C++ -*-===//
//
// graph.einsum's result-type inference and its lowering both need the
// equation's structure; it is parsed here once.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_EINSUM_H
#define KILN_IR_EINSUM_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace kiln::graph {

/// An equation with every dimension named by a label id. The ellipsis
/// dimensions come first as ids 0 .. numEllipsisDims-1 (right-aligned across
/// operands, as numpy broadcasts them), followed by one id per letter in ASCII
/// order, so sorting ids gives numpy's implicit result order.
struct EinsumEquation {
  /// Label of each dimension of each operand.
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>> operandLabels;
  /// Labels of the result dimensions (none repeats).
  llvm::SmallVector<int64_t, 4> resultLabels;
  /// Size of every label (the broadcast size for ellipsis labels);
  /// ShapedType::kDynamic when an operand leaves it unknown.
  llvm::SmallVector<int64_t> labelSizes;
  int64_t numEllipsisDims = 0;

  int64_t numLabels() const { return static_cast<int64_t>(labelSizes.size()); }
  /// The result shape, from the label sizes.
  llvm::SmallVector<int64_t> resultShape() const;
};

/// Parses `equation` for operands of the given types. Spaces are ignored.
/// Returns std::nullopt with a message in `error` when the equation is
/// malformed or does not match the operands (wrong count, rank, or sizes).
std::optional<EinsumEquation> parseEinsumEquation(llvm::StringRef equation,
                                                  llvm::ArrayRef<mlir::RankedTensorType> operands,
                                                  std::string &error);

} // namespace kiln::graph

#endif // KILN_IR_EINSUM_H
