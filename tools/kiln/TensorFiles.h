//===- TensorFiles.h - .npy and ONNX TensorProto files for kiln run -*- C++ -*-===//

#ifndef KILN_TOOLS_KILN_TENSORFILES_H
#define KILN_TOOLS_KILN_TENSORFILES_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// A dense, row-major tensor in host memory.
struct HostTensor {
  int32_t dtype = 0; // ONNX TensorProto.DataType
  std::vector<int64_t> shape;
  std::vector<char> data;

  int64_t getNumElements() const;
};

/// Reads a NumPy .npy file (little-endian, C order, version 1-3).
llvm::Expected<HostTensor> readNpy(const std::string &path);
/// Reads a serialized onnx.TensorProto (.pb), raw or typed fields.
llvm::Expected<HostTensor> readTensorProto(const std::string &path);
/// Reads .npy or .pb by extension (other extensions: tries both).
llvm::Expected<HostTensor> readTensorFile(const std::string &path);

llvm::Error writeNpy(const std::string &path, const HostTensor &tensor);

/// Size in bytes of one element of an ONNX dtype (0 if unsupported).
int64_t getDtypeBytes(int32_t dtype);

/// The value of element `index` as a double (for comparisons).
double getElementAsDouble(const HostTensor &tensor, int64_t index);

/// Fills `tensor` (dtype, shape set) with kiln run's documented deterministic
/// pattern: element i of a float tensor is ((i * 7919) % 2001 - 1000) / 1000,
/// in [-1, 1]; integer tensors get i % 10; booleans i % 2 (float16/bfloat16: the float
/// pattern rounded).
void fillDeterministic(HostTensor &tensor);

} // namespace kiln

#endif // KILN_TOOLS_KILN_TENSORFILES_H
