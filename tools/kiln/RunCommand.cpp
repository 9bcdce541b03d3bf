//===- RunCommand.cpp - kiln run: compile for the host, run, compare -------===//
//
// `kiln run` goes through exactly the object file `kiln compile` writes: the
// object is loaded with LLVM's ORC JIT linker (no system linker needed), its
// runtime references resolve to the runtime linked into kiln, and NAME_run is
// called as an application would.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Commands.h"
#include "tools/kiln/CompileDriver.h"
#include "tools/kiln/Diagnostics.h"
#include "tools/kiln/Profile.h"
#include "tools/kiln/TensorFiles.h"

#include "compiler/Importer.h"

#include "kiln_rt.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <set>
#include <chrono>
#include <cmath>
#include <fmt/format.h>

namespace cl = llvm::cl;
using namespace mlir;

namespace kiln {

static cl::opt<std::string> runInput(cl::Positional,
                                     cl::desc("<model.onnx> (default with --test-data: "
                                              "DIR/model.onnx)"),
                                     cl::sub(runCommand));
static cl::list<std::string> runInputs(
    "input", cl::desc("An input tensor: NAME=FILE.npy or NAME=FILE.pb (repeatable); inputs "
                      "not given get a deterministic pattern"),
    cl::value_desc("NAME=FILE"), cl::sub(runCommand));
static cl::opt<std::string> runOutput("o", cl::desc("Write each output to OUTDIR/NAME.npy"),
                                      cl::value_desc("OUTDIR"), cl::sub(runCommand));
static cl::opt<unsigned> runThreads("threads", cl::desc("Threads for parallel loops (default 1)"),
                                    cl::init(1), cl::sub(runCommand));
static cl::opt<unsigned> runBench("bench",
                                  cl::desc("Time N runs after warm-up; print median_ms"),
                                  cl::value_desc("N"), cl::init(0), cl::sub(runCommand));
static cl::opt<std::string> runTestData(
    "test-data",
    cl::desc("An ONNX test-case directory (model.onnx, test_data_set_*/input_*.pb, "
             "output_*.pb): check every output"),
    cl::value_desc("DIR"), cl::sub(runCommand));
static cl::opt<double> runRtol("rtol", cl::desc("Relative tolerance (default 1e-3)"),
                               cl::init(1e-3), cl::sub(runCommand));
static cl::opt<double> runAtol("atol", cl::desc("Absolute tolerance (default 1e-5)"),
                               cl::init(1e-5), cl::sub(runCommand));
static cl::opt<unsigned> runOptLevel("O", cl::desc("Optimization level 0..3 (default 2)"),
                                     cl::Prefix, cl::init(2), cl::sub(runCommand));
static cl::opt<std::string> runProfile(
    "profile",
    cl::desc("Compile with profiling, run once to warm up, then write a Chrome/Perfetto "
             "trace of one inference (a slice per kernel) to FILE"),
    cl::value_desc("FILE"), cl::sub(runCommand));
static cl::opt<bool> runProfileSummary(
    "profile-summary", cl::desc("Compile with profiling and print the slowest kernels"),
    cl::sub(runCommand));
static cl::opt<bool> runKeep("keep", cl::desc("Keep the compiled object in OUTDIR"),
                             cl::sub(runCommand));

namespace {

constexpr int32_t kUint16 = 4;   // onnx.TensorProto.UINT16
constexpr int32_t kBfloat16 = 16; // onnx.TensorProto.BFLOAT16

using EntryFunction = int32_t (*)(const void *const *inputs, void *const *outputs,
                                  void *workspace, kiln_context_t *context);

/// A compiled model loaded into this process.
struct LoadedObject {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  EntryFunction run = nullptr;
};

llvm::Expected<LoadedObject> loadObject(const std::string &objectPath,
                                        const std::string &symbol) {
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return jit.takeError();
  auto buffer = llvm::MemoryBuffer::getFile(objectPath);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read '%s'", objectPath.c_str());
  llvm::orc::JITDylib &library = (*jit)->getMainJITDylib();
  // The runtime kiln links, then whatever the process has (libm).
  llvm::orc::MangleAndInterner mangle((*jit)->getExecutionSession(), (*jit)->getDataLayout());
  llvm::orc::SymbolMap runtime;
  auto define = [&](const char *name, auto *function) {
    runtime[mangle(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                             llvm::JITSymbolFlags::Exported};
  };
  define("kiln_parallel_for", &kiln_parallel_for);
  define("kiln_context_num_threads", &kiln_context_num_threads);
  define("kiln_profile_begin", &kiln_profile_begin);
  define("kiln_profile_end", &kiln_profile_end);
  if (auto error = library.define(llvm::orc::absoluteSymbols(std::move(runtime))))
    return std::move(error);
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  library.addGenerator(std::move(*process));
  if (auto error = (*jit)->addObjectFile(std::move(*buffer)))
    return std::move(error);
  auto address = (*jit)->lookup(symbol);
  if (!address)
    return address.takeError();
  LoadedObject loaded;
  loaded.run = address->toPtr<EntryFunction>();
  loaded.jit = std::move(*jit);
  return loaded;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text.empty() ? "scalar" : text;
}

/// Output file names keep the ONNX name where the file system allows.
std::string getFileName(llvm::StringRef name) {
  std::string result;
  for (char c : name)
    result += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')
                  ? c
                  : '_';
  if (result.empty() || result[0] == '.')
    result = "_" + result;
  return result;
}

struct GraphInput {
  std::string name;
  /// Declared dimensions; -1 where symbolic or unknown.
  std::vector<int64_t> shape;
};

/// The graph's real inputs (not initializers), in order.
llvm::Expected<std::vector<GraphInput>> getGraphInputs(const std::string &path) {
  LoadOptions options;
  options.inferShapes = false;
  auto model = loadModel(path, options);
  if (!model)
    return model.takeError();
  const onnx::GraphProto &graph = (*model)->proto->graph();
  std::set<std::string> initializers;
  for (const auto &initializer : graph.initializer())
    initializers.insert(initializer.name());
  std::vector<GraphInput> inputs;
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    GraphInput graphInput{input.name(), {}};
    for (const auto &dim : input.type().tensor_type().shape().dim())
      graphInput.shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    inputs.push_back(std::move(graphInput));
  }
  return inputs;
}

struct Comparison {
  bool ok = true;
  int64_t worstIndex = -1;
  double worstExcess = -1, got = 0, expected = 0;
};

Comparison compareTensors(const HostTensor &got, const HostTensor &expected, double rtol,
                          double atol) {
  Comparison result;
  int64_t count = expected.getNumElements();
  for (int64_t i = 0; i < count; ++i) {
    double a = getElementAsDouble(got, i), e = getElementAsDouble(expected, i);
    double excess;
    if (std::isnan(e) || std::isnan(a))
      excess = std::isnan(e) && std::isnan(a) ? -1 : INFINITY;
    else if (std::isinf(e) || std::isinf(a))
      excess = a == e ? -1 : INFINITY;
    else
      excess = std::fabs(a - e) - (atol + rtol * std::fabs(e));
    if (excess > 0)
      result.ok = false;
    if (excess > result.worstExcess) {
      result.worstExcess = excess;
      result.worstIndex = i;
      result.got = a;
      result.expected = e;
    }
  }
  return result;
}

std::string formatIndex(const std::vector<int64_t> &shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  std::string text = "[";
  for (size_t d = 0; d < index.size(); ++d)
    text += (d ? "," : "") + std::to_string(index[d]);
  return text + "]";
}

} // namespace

int runRun() {
  std::string modelPath = runInput;
  std::vector<std::string> dataSets;
  if (!runTestData.empty()) {
    if (modelPath.empty()) {
      llvm::SmallString<256> path(runTestData.getValue());
      llvm::sys::path::append(path, "model.onnx");
      modelPath = std::string(path);
    }
    std::error_code error;
    for (llvm::sys::fs::directory_iterator it(runTestData, error), end; it != end && !error;
         it.increment(error))
      if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
        dataSets.push_back(it->path());
    std::sort(dataSets.begin(), dataSets.end());
    if (dataSets.empty())
      return reportUserError("'" + runTestData + "' has no test_data_set_* directories");
  }
  if (modelPath.empty())
    return reportUserError("kiln run needs a model (or --test-data DIR)");
  if (runOptLevel > 3)
    return reportUserError("-O" + std::to_string(runOptLevel) + " is not a level (use -O0..-O3)");

  auto graphInputs = getGraphInputs(modelPath);
  if (!graphInputs)
    return reportUserError(llvm::toString(graphInputs.takeError()));
  std::vector<std::string> names;
  for (const GraphInput &input : *graphInputs)
    names.push_back(input.name);
  const std::vector<std::string> *inputNames = &names;

  // Inputs: explicit files by name, then test data by position.
  std::map<std::string, HostTensor> given;
  for (const std::string &spec : runInputs) {
    size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0)
      return reportUserError("--input '" + spec + "' must look like NAME=FILE");
    std::string name = spec.substr(0, equals);
    if (std::find(inputNames->begin(), inputNames->end(), name) == inputNames->end())
      return reportUserError("--input '" + name + "': the model has no input of that name");
    auto tensor = readTensorFile(spec.substr(equals + 1));
    if (!tensor)
      return reportUserError(llvm::toString(tensor.takeError()));
    given[name] = std::move(*tensor);
  }
  std::vector<std::vector<HostTensor>> expectedOutputs;
  std::vector<std::map<std::string, HostTensor>> testInputs;
  for (const std::string &dataSet : dataSets) {
    std::map<std::string, HostTensor> inputs = given;
    for (size_t i = 0; i < inputNames->size(); ++i) {
      llvm::SmallString<256> path(dataSet);
      llvm::sys::path::append(path, fmt::format("input_{}.pb", i));
      if (!llvm::sys::fs::exists(path))
        continue;
      auto tensor = readTensorProto(std::string(path));
      if (!tensor)
        return reportUserError(llvm::toString(tensor.takeError()));
      inputs[(*inputNames)[i]] = std::move(*tensor);
    }
    std::vector<HostTensor> outputs;
    for (int i = 0;; ++i) {
      llvm::SmallString<256> path(dataSet);
      llvm::sys::path::append(path, fmt::format("output_{}.pb", i));
      if (!llvm::sys::fs::exists(path))
        break;
      auto tensor = readTensorProto(std::string(path));
      if (!tensor)
        return reportUserError(llvm::toString(tensor.takeError()));
      outputs.push_back(std::move(*tensor));
    }
    testInputs.push_back(std::move(inputs));
    expectedOutputs.push_back(std::move(outputs));
  }
  if (dataSets.empty())
    testInputs.push_back(given);

