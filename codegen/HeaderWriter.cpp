//===- HeaderWriter.cpp - the C header NAME.h for a compiled model ---------===//

#include "codegen/HeaderWriter.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

#include <cctype>

namespace kiln::codegen {

static const char *getCType(int32_t dtype) {
  switch (dtype) {
  case 1: return "float";
  case 2: return "uint8_t";
  case 3: return "int8_t";
  case 4: return "uint16_t";
  case 5: return "int16_t";
  case 6: return "int32_t";
  case 7: return "int64_t";
  case 9: return "uint8_t"; /* ONNX bool: one byte, 0 or 1 */
  case 10: return "uint16_t"; /* IEEE half, as bits */
  case 11: return "double";
  case 12: return "uint32_t";
  case 13: return "uint64_t";
  case 16: return "uint16_t"; /* bfloat16, as bits */
  default: return "void";
  }
}

static const char *getDtypeMacro(int32_t dtype) {
  switch (dtype) {
  case 1: return "KILN_DTYPE_F32";
  case 2: return "KILN_DTYPE_U8";
  case 3: return "KILN_DTYPE_I8";
  case 4: return "KILN_DTYPE_U16";
  case 5: return "KILN_DTYPE_I16";
  case 6: return "KILN_DTYPE_I32";
  case 7: return "KILN_DTYPE_I64";
  case 9: return "KILN_DTYPE_BOOL";
  case 10: return "KILN_DTYPE_F16";
  case 11: return "KILN_DTYPE_F64";
  case 12: return "KILN_DTYPE_U32";
  case 13: return "KILN_DTYPE_U64";
  default: return "KILN_DTYPE_BF16";
  }
}

static std::string formatDims(const TensorSpec &spec) {
  std::string dims;
  for (int64_t size : spec.shape)
    dims += fmt::format("[{}]", size);
  if (spec.hasDynamicShape)
    return "at most " + dims;
  return dims.empty() ? "scalar" : dims;
}

/// A name safe to print inside a C comment.
static std::string commentSafe(const std::string &text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '*' && i + 1 < text.size() && text[i + 1] == '/') {
      result += "*\\/";
      ++i;
    } else {
      result += std::isprint(static_cast<unsigned char>(text[i])) ? text[i] : '?';
    }
  }
  return result;
}

static void writeTensorMacros(std::string &out, const std::string &prefix,
                              const TensorSpec &spec, int index) {
  std::string base = fmt::format("{}_{}", prefix, spec.cName);
  out += fmt::format("/* {} {}: \"{}\", {} {} */\n",
                     prefix.find("INPUT") != std::string::npos ? "input" : "output", index,
                     commentSafe(spec.name), getDtypeName(spec.dtype), formatDims(spec));
  if (spec.hasDynamicShape)
    out += fmt::format("/* Its shape depends on the data: SIZE, BYTES and SHAPE are upper\n"
                       " * bounds (give a buffer that large); the call writes the actual\n"
                       " * dimensions to outputs->{} and the elements, dense and\n"
                       " * row-major in them, to the start of the buffer. */\n"
                       "#define {}_DYNAMIC 1\n",
                       spec.shapeCName, base);
  out += fmt::format("#define {}_DTYPE {}\n", base, getDtypeMacro(spec.dtype));
  out += fmt::format("#define {}_RANK {}\n", base, spec.shape.size());
  out += fmt::format("#define {}_SIZE {} /* elements */\n", base, spec.getNumElements());
  out += fmt::format("#define {}_BYTES {}\n", base, spec.getNumBytes());
  std::string dims;
  for (size_t i = 0; i < spec.shape.size(); ++i)
    dims += fmt::format("{}{}", i ? ", " : "", spec.shape[i]);
  if (spec.shape.empty())
    dims = "1";
  out += fmt::format("#define {}_SHAPE {{{}}}\n\n", base, dims);
}

/// A C string literal of `text`.
static std::string quoteC(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text)
    quoted += (c == '"' || c == '\\') ? std::string("\\") + c
              : std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                            : std::string("?");
  return quoted + "\"";
}

