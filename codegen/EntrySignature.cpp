//===- EntrySignature.cpp - the model's inputs and outputs as C sees them --===//

#include "codegen/EntrySignature.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSet.h"

#include <cctype>

using namespace mlir;

namespace kiln::codegen {

int64_t TensorSpec::getNumElements() const {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

int64_t TensorSpec::getElementBytes() const {
  switch (dtype) {
  case 2: case 3: case 9:
    return 1;
  case 4: case 5: case 10: case 16:
    return 2;
  case 1: case 6: case 12:
    return 4;
  default:
    return 8;
  }
}

const char *getDtypeName(int32_t dtype) {
  switch (dtype) {
  case 1: return "float32";
  case 2: return "uint8";
  case 3: return "int8";
  case 4: return "uint16";
  case 5: return "int16";
  case 6: return "int32";
  case 7: return "int64";
  case 9: return "bool";
  case 10: return "float16";
  case 11: return "float64";
  case 12: return "uint32";
  case 13: return "uint64";
  case 16: return "bfloat16";
  default: return "unknown";
  }
}

static int32_t getDtypeCode(Type type) {
  if (type.isF32()) return 1;
  if (type.isF16()) return 10;
  if (type.isF64()) return 11;
  if (type.isBF16()) return 16;
  if (type.isInteger(1)) return 9;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = intType.isUnsigned();
    switch (intType.getWidth()) {
    case 8: return isUnsigned ? 2 : 3;
    case 16: return isUnsigned ? 4 : 5;
    case 32: return isUnsigned ? 12 : 6;
    case 64: return isUnsigned ? 13 : 7;
    default: return 0;
    }
  }
  return 0;
}

std::string sanitizeIdentifier(llvm::StringRef name) {
  std::string result;
  for (char c : name)
    result += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (result.empty() || std::isdigit(static_cast<unsigned char>(result[0])))
    result = "t_" + result;
  return result;
}

static llvm::Expected<TensorSpec> getSpec(Type type, DictionaryAttr attrs, unsigned index,
                                          bool isInput) {
  TensorSpec spec;
  auto nameAttr = attrs ? attrs.getAs<StringAttr>("graph.name") : StringAttr();
  spec.name = nameAttr ? nameAttr.str()
                       : (isInput ? "input" : "output") + std::to_string(index);
  // Tensors before bufferization; memrefs in a bufferized module resumed
  // with --from=buffers.
  auto tensor = dyn_cast<ShapedType>(type);
  if (!tensor || !tensor.hasRank())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s '%s' is not a ranked tensor", isInput ? "input" : "output",
                                   spec.name.c_str());
  // Bounds of data-dependent output dimensions, recorded on a bufferized
  // function by kiln-bound-dynamic-results.
  auto maxShape = attrs ? attrs.getAs<DenseI64ArrayAttr>("kiln.max_shape") : DenseI64ArrayAttr();
  if (!isInput && (maxShape || !tensor.hasStaticShape()))
    spec.hasDynamicShape = true;
  if (isInput && !tensor.hasStaticShape())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s '%s' has a dynamic shape; specialize it with --input-shape NAME=DIMS",
        isInput ? "input" : "output", spec.name.c_str());
  spec.dtype = getDtypeCode(tensor.getElementType());
  if (spec.dtype == 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s '%s' has an element type kiln cannot pass to C",
                                   isInput ? "input" : "output", spec.name.c_str());
  if (maxShape)
    spec.shape.assign(maxShape.asArrayRef().begin(), maxShape.asArrayRef().end());
  else
    for (int64_t size : tensor.getShape())
      spec.shape.push_back(ShapedType::isDynamic(size) ? -1 : size);
  return spec;
}

llvm::Expected<EntrySignature> getEntrySignature(func::FuncOp func) {
  EntrySignature signature;
  FunctionType type = func.getFunctionType();
  unsigned outputIndex = 0;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    // Out-parameters of a bufferized function are its outputs.
    bool isOutput = static_cast<bool>(func.getArgAttr(i, "bufferize.result"));
    // The actual dimensions of a data-dependent output travel beside it.
    if (func.getArgAttr(i, "kiln.shape_of"))
      continue;
    auto spec = getSpec(type.getInput(i), func.getArgAttrDict(i),
                        isOutput ? outputIndex++ : i, !isOutput);
    if (!spec)
      return spec.takeError();
    (isOutput ? signature.outputs : signature.inputs).push_back(std::move(*spec));
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    if (func.getResultAttr(i, "kiln.shape_of"))
      continue;
    auto spec = getSpec(type.getResult(i), func.getResultAttrDict(i), i, false);
    if (!spec)
      return spec.takeError();
    signature.outputs.push_back(std::move(*spec));
  }
  // C names must be unique within the header's structs.
  llvm::StringSet<> used;
  auto uniquify = [&](TensorSpec &spec) {
    std::string base = sanitizeIdentifier(spec.name);
    std::string candidate = base;
    for (int suffix = 2; !used.insert(candidate).second; ++suffix)
      candidate = base + "_" + std::to_string(suffix);
    spec.cName = candidate;
  };
  for (TensorSpec &spec : signature.inputs)
    uniquify(spec);
  for (TensorSpec &spec : signature.outputs)
    uniquify(spec);
  for (TensorSpec &spec : signature.outputs)
    if (spec.hasDynamicShape) {
      std::string base = spec.cName + "_shape";
      std::string candidate = base;
      for (int suffix = 2; !used.insert(candidate).second; ++suffix)
        candidate = base + "_" + std::to_string(suffix);
      spec.shapeCName = candidate;
    }
  return signature;
}

llvm::Error applyDynamicOutputBounds(func::FuncOp func, EntrySignature &signature) {
  size_t output = 0;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (!func.getArgAttr(i, "bufferize.result") || func.getArgAttr(i, "kiln.shape_of"))
      continue;
    if (output >= signature.outputs.size())
      break;
    TensorSpec &spec = signature.outputs[output++];
    if (auto bounds = func.getArgAttrOfType<DenseI64ArrayAttr>(i, "kiln.max_shape")) {
      spec.shape.assign(bounds.asArrayRef().begin(), bounds.asArrayRef().end());
      spec.hasDynamicShape = true;
    }
  }
  for (const TensorSpec &spec : signature.outputs)
    if (llvm::is_contained(spec.shape, -1))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "output '%s' has a dynamic shape kiln could not bound",
                                     spec.name.c_str());
  return llvm::Error::success();
}

} // namespace kiln::codegen