  // Given inputs fix the shapes the model is specialized for; they must
  // agree with the dimensions the model declares.
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const GraphInput &input : *graphInputs) {
    auto found = testInputs.front().find(input.name);
    if (found == testInputs.front().end())
      continue;
    const std::vector<int64_t> &given = found->second.shape;
    bool matches = given.size() == input.shape.size();
    for (size_t d = 0; matches && d < given.size(); ++d)
      matches = input.shape[d] < 0 || input.shape[d] == given[d];
    if (!matches) {
      std::string declared;
      for (size_t d = 0; d < input.shape.size(); ++d)
        declared += (d ? "x" : "") + (input.shape[d] < 0 ? std::string("?")
                                                         : std::to_string(input.shape[d]));
      return reportUserError(fmt::format("input '{}' has shape {}, the model expects {}",
                                         input.name, formatShape(given),
                                         declared.empty() ? "scalar" : declared));
    }
    shapes[input.name] = given;
  }

  auto context = makeCompilerContext();
  DiagnosticPrinter diagnostics(*context);
  std::unique_ptr<LoadedModel> model;
  OwningOpRef<ModuleOp> module = loadAndImport(*context, modelPath, model, shapes);
  if (!module)
    return kExitUserError;

  llvm::SmallString<256> workDirectory;
  if (runKeep && !runOutput.empty()) {
    workDirectory = runOutput.getValue();
  } else if (std::error_code error =
                 llvm::sys::fs::createUniqueDirectory("kiln-run", workDirectory)) {
    return reportUserError("cannot create a temporary directory: " + error.message());
  }
  CompileRequest request;
  request.sourceName = llvm::sys::path::filename(modelPath).str();
  request.outputDirectory = std::string(workDirectory);
  request.pipeline.symbolName = "kiln_model";
  request.pipeline.optLevel = static_cast<int>(runOptLevel);
  request.copyRuntime = false;
  bool profiling = !runProfile.empty() || runProfileSummary;
  request.pipeline.profile = profiling;
  if (int code = applyTargetDescription(request))
    return code;
  CompileResult compiled;
  int code = compileModule(module, request, compiled);
  model.reset();
  auto cleanUp = [&] {
    if (!(runKeep && !runOutput.empty()))
      llvm::sys::fs::remove_directories(workDirectory);
  };
  if (code) {
    cleanUp();
    return code;
  }
  auto loaded = loadObject(compiled.objectPath, "kiln_model_run");
  cleanUp();
  if (!loaded)
    return reportUserError("cannot load the compiled model: " +
                           llvm::toString(loaded.takeError()));

  const codegen::EntrySignature &signature = compiled.signature;
  kiln_context_t *threads = nullptr;
  // Profiles are recorded in the context, so profiling always needs one.
  if ((runThreads > 1 || profiling) &&
      kiln_context_create(static_cast<int32_t>(runThreads), &threads) != KILN_STATUS_OK)
    return reportUserError("cannot create a pool of " + std::to_string(runThreads) +
                           " threads");
  void *workspace = nullptr;
  if (kiln_workspace_alloc(static_cast<size_t>(compiled.workspaceSize), 64, &workspace) !=
      KILN_STATUS_OK)
    return reportUserError("cannot allocate a workspace of " +
                           std::to_string(compiled.workspaceSize) + " bytes");

  int exitCode = kExitOk;
  for (size_t set = 0; set < testInputs.size(); ++set) {
    std::vector<HostTensor> inputs;
    for (const codegen::TensorSpec &spec : signature.inputs) {
      auto found = testInputs[set].find(spec.name);
      HostTensor tensor;
      if (found != testInputs[set].end()) {
        tensor = found->second;
        // ONNX 1.12's test generator stores bfloat16 data as its uint16 bits.
        if (tensor.dtype == kUint16 && spec.dtype == kBfloat16)
          tensor.dtype = kBfloat16;
        if (tensor.dtype != spec.dtype)
          return reportUserError(fmt::format("input '{}' is {}, the model expects {}",
                                             spec.name, codegen::getDtypeName(tensor.dtype),
                                             codegen::getDtypeName(spec.dtype)));
        if (tensor.shape != spec.shape)
          return reportUserError(fmt::format("input '{}' has shape {}, the model expects {}",
                                             spec.name, formatShape(tensor.shape),
                                             formatShape(spec.shape)));
      } else {
        tensor.dtype = spec.dtype;
        tensor.shape = spec.shape;
        fillDeterministic(tensor);
      }
      inputs.push_back(std::move(tensor));
    }
    std::vector<HostTensor> outputs(signature.outputs.size());
    std::vector<const void *> inputPointers;
    std::vector<void *> outputPointers;
    // The entry point rejects NULL buffers, which is what an empty vector
    // gives for a zero-size input; any valid address will do.
    char emptyInput = 0;
    for (HostTensor &tensor : inputs)
      inputPointers.push_back(tensor.data.empty() ? &emptyInput : tensor.data.data());
    for (size_t i = 0; i < outputs.size(); ++i) {
      outputs[i].dtype = signature.outputs[i].dtype;
      outputs[i].shape = signature.outputs[i].shape;
      // One spare byte keeps a zero-size output's pointer non-null.
      outputs[i].data.resize(static_cast<size_t>(signature.outputs[i].getNumBytes()) + 1);
      outputPointers.push_back(outputs[i].data.data());
    }
    // Outputs whose shape depends on the data: the call writes their actual
    // dimensions to arrays that follow the output buffers.
    std::vector<std::vector<int64_t>> actualShapes;
    for (const codegen::TensorSpec &spec : signature.outputs)
      if (spec.hasDynamicShape)
        actualShapes.emplace_back(std::max<size_t>(spec.shape.size(), 1), -1);
    for (std::vector<int64_t> &dims : actualShapes)
      outputPointers.push_back(dims.data());
    std::vector<char> noInputs(1);
    if (inputPointers.empty())
      inputPointers.push_back(noInputs.data());
    kiln_status_t status =
        loaded->run(inputPointers.data(), outputPointers.data(), workspace, threads);
    if (status != KILN_STATUS_OK)
      return reportUserError(std::string("the model returned an error: ") +
                             kiln_status_message(status));
    for (HostTensor &output : outputs)
      output.data.pop_back();
    for (size_t i = 0, dynamic = 0; i < outputs.size(); ++i) {
      const codegen::TensorSpec &spec = signature.outputs[i];
      if (!spec.hasDynamicShape)
        continue;
      std::vector<int64_t> &dims = actualShapes[dynamic++];
      dims.resize(spec.shape.size());
      for (size_t d = 0; d < dims.size(); ++d)
        if (dims[d] < 0 || dims[d] > spec.shape[d])
          return reportUserError(fmt::format(
              "output '{}': the model reported dimension {} as {}, outside [0, {}]", spec.name,
              d, dims[d], spec.shape[d]));
      outputs[i].shape = dims;
      outputs[i].data.resize(static_cast<size_t>(outputs[i].getNumElements() *
                                                 spec.getElementBytes()));
    }

    if (!runOutput.empty()) {
      if (std::error_code error = llvm::sys::fs::create_directories(runOutput))
        return reportUserError("cannot create '" + runOutput + "': " + error.message());
      for (size_t i = 0; i < outputs.size(); ++i) {
        llvm::SmallString<256> path(runOutput.getValue());
        llvm::sys::path::append(path, getFileName(signature.outputs[i].name) + ".npy");
        if (llvm::Error error = writeNpy(std::string(path), outputs[i]))
          return reportUserError(llvm::toString(std::move(error)));
      }
    }

    if (set < expectedOutputs.size()) {
      const std::vector<HostTensor> &expected = expectedOutputs[set];
      std::string setName = llvm::sys::path::filename(dataSets[set]).str();
      if (expected.size() != outputs.size()) {
        llvm::outs() << fmt::format("{}: FAIL: {} expected outputs, the model has {}\n",
                                    setName, expected.size(), outputs.size());
        exitCode = kExitUserError;
        continue;
      }
      for (size_t i = 0; i < outputs.size(); ++i) {
        const std::string &name = signature.outputs[i].name;
        if (expected[i].shape != outputs[i].shape &&
            expected[i].getNumElements() != outputs[i].getNumElements()) {
          llvm::outs() << fmt::format("{}: output '{}': FAIL: shape {}, expected {}\n", setName,
                                      name, formatShape(outputs[i].shape),
                                      formatShape(expected[i].shape));
          exitCode = kExitUserError;
          continue;
        }
        HostTensor expectedOutput = expected[i];
        if (expectedOutput.dtype == kUint16 && outputs[i].dtype == kBfloat16)
          expectedOutput.dtype = kBfloat16;
        Comparison comparison = compareTensors(outputs[i], expectedOutput, runRtol, runAtol);
        if (comparison.ok) {
          llvm::outs() << fmt::format("{}: output '{}': ok\n", setName, name);
          continue;
        }
        exitCode = kExitUserError;
        llvm::outs() << fmt::format(
            "{}: output '{}': FAIL: worst element {} is {:.9g}, expected {:.9g} (rtol {}, atol "
            "{})\n",
            setName, name, formatIndex(outputs[i].shape, comparison.worstIndex), comparison.got,
            comparison.expected, runRtol.getValue(), runAtol.getValue());
      }
    }

    if (profiling && set == 0) {
      ProfileRequest profile;
      profile.tracePath = runProfile;
      profile.printSummary = runProfileSummary;
      profile.modelName = request.sourceName;
      profile.threads = static_cast<int>(std::max(1u, runThreads.getValue()));
      auto runOnce = [&] {
        return loaded->run(inputPointers.data(), outputPointers.data(), workspace, threads);
      };
      if (int code = profileInference(runOnce, threads, compiled.profileKernels, profile))
        return code;
    }

    if (runBench > 0 && set == 0) {
      unsigned warmup = std::max(1u, std::min(10u, runBench.getValue() / 10));
      for (unsigned i = 0; i < warmup; ++i)
        loaded->run(inputPointers.data(), outputPointers.data(), workspace, threads);
      std::vector<double> times;
      for (unsigned i = 0; i < runBench; ++i) {
        auto start = std::chrono::steady_clock::now();
        loaded->run(inputPointers.data(), outputPointers.data(), workspace, threads);
        auto stop = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
      }
      std::sort(times.begin(), times.end());
      double median = times.size() % 2 ? times[times.size() / 2]
                                       : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
      llvm::outs() << fmt::format("median_ms {:.4f}\nmin_ms {:.4f}\nmax_ms {:.4f}\nruns {}\n",
                                  median, times.front(), times.back(), times.size());
    }
  }
  kiln_workspace_free(workspace);
  kiln_context_destroy(threads);
  return exitCode;
}

} // namespace kiln
