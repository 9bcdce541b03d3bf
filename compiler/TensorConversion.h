//===- TensorConversion.h - ONNX types and tensors to MLIR ------*- C++ -*-===//

#ifndef KILN_COMPILER_TENSORCONVERSION_H
#define KILN_COMPILER_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>

namespace onnx {
class TensorProto;
class TypeProto;
} // namespace onnx

namespace kiln {

/// The MLIR element type of an ONNX TensorProto::DataType, or a null Type for
/// types kiln does not handle (string, complex, float8).
mlir::Type convertElementType(mlir::MLIRContext *context, int32_t onnxType);

/// The ONNX name of a TensorProto::DataType ("FLOAT", "STRING"...).
std::string elementTypeName(int32_t onnxType);

/// A ranked tensor type for an ONNX value type; symbolic or missing
/// dimensions are dynamic. Null when the type is not a tensor, has no shape,
/// or has an unsupported element type.
mlir::RankedTensorType convertTensorType(mlir::MLIRContext *context,
                                         const onnx::TypeProto &type);

/// Turns ONNX tensors into MLIR constants. Raw data is handed over without a
/// copy where alignment allows (the bytes move out of the protobuf, or stay in
/// a memory-mapped external-data file that the blob keeps alive).
class TensorConverter {
public:
  TensorConverter(mlir::MLIRContext *context, std::string modelDirectory,
                  int64_t inlineLimit)
      : context(context), directory(std::move(modelDirectory)), inlineLimit(inlineLimit) {}

  /// `tensor` may be modified: its raw data is moved into the result.
  llvm::Expected<mlir::ElementsAttr> convert(onnx::TensorProto &tensor,
                                             llvm::StringRef blobName);

private:
  llvm::Expected<std::shared_ptr<llvm::MemoryBuffer>> mapFile(llvm::StringRef location);

  mlir::MLIRContext *context;
  std::string directory;
  int64_t inlineLimit;
  llvm::StringMap<std::shared_ptr<llvm::MemoryBuffer>> mappedFiles;
};

} // namespace kiln

#endif // KILN_COMPILER_TENSORCONVERSION_H
