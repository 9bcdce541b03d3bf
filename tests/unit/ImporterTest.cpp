//===- ImporterTest.cpp - loading and importing ONNX models ---------------===//
//
// Models are built in memory with ONNX's protobuf classes, so these tests need
// no files.
//
//===----------------------------------------------------------------------===//

#include "compiler/Importer.h"
#include "compiler/ModelLoader.h"
#include "ir/GraphOps.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <catch2/catch.hpp>

using namespace mlir;

namespace {

onnx::ModelProto makeConvRelu(int64_t opset = 13) {
  onnx::ModelProto model;
  model.set_ir_version(7);
  auto *opsetId = model.add_opset_import();
  opsetId->set_version(opset);
  onnx::GraphProto *graph = model.mutable_graph();
  graph->set_name("conv_relu");
  auto *input = graph->add_input();
  input->set_name("x");
  auto *tensorType = input->mutable_type()->mutable_tensor_type();
  tensorType->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 3, 8, 8})
    tensorType->mutable_shape()->add_dim()->set_dim_value(d);
  // A symbolic batch, as exporters write it.
  tensorType->mutable_shape()->mutable_dim(0)->set_dim_param("N");
  auto *weight = graph->add_initializer();
  weight->set_name("w");
  weight->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {4, 3, 3, 3})
    weight->add_dims(d);
  std::string raw(4 * 3 * 3 * 3 * sizeof(float), '\0');
  weight->set_raw_data(raw);
  auto *conv = graph->add_node();
  conv->set_op_type("Conv");
  conv->set_name("conv");
  conv->add_input("x");
  conv->add_input("w");
  conv->add_output("c");
  auto *pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int64_t p : {1, 1, 1, 1})
    pads->add_ints(p);
  auto *relu = graph->add_node();
  relu->set_op_type("Relu");
  relu->set_name("relu");
  relu->add_input("c");
  relu->add_output("y");
  graph->add_output()->set_name("y");
  return model;
}

std::unique_ptr<kiln::LoadedModel> load(const onnx::ModelProto &model,
                                        const kiln::LoadOptions &options = {}) {
  std::string bytes = model.SerializeAsString();
  auto loaded = kiln::loadModelFromBuffer(bytes, "mem.onnx", ".", options);
  if (!loaded) {
    FAIL(llvm::toString(loaded.takeError()));
  }
  return std::move(*loaded);
}

} // namespace

TEST_CASE("a conv + relu model imports with inferred shapes", "[importer]") {
  MLIRContext context;
  context.printOpOnDiagnostic(false);
  auto model = load(makeConvRelu());
  auto module = kiln::importModel(context, *model);
  REQUIRE(succeeded(module));
  auto func = (*module)->lookupSymbol<func::FuncOp>("main");
  REQUIRE(func);
  auto argType = cast<RankedTensorType>(func.getArgumentTypes()[0]);
  CHECK(argType.isDynamicDim(0)); // "N" stays symbolic
  int convs = 0;
  func.walk([&](kiln::graph::ConvOp conv) {
    ++convs;
    CHECK(conv.getPads() == ArrayRef<int64_t>{1, 1, 1, 1});
    CHECK(conv.getStrides() == ArrayRef<int64_t>{1, 1});
    CHECK(conv.getKernelShape() == ArrayRef<int64_t>{3, 3});
    auto type = conv.getOutput().getType();
    CHECK(type.getDimSize(1) == 4);
    CHECK(type.getDimSize(2) == 8);
  });
  CHECK(convs == 1);
  auto resultType = cast<RankedTensorType>(func.getResultTypes()[0]);
  CHECK(resultType.getDimSize(3) == 8);
}