/// A profiled build's kernel tables, indexed by kiln_profile_event_t.kernel.
static void writeProfileTables(std::string &out, const std::string &upper,
                               const std::vector<ProfileKernel> &kernels) {
  std::string names, flops, bytes;
  for (size_t i = 0; i < kernels.size(); ++i) {
    const char *separator = i ? ", " : "";
    names += separator + quoteC(kernels[i].name);
    flops += fmt::format("{}{}", separator, kernels[i].flops);
    bytes += fmt::format("{}{}", separator, kernels[i].bytes);
  }
  out += "/* Compiled with --profile: NAME_run calls kiln_profile_begin/end around\n"
         " * each kernel (see kiln_rt.h). Per kernel, indexed by the events'\n"
         " * `kernel`: its ONNX node names, floating-point operations and bytes of\n"
         " * the buffers it touches (estimated at compile time). */\n";
  out += fmt::format("#define {}_PROFILE_KERNELS {}\n", upper, kernels.size());
  out += fmt::format("#define {}_PROFILE_KERNEL_NAMES_TABLE {{{}}}\n", upper, names);
  out += fmt::format("#define {}_PROFILE_KERNEL_FLOPS_TABLE {{{}}}\n", upper, flops);
  out += fmt::format("#define {}_PROFILE_KERNEL_BYTES_TABLE {{{}}}\n\n", upper, bytes);
}

