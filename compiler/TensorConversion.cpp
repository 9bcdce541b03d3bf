//===- TensorConversion.cpp - ONNX types and tensors to MLIR --------------===//

#include "compiler/TensorConversion.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace kiln {

Type convertElementType(MLIRContext *context, int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::DOUBLE: return b.getF64Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case onnx::TensorProto::INT8: return b.getIntegerType(8);
  case onnx::TensorProto::INT16: return b.getIntegerType(16);
  case onnx::TensorProto::INT32: return b.getIntegerType(32);
  case onnx::TensorProto::INT64: return b.getIntegerType(64);
  case onnx::TensorProto::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16: return b.getIntegerType(16, false);
  case onnx::TensorProto::UINT32: return b.getIntegerType(32, false);
  case onnx::TensorProto::UINT64: return b.getIntegerType(64, false);
  case onnx::TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

std::string elementTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "type " + std::to_string(onnxType);
}

RankedTensorType convertTensorType(MLIRContext *context, const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return {};
  Type element = convertElementType(context, type.tensor_type().elem_type());
  if (!element)
    return {};
  SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value()
                                                                : ShapedType::kDynamic);
  return RankedTensorType::get(shape, element);
}

static llvm::Error tensorError(const onnx::TensorProto &tensor, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "tensor '" + tensor.name() + "': " + message.str());
}

/// Bytes one element of `type` takes in ONNX raw data.
static int64_t rawElementBytes(Type type) {
  if (type.isInteger(1))
    return 1;
  return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
}

/// Builds a DenseElementsAttr from ONNX's typed repeated fields.
static llvm::Expected<ElementsAttr> fromTypedFields(const onnx::TensorProto &tensor,
                                                    RankedTensorType type) {
  int64_t count = type.getNumElements();
  auto sizeError = [&](int64_t got) {
    return tensorError(tensor, "holds " + llvm::Twine(got) + " values but its shape needs " +
                                   llvm::Twine(count));
  };
  Type element = type.getElementType();
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT: {
    if (tensor.float_data_size() != count)
      return sizeError(tensor.float_data_size());
    return ElementsAttr(DenseElementsAttr::get(
        type, ArrayRef<float>(tensor.float_data().data(), count)));
  }
  case onnx::TensorProto::DOUBLE: {
    if (tensor.double_data_size() != count)
      return sizeError(tensor.double_data_size());
    return ElementsAttr(DenseElementsAttr::get(
        type, ArrayRef<double>(tensor.double_data().data(), count)));
  }
  case onnx::TensorProto::INT64: {
    if (tensor.int64_data_size() != count)
      return sizeError(tensor.int64_data_size());
    return ElementsAttr(DenseElementsAttr::get(
        type, ArrayRef<int64_t>(tensor.int64_data().data(), count)));
  }
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64: {
    if (tensor.uint64_data_size() != count)
      return sizeError(tensor.uint64_data_size());
    SmallVector<APInt> values;
    for (uint64_t v : tensor.uint64_data())
      values.push_back(APInt(element.getIntOrFloatBitWidth(), v));
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  case onnx::TensorProto::BOOL: {
    if (tensor.int32_data_size() != count)
      return sizeError(tensor.int32_data_size());
    SmallVector<bool> values(tensor.int32_data().begin(), tensor.int32_data().end());
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    // int32_data holds the 16-bit patterns.
    if (tensor.int32_data_size() != count)
      return sizeError(tensor.int32_data_size());
    SmallVector<APFloat> values;
    const auto &semantics = cast<FloatType>(element).getFloatSemantics();
    for (int32_t bits : tensor.int32_data())
      values.push_back(APFloat(semantics, APInt(16, static_cast<uint16_t>(bits))));
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  default: {
    // INT8/16/32 and UINT8/16 travel in int32_data.
    if (tensor.int32_data_size() != count)
      return sizeError(tensor.int32_data_size());
    SmallVector<APInt> values;
    for (int32_t v : tensor.int32_data())
      values.push_back(APInt(64, static_cast<uint64_t>(int64_t(v)), /*isSigned=*/true)
                           .trunc(element.getIntOrFloatBitWidth()));
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  }
}

llvm::Expected<std::shared_ptr<llvm::MemoryBuffer>>
TensorConverter::mapFile(llvm::StringRef location) {
  auto it = mappedFiles.find(location);
  if (it != mappedFiles.end())
    return it->second;
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "external data location '" + location.str() +
                                       "' must be a relative path inside the model's "
                                       "directory");
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, location);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read external data file '" + path.str().str() +
                                       "': " + buffer.getError().message());
  std::shared_ptr<llvm::MemoryBuffer> shared = std::move(*buffer);
  mappedFiles[location] = shared;
  return shared;
}

