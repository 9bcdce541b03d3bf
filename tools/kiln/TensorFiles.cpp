//===- TensorFiles.cpp - .npy and ONNX TensorProto files for kiln run ------===//

#include "tools/kiln/TensorFiles.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <fmt/format.h>

namespace kiln {

static llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t HostTensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

int64_t getDtypeBytes(int32_t dtype) {
  switch (dtype) {
  case 2: case 3: case 9: return 1;
  case 4: case 5: case 10: case 16: return 2;
  case 1: case 6: case 12: return 4;
  case 7: case 11: case 13: return 8;
  default: return 0;
  }
}

struct NpyType {
  const char *descr;
  int32_t dtype;
};
static const NpyType kNpyTypes[] = {
    {"<f4", 1}, {"|u1", 2}, {"|i1", 3}, {"<u2", 4}, {"<i2", 5},  {"<i4", 6},  {"<i8", 7},
    {"|b1", 9}, {"<f2", 10}, {"<f8", 11}, {"<u4", 12}, {"<u8", 13},
};

llvm::Expected<HostTensor> readNpy(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read '" + path + "': " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return makeError("'" + path + "' is not a .npy file");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(bytes[8]) |
                   (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else {
    if (bytes.size() < 12)
      return makeError("'" + path + "' is truncated");
    headerLength = 0;
    for (int i = 0; i < 4; ++i)
      headerLength |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    headerStart = 12;
  }
  if (headerStart + headerLength > bytes.size())
    return makeError("'" + path + "' is truncated");
  llvm::StringRef header = bytes.substr(headerStart, headerLength);
  auto field = [&](llvm::StringRef key) -> llvm::StringRef {
    size_t at = header.find(key);
    if (at == llvm::StringRef::npos)
      return {};
    llvm::StringRef rest = header.substr(at + key.size()).ltrim(" :");
    return rest;
  };
  HostTensor tensor;
  llvm::StringRef descr = field("'descr'");
  if (descr.starts_with("'")) {
    llvm::StringRef value = descr.drop_front().take_until([](char c) { return c == '\''; });
    for (const NpyType &type : kNpyTypes)
      if (value == type.descr || (value.size() == 3 && value[0] == '=' &&
                                  value.substr(1) == llvm::StringRef(type.descr).substr(1)))
        tensor.dtype = type.dtype;
    if (tensor.dtype == 0)
      return makeError("'" + path + "': unsupported .npy dtype '" + value.str() + "'");
  }
  if (field("'fortran_order'").starts_with("True"))
    return makeError("'" + path + "': Fortran-order arrays are not supported");
  llvm::StringRef shape = field("'shape'");
  if (!shape.starts_with("("))
    return makeError("'" + path + "': malformed .npy header");
  shape = shape.drop_front().take_until([](char c) { return c == ')'; });
  llvm::SmallVector<llvm::StringRef> parts;
  shape.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t size;
    if (part.getAsInteger(10, size))
      return makeError("'" + path + "': malformed shape in .npy header");
    tensor.shape.push_back(size);
  }
  size_t dataStart = headerStart + headerLength;
  size_t expected = static_cast<size_t>(tensor.getNumElements() * getDtypeBytes(tensor.dtype));
  if (bytes.size() - dataStart < expected)
    return makeError(fmt::format("'{}' holds {} data bytes, its header says {}", path,
                                 bytes.size() - dataStart, expected));
  tensor.data.assign(bytes.begin() + dataStart, bytes.begin() + dataStart + expected);
  return tensor;
}

llvm::Error writeNpy(const std::string &path, const HostTensor &tensor) {
  const char *descr = nullptr;
  for (const NpyType &type : kNpyTypes)
    if (type.dtype == tensor.dtype)
      descr = type.descr;
  if (!descr)
    return makeError("cannot write dtype " + std::to_string(tensor.dtype) + " as .npy");
  std::string shape;
  for (int64_t size : tensor.shape)
    shape += std::to_string(size) + ", ";
  if (tensor.shape.size() > 1)
    shape.resize(shape.size() - 2);
  else if (tensor.shape.size() == 1)
    shape.resize(shape.size() - 1);
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, shape);
  // Pad so the data starts at a multiple of 64 bytes, ending in a newline.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (error)
    return makeError("cannot write '" + path + "': " + error.message());
  os << "\x93NUMPY" << '\x01' << '\x00';
  os << static_cast<char>(header.size() & 0xff) << static_cast<char>(header.size() >> 8);
  os << header;
  os.write(tensor.data.data(), tensor.data.size());
  return llvm::Error::success();
}

