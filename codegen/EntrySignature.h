//===- EntrySignature.h - the model's inputs and outputs as C sees them -*- C++ -*-===//
//
// Captured from the graph-level function (where element types still say
// signed or unsigned) before lowering; the header writer and `kiln run` use it
// to name, size and type the buffers handed to NAME_run.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_ENTRYSIGNATURE_H
#define KILN_CODEGEN_ENTRYSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::codegen {

struct TensorSpec {
  /// The ONNX name, and a C identifier derived from it (unique per model).
  std::string name;
  std::string cName;
  /// ONNX TensorProto.DataType code (1 = float, 7 = int64, 9 = bool, ...).
  int32_t dtype = 0;
  /// The dimensions; for an output whose shape depends on the data, their
  /// upper bounds (the caller's buffer holds that many elements).
  std::vector<int64_t> shape;
  /// An output whose actual dimensions are known only after the call: the
  /// entry point writes them to an int64_t array of `shape.size()` entries
  /// (see kiln-bound-dynamic-results), and the elements, dense and row-major
  /// in those dimensions, to the start of the buffer.
  bool hasDynamicShape = false;
  /// For such an output, the C identifier of its dimensions array.
  std::string shapeCName;

  int64_t getNumElements() const;
  int64_t getElementBytes() const;
  int64_t getNumBytes() const { return getNumElements() * getElementBytes(); }
};

struct EntrySignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

/// The signature of `func`; fails naming the tensor when an input's shape is
/// dynamic or an element type has no ONNX equivalent. Dynamic output
/// dimensions are -1 until applyDynamicOutputBounds fills in their bounds.
llvm::Expected<EntrySignature> getEntrySignature(mlir::func::FuncOp func);

/// Completes `signature` (taken from the graph-level `func`) with the upper
/// bounds that kiln-bound-dynamic-results recorded on the bufferized `func`;
/// fails naming an output whose shape is still unknown.
llvm::Error applyDynamicOutputBounds(mlir::func::FuncOp func, EntrySignature &signature);

/// ONNX's name for a dtype code ("float32", "int64", ...).
const char *getDtypeName(int32_t dtype);

/// Turns any string into a C identifier ("input.1" -> "input_1").
std::string sanitizeIdentifier(llvm::StringRef name);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_ENTRYSIGNATURE_H