/// A blob over `bytes` owned by `owner` (kept alive by the deleter), or a copy
/// when `bytes` is not aligned for the element type.
static AsmResourceBlob makeBlob(ArrayRef<char> bytes, size_t alignment,
                                std::shared_ptr<void> owner) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignment != 0)
    return HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignment);
  return UnmanagedAsmResourceBlob::allocateWithAlign(
      bytes, alignment, [owner = std::move(owner)](void *, size_t, size_t) mutable {
        owner.reset();
      });
}

llvm::Expected<ElementsAttr> TensorConverter::convert(onnx::TensorProto &tensor,
                                                      llvm::StringRef blobName) {
  Type element = convertElementType(context, tensor.data_type());
  if (!element)
    return tensorError(tensor, "element type " + elementTypeName(tensor.data_type()) +
                                   " is not supported");
  SmallVector<int64_t> shape;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return tensorError(tensor, "has a negative dimension " + llvm::Twine(d));
    shape.push_back(d);
  }
  auto type = RankedTensorType::get(shape, element);
  int64_t count = type.getNumElements();
  int64_t byteSize = count * rawElementBytes(element);
  size_t alignment = std::max<size_t>(1, rawElementBytes(element));

  // Locate the raw bytes, wherever ONNX keeps them.
  ArrayRef<char> bytes;
  std::shared_ptr<void> owner;
  bool external = tensor.data_location() == onnx::TensorProto::EXTERNAL;
  if (external) {
    std::string location;
    uint64_t offset = 0, length = uint64_t(byteSize);
    bool hasLength = false;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset" || entry.key() == "length") {
        uint64_t value = 0;
        if (llvm::StringRef(entry.value()).getAsInteger(10, value))
          return tensorError(tensor, "external data " + entry.key() + " '" + entry.value() +
                                         "' is not a number");
        (entry.key() == "offset" ? offset : length) = value;
        hasLength |= entry.key() == "length";
      }
    }
    if (location.empty())
      return tensorError(tensor, "external data has no location");
    auto file = mapFile(location);
    if (!file)
      return tensorError(tensor, llvm::toString(file.takeError()));
    if (hasLength && length != uint64_t(byteSize))
      return tensorError(tensor, "external data length " + llvm::Twine(length) +
                                     " does not match its shape (" + llvm::Twine(byteSize) +
                                     " bytes)");
    if (offset > (*file)->getBufferSize() ||
        uint64_t(byteSize) > (*file)->getBufferSize() - offset)
      return tensorError(tensor, "external data [" + llvm::Twine(offset) + ", +" +
                                     llvm::Twine(byteSize) + ") lies beyond the end of '" +
                                     location + "'");
    bytes = ArrayRef<char>((*file)->getBufferStart() + offset, byteSize);
    owner = *file;
  } else if (tensor.has_raw_data()) {
    if (int64_t(tensor.raw_data().size()) != byteSize)
      return tensorError(tensor, "raw data has " + llvm::Twine(tensor.raw_data().size()) +
                                     " bytes but its shape needs " + llvm::Twine(byteSize));
    // Take the bytes out of the protobuf so the blob can own them.
    auto data = std::shared_ptr<std::string>(tensor.release_raw_data());
    bytes = ArrayRef<char>(data->data(), data->size());
    owner = data;
  } else {
    return fromTypedFields(tensor, type);
  }

  if (byteSize <= inlineLimit || element.isInteger(1)) {
    if (element.isInteger(1)) {
      SmallVector<bool> values(bytes.begin(), bytes.end());
      return ElementsAttr(DenseElementsAttr::get(type, values));
    }
    bool isSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, bytes, isSplat))
      return tensorError(tensor, "raw data does not match its type");
    return ElementsAttr(DenseElementsAttr::getFromRawBuffer(type, bytes));
  }
  return ElementsAttr(DenseResourceElementsAttr::get(
      type, blobName, makeBlob(bytes, alignment, std::move(owner))));
}

} // namespace kiln