llvm::Expected<HostTensor> readTensorProto(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read '" + path + "': " + buffer.getError().message());
  onnx::TensorProto proto;
  if (!proto.ParseFromArray((*buffer)->getBufferStart(),
                            static_cast<int>((*buffer)->getBufferSize())))
    return makeError("'" + path + "' is not a serialized onnx.TensorProto");
  HostTensor tensor;
  tensor.dtype = proto.data_type();
  if (proto.has_data_location() && proto.data_location() == onnx::TensorProto::EXTERNAL)
    return makeError("'" + path + "': tensors with external data are not supported here");
  for (int64_t size : proto.dims()) {
    if (size < 0)
      return makeError(fmt::format("'{}': negative dimension {}", path, size));
    tensor.shape.push_back(size);
  }
  int64_t elementBytes = getDtypeBytes(tensor.dtype);
  if (elementBytes == 0)
    return makeError(fmt::format("'{}': unsupported tensor data type {} (is it a tensor, not "
                                 "a sequence or optional?)",
                                 path, tensor.dtype));
  int64_t count = tensor.getNumElements();
  // Every element is stored in the file, so its size bounds a sane count
  // (this rejects sequences and optionals parsed as tensors).
  int64_t storedValues = proto.has_raw_data() ? static_cast<int64_t>(proto.raw_data().size()) / elementBytes
                         : std::max({proto.float_data_size(), proto.int32_data_size(),
                                     proto.int64_data_size(), proto.double_data_size(),
                                     proto.uint64_data_size()});
  if (count != storedValues)
    return makeError(fmt::format("'{}' holds {} values, its shape says {}", path, storedValues,
                                 count));
  tensor.data.resize(static_cast<size_t>(count * elementBytes));
  if (proto.has_raw_data()) {
    if (static_cast<int64_t>(proto.raw_data().size()) != count * elementBytes)
      return makeError(fmt::format("'{}': raw_data holds {} bytes, expected {}", path,
                                   proto.raw_data().size(), count * elementBytes));
    std::memcpy(tensor.data.data(), proto.raw_data().data(), tensor.data.size());
    return tensor;
  }
  auto checkCount = [&](int64_t have) -> llvm::Error {
    if (have != count)
      return makeError(fmt::format("'{}' holds {} values, its shape says {}", path, have, count));
    return llvm::Error::success();
  };
  char *out = tensor.data.data();
  switch (tensor.dtype) {
  case 1:
    if (auto error = checkCount(proto.float_data_size()))
      return std::move(error);
    std::memcpy(out, proto.float_data().data(), tensor.data.size());
    break;
  case 11:
    if (auto error = checkCount(proto.double_data_size()))
      return std::move(error);
    std::memcpy(out, proto.double_data().data(), tensor.data.size());
    break;
  case 7:
    if (auto error = checkCount(proto.int64_data_size()))
      return std::move(error);
    std::memcpy(out, proto.int64_data().data(), tensor.data.size());
    break;
  case 12: case 13:
    if (auto error = checkCount(proto.uint64_data_size()))
      return std::move(error);
    for (int64_t i = 0; i < count; ++i) {
      uint64_t value = proto.uint64_data(static_cast<int>(i));
      std::memcpy(out + i * elementBytes, &value, static_cast<size_t>(elementBytes));
    }
    break;
  default:
    // int32, int16, int8, uint16, uint8, bool, float16 live in int32_data.
    if (auto error = checkCount(proto.int32_data_size()))
      return std::move(error);
    for (int64_t i = 0; i < count; ++i) {
      int32_t value = proto.int32_data(static_cast<int>(i));
      std::memcpy(out + i * elementBytes, &value, static_cast<size_t>(elementBytes));
    }
    break;
  }
  return tensor;
}