std::string writeHeader(const EntrySignature &signature, const HeaderInfo &info) {
  const std::string &name = info.symbolName;
  std::string upper;
  for (char c : name)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string guard = "KILN_MODEL_" + upper + "_H";
  std::string out;
  out += fmt::format("/* {}.h: the C interface of the model compiled from {}.\n"
                     " * Generated by kiln; do not edit. Plain C99, also valid C++.\n"
                     " *\n"
                     " * Link: cc app.c {}.o -L. -lkiln_rt {}-lm\n"
                     "{}"
                     " */\n\n",
                     name, commentSafe(info.sourceName), name,
                     info.bareMetal ? "" : "-lpthread ",
                     info.bareMetal ? " * (bare metal: single-threaded runtime, no heap; pass NULL "
                                      "as the context)\n"
                                    : "");
  out += fmt::format("#ifndef {0}\n#define {0}\n\n", guard);
  out += "#include <stddef.h>\n#include <stdint.h>\n\n#include \"kiln_rt.h\"\n\n";
  out += "#if KILN_RT_ABI_VERSION != 1\n";
  out += fmt::format("#error \"{}.h needs kiln runtime ABI version 1 (kiln_rt.h)\"\n", name);
  out += "#endif\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  out += "/* Activations live in one workspace whose layout was planned at compile\n"
         " * time. Pass a buffer of this size and alignment to each call: a static\n"
         " * array, or kiln_workspace_alloc(). Calls running at the same time need\n"
         " * separate workspaces. */\n";
  out += fmt::format("#define {}_WORKSPACE_SIZE {}\n", upper, info.workspaceSize);
  out += fmt::format("#define {}_WORKSPACE_ALIGNMENT {}\n\n", upper, info.workspaceAlignment);
  if (info.externalWeights) {
    out += fmt::format("/* The weights are in {0}.weights (not in the object). Load the file's\n"
                       " * {1} bytes into memory aligned to {2} bytes (e.g. with\n"
                       " * kiln_workspace_alloc and fread, or mmap) and pass it as `weights`. */\n",
                       name, info.weightsSize, info.weightsAlignment);
    out += fmt::format("#define {}_WEIGHTS_SIZE {}\n", upper, info.weightsSize);
    out += fmt::format("#define {}_WEIGHTS_ALIGNMENT {}\n\n", upper, info.weightsAlignment);
  }
  out += fmt::format("#define {}_NUM_INPUTS {}\n#define {}_NUM_OUTPUTS {}\n\n", upper,
                     signature.inputs.size(), upper, signature.outputs.size());
  for (size_t i = 0; i < signature.inputs.size(); ++i)
    writeTensorMacros(out, upper + "_INPUT", signature.inputs[i], static_cast<int>(i));
  for (size_t i = 0; i < signature.outputs.size(); ++i)
    writeTensorMacros(out, upper + "_OUTPUT", signature.outputs[i], static_cast<int>(i));

  // Tables in declaration order, for code that handles any model (a runner,
  // a test harness) without knowing its tensor names.
  auto table = [&](const std::vector<TensorSpec> &specs, auto field) {
    std::string items;
    for (size_t i = 0; i < specs.size(); ++i)
      items += (i ? ", " : "") + field(specs[i]);
    return "{" + (items.empty() ? std::string("0") : items) + "}";
  };
  auto bytes = [](const TensorSpec &spec) { return std::to_string(spec.getNumBytes()); };
  auto quoted = [](const TensorSpec &spec) {
    std::string text = "\"";
    for (char c : spec.name)
      text += (c == '"' || c == '\\') ? std::string("\\") + c
              : std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                            : std::string("?");
    return text + "\"";
  };
  out += "/* The same, as tables in declaration order (initializers for generic code). */\n";
  out += fmt::format("#define {}_INPUT_BYTES_TABLE {}\n", upper, table(signature.inputs, bytes));
  out += fmt::format("#define {}_OUTPUT_BYTES_TABLE {}\n", upper, table(signature.outputs, bytes));
  out += fmt::format("#define {}_INPUT_NAMES_TABLE {}\n", upper, table(signature.inputs, quoted));
  out += fmt::format("#define {}_OUTPUT_NAMES_TABLE {}\n", upper,
                     table(signature.outputs, quoted));
  // Outputs whose shape depends on the data: which they are, and what
  // generic code needs to size their dimension arrays and actual bytes.
  size_t numDynamic = llvm::count_if(signature.outputs,
                                     [](const TensorSpec &spec) { return spec.hasDynamicShape; });
  out += fmt::format("#define {}_NUM_DYNAMIC_OUTPUTS {}\n", upper, numDynamic);
  out += fmt::format("#define {}_OUTPUT_DYNAMIC_TABLE {}\n", upper,
                     table(signature.outputs, [](const TensorSpec &spec) {
                       return std::string(spec.hasDynamicShape ? "1" : "0");
                     }));
  out += fmt::format("#define {}_OUTPUT_RANKS_TABLE {}\n", upper,
                     table(signature.outputs, [](const TensorSpec &spec) {
                       return std::to_string(spec.shape.size());
                     }));
  out += fmt::format("#define {}_OUTPUT_ELEMENT_BYTES_TABLE {}\n\n", upper,
                     table(signature.outputs, [](const TensorSpec &spec) {
                       return std::to_string(spec.getElementBytes());
                     }));

  out += "/* Buffers are dense, row-major, and owned by the caller. */\n";
  out += fmt::format("typedef struct {}_inputs {{\n", name);
  for (const TensorSpec &spec : signature.inputs)
    out += fmt::format("  const {} *{}; /* {} */\n", getCType(spec.dtype), spec.cName,
                       formatDims(spec));
  if (signature.inputs.empty())
    out += "  const void *unused;\n";
  out += fmt::format("}} {}_inputs;\n\n", name);
  out += fmt::format("typedef struct {}_outputs {{\n", name);
  for (const TensorSpec &spec : signature.outputs)
    out += fmt::format("  {} *{}; /* {} */\n", getCType(spec.dtype), spec.cName,
                       formatDims(spec));
  // After every data pointer, so that generic code can treat the first
  // NUM_OUTPUTS members as the output table.
  for (const TensorSpec &spec : signature.outputs)
    if (spec.hasDynamicShape)
      out += fmt::format("  int64_t *{}; /* [{}]: the actual dimensions of {}, written by "
                         "the call */\n",
                         spec.shapeCName, spec.shape.size(), spec.cName);
  out += fmt::format("}} {}_outputs;\n\n", name);

  out += "/* Runs the model once. `context` chooses the threads parallel loops run on\n"
         " * (NULL: the calling thread only). Returns KILN_STATUS_OK, or\n"
         " * KILN_STATUS_INVALID_ARGUMENT when a buffer is NULL or the workspace is\n"
         " * misaligned. Inputs are only read. Safe to call from several threads at\n"
         " * once with separate workspaces and outputs. */\n";
  if (info.externalWeights)
    out += fmt::format("kiln_status_t {0}_run(const {0}_inputs *inputs, {0}_outputs *outputs,\n"
                       "    void *workspace, const void *weights, kiln_context_t *context);\n\n",
                       name);
  else
    out += fmt::format("kiln_status_t {0}_run(const {0}_inputs *inputs, {0}_outputs *outputs,\n"
                       "    void *workspace, kiln_context_t *context);\n\n",
                       name);
  if (!info.profileKernels.empty())
    writeProfileTables(out, upper, info.profileKernels);
  out += "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n";
  out += fmt::format("#endif /* {} */\n", guard);
  return out;
}

} // namespace kiln::codegen