TEST_CASE("input shapes given by the user specialize a symbolic dimension", "[importer]") {
  MLIRContext context;
  kiln::LoadOptions options;
  options.inputShapes["x"] = {2, 3, 8, 8};
  auto model = load(makeConvRelu(), options);
  auto module = kiln::importModel(context, *model);
  REQUIRE(succeeded(module));
  auto func = (*module)->lookupSymbol<func::FuncOp>("main");
  CHECK(cast<RankedTensorType>(func.getResultTypes()[0]).getDimSize(0) == 2);
}

TEST_CASE("an input shape that contradicts the model is an error", "[importer]") {
  kiln::LoadOptions options;
  options.inputShapes["x"] = {1, 4, 8, 8};
  std::string bytes = makeConvRelu().SerializeAsString();
  auto loaded = kiln::loadModelFromBuffer(bytes, "mem.onnx", ".", options);
  REQUIRE_FALSE(bool(loaded));
  CHECK(llvm::toString(loaded.takeError()) ==
        "mem.onnx: --input-shape sets dimension 1 of input 'x' to 4 but the model fixes it "
        "at 3");
}

TEST_CASE("broken bytes are rejected with the file name", "[loader]") {
  auto empty = kiln::loadModelFromBuffer("", "e.onnx", ".");
  REQUIRE_FALSE(bool(empty));
  CHECK(llvm::toString(empty.takeError()) == "e.onnx: the file is empty");
  std::string junk = "\xff\xff\xff\xff garbage that is not a protobuf";
  auto bad = kiln::loadModelFromBuffer(junk, "junk.onnx", ".");
  REQUIRE_FALSE(bool(bad));
  CHECK(llvm::StringRef(llvm::toString(bad.takeError())).starts_with("junk.onnx: not a valid"));
}

TEST_CASE("opsets outside kiln's range are rejected", "[loader]") {
  std::string bytes = makeConvRelu(18).SerializeAsString();
  auto loaded = kiln::loadModelFromBuffer(bytes, "new.onnx", ".");
  REQUIRE_FALSE(bool(loaded));
  CHECK(llvm::toString(loaded.takeError()) ==
        "new.onnx: opset 18 is not supported (kiln imports opsets 1 to 17)");
}

TEST_CASE("old opsets load and import", "[loader][importer]") {
  auto model = load(makeConvRelu(5));
  CHECK(model->opset == 5);
  MLIRContext context;
  CHECK(succeeded(kiln::importModel(context, *model)));
}

TEST_CASE("the importer table answers by opset", "[importer]") {
  CHECK(kiln::isOperatorSupported("", "Conv", 13));
  CHECK(kiln::isOperatorSupported("ai.onnx", "LayerNormalization", 17));
  CHECK_FALSE(kiln::isOperatorSupported("", "LayerNormalization", 16));
  // Opsets 1..6 have handlers of their own where the semantics differ.
  CHECK(kiln::isOperatorSupported("", "Add", 6));
  CHECK(kiln::isOperatorSupported("", "Cast", 1));
  CHECK_FALSE(kiln::isOperatorSupported("", "Upsample", 6));
  CHECK_FALSE(kiln::isOperatorSupported("com.microsoft", "Attention", 13));
  CHECK_FALSE(kiln::isOperatorSupported("", "NoSuchOp", 13));
}

TEST_CASE("an unsupported operator is a diagnostic at its node", "[importer]") {
  auto proto = makeConvRelu();
  proto.mutable_graph()->mutable_node(1)->set_op_type("Frobnicate");
  MLIRContext context;
  context.printOpOnDiagnostic(false);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    auto fused = dyn_cast<FusedLoc>(diag.getLocation());
    REQUIRE(fused);
    CHECK(cast<NameLoc>(fused.getLocations()[0]).getName() == "relu");
    return success();
  });
  // Shape inference has no schema for the op; skip it.
  kiln::LoadOptions options;
  options.inferShapes = false;
  auto model = load(proto, options);
  CHECK(failed(kiln::importModel(context, *model)));
  CHECK(message == "operator Frobnicate (opset 13) is not supported");
}