llvm::Expected<HostTensor> readTensorFile(const std::string &path) {
  if (llvm::StringRef(path).ends_with(".npy"))
    return readNpy(path);
  if (llvm::StringRef(path).ends_with(".pb"))
    return readTensorProto(path);
  auto npy = readNpy(path);
  if (npy)
    return npy;
  llvm::consumeError(npy.takeError());
  return readTensorProto(path);
}

static double halfToDouble(uint16_t bits) {
  int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  double value;
  if (exponent == 0)
    value = std::ldexp(mantissa, -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = std::ldexp(mantissa + 1024, exponent - 25);
  return sign ? -value : value;
}

double getElementAsDouble(const HostTensor &tensor, int64_t index) {
  const char *at = tensor.data.data() + index * getDtypeBytes(tensor.dtype);
  auto load = [&](auto zero) {
    decltype(zero) value;
    std::memcpy(&value, at, sizeof(value));
    return static_cast<double>(value);
  };
  switch (tensor.dtype) {
  case 1: return load(float());
  case 2: return load(uint8_t());
  case 3: return load(int8_t());
  case 4: return load(uint16_t());
  case 5: return load(int16_t());
  case 6: return load(int32_t());
  case 7: return load(int64_t());
  case 9: return load(uint8_t()) != 0;
  case 10: {
    uint16_t bits;
    std::memcpy(&bits, at, 2);
    return halfToDouble(bits);
  }
  case 11: return load(double());
  case 12: return load(uint32_t());
  case 13: return load(uint64_t());
  case 16: {
    uint16_t bits;
    std::memcpy(&bits, at, 2);
    uint32_t wide = static_cast<uint32_t>(bits) << 16;
    float value;
    std::memcpy(&value, &wide, 4);
    return value;
  }
  default: return 0;
  }
}

void fillDeterministic(HostTensor &tensor) {
  int64_t count = tensor.getNumElements();
  int64_t elementBytes = getDtypeBytes(tensor.dtype);
  tensor.data.assign(static_cast<size_t>(count * elementBytes), 0);
  char *out = tensor.data.data();
  for (int64_t i = 0; i < count; ++i) {
    double pattern = static_cast<double>((i * 7919) % 2001 - 1000) / 1000.0;
    int64_t integer = i % 10;
    auto store = [&](auto value) { std::memcpy(out + i * elementBytes, &value, sizeof(value)); };
    switch (tensor.dtype) {
    case 1: store(static_cast<float>(pattern)); break;
    case 11: store(pattern); break;
    case 10: store(static_cast<_Float16>(pattern)); break;
    case 16: {
      float value = static_cast<float>(pattern);
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      store(static_cast<uint16_t>(bits >> 16));
      break;
    }
    case 9: store(static_cast<uint8_t>(i % 2)); break;
    case 2: store(static_cast<uint8_t>(integer)); break;
    case 3: store(static_cast<int8_t>(integer)); break;
    case 4: store(static_cast<uint16_t>(integer)); break;
    case 5: store(static_cast<int16_t>(integer)); break;
    case 6: store(static_cast<int32_t>(integer)); break;
    case 12: store(static_cast<uint32_t>(integer)); break;
    case 7: store(static_cast<int64_t>(integer)); break;
    case 13: store(static_cast<uint64_t>(integer)); break;
    }
  }
}

} // namespace kiln
