//===- ModelLoader.cpp - read and check an ONNX model file ----------------===//

#include "compiler/ModelLoader.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>

namespace kiln {

LoadedModel::LoadedModel() : proto(std::make_unique<onnx::ModelProto>()) {}
LoadedModel::~LoadedModel() = default;

static llvm::Error fail(const std::string &file, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 file + ": " + message.str());
}

/// The checks the importer relies on before it touches any node.
static llvm::Error checkModel(LoadedModel &model) {
  const onnx::ModelProto &proto = *model.proto;
  if (!proto.has_graph())
    return fail(model.path, "not an ONNX model: it has no graph");
  if (proto.ir_version() < 3)
    return fail(model.path, "ONNX IR version " + llvm::Twine(proto.ir_version()) +
                                " is too old (kiln needs 3 or later)");
  bool sawDefault = false;
  for (const auto &opset : proto.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") {
      model.opset = opset.version();
      sawDefault = true;
    }
  }
  if (!sawDefault)
    return fail(model.path, "the model imports no version of the default ONNX opset");
  if (model.opset < kMinOpset || model.opset > kMaxOpset)
    return fail(model.path, "opset " + llvm::Twine(model.opset) +
                                " is not supported (kiln imports opsets " +
                                llvm::Twine(kMinOpset) + " to " + llvm::Twine(kMaxOpset) +
                                ")");
  if (proto.graph().node_size() == 0 && proto.graph().output_size() == 0)
    return fail(model.path, "the graph is empty");
  return llvm::Error::success();
}

/// Replaces declared input shapes (`--input-shape`). The rank must match
/// when the model declares one, and only symbolic or equal dimensions change.
static llvm::Error applyInputShapes(LoadedModel &model,
                                    const std::map<std::string, std::vector<int64_t>> &shapes) {
  onnx::GraphProto *graph = model.proto->mutable_graph();
  for (const auto &[name, dims] : shapes) {
    onnx::ValueInfoProto *input = nullptr;
    for (auto &candidate : *graph->mutable_input())
      if (candidate.name() == name)
        input = &candidate;
    if (!input)
      return fail(model.path, "--input-shape names '" + name + "', which is not a graph input");
    onnx::TensorShapeProto *shape =
        input->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != 0 && shape->dim_size() != static_cast<int>(dims.size()))
      return fail(model.path, "--input-shape gives " + llvm::Twine(dims.size()) +
                                  " dimensions for input '" + name + "' of rank " +
                                  llvm::Twine(shape->dim_size()));
    for (size_t i = 0; i < dims.size(); ++i) {
      if (static_cast<int>(i) < shape->dim_size() && shape->dim(i).has_dim_value() &&
          shape->dim(i).dim_value() != dims[i])
        return fail(model.path, "--input-shape sets dimension " + llvm::Twine(i) +
                                    " of input '" + name + "' to " + llvm::Twine(dims[i]) +
                                    " but the model fixes it at " +
                                    llvm::Twine(shape->dim(i).dim_value()));
    }
    shape->clear_dim();
    for (int64_t d : dims)
      shape->add_dim()->set_dim_value(d);
  }
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<LoadedModel>>
loadModelFromBuffer(llvm::StringRef bytes, const std::string &name,
                    const std::string &directory, const LoadOptions &options) {
  auto model = std::make_unique<LoadedModel>();
  model->path = name;
  model->directory = directory;
  if (bytes.empty())
    return fail(name, "the file is empty");

  google::protobuf::io::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model->proto->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return fail(name, "not a valid ONNX model (the protobuf does not parse: the file is "
                      "truncated, corrupt, or not ONNX)");
  if (llvm::Error error = checkModel(*model))
    return std::move(error);

  if (llvm::Error error = applyInputShapes(*model, options.inputShapes))
    return std::move(error);
  if (options.inferShapes) {
    try {
      onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0,
                                            /*enable_data_propagation=*/true);
      onnx::shape_inference::InferShapes(*model->proto,
                                         onnx::OpSchemaRegistry::Instance(), inference);
    } catch (const std::exception &e) {
      return fail(name, llvm::Twine("ONNX shape inference failed: ") + e.what());
    }
  }
  return std::move(model);
}

llvm::Expected<std::unique_ptr<LoadedModel>> loadModel(const std::string &path,
                                                       const LoadOptions &options) {
  if (llvm::sys::fs::is_directory(path))
    return fail(path, "is a directory, not an ONNX file");
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size))
    return fail(path, "cannot open: " + ec.message());
  if (size > uint64_t(INT_MAX))
    return fail(path, "the file is larger than 2 GiB; protobuf cannot hold such a model "
                      "in one file (store the weights as ONNX external data)");
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  llvm::SmallString<256> directory(path);
  llvm::sys::path::remove_filename(directory);
  if (directory.empty())
    directory = ".";
  return loadModelFromBuffer((*buffer)->getBuffer(), path, directory.str().str(), options);
}

} // namespace kiln
