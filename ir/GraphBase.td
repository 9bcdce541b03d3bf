//===- GraphBase.td - kiln graph dialect: dialect and op bases ----*- tablegen -*-===//
//
// The graph dialect is kiln's high-level IR: one op per ONNX operator (in the form
// of the newest opset kiln supports), on ranked tensors with static shapes where
// they are known. Base classes group ops into families so each op def states only
// what is particular to it.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHBASE_TD
#define KILN_IR_GRAPHBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::kiln::graph";
  let summary = "kiln's high-level graph dialect: ONNX operators on tensors";
  let description = [{
    The graph dialect is what kiln's ONNX importer produces and what graph-level
    passes (constant folding, fusion grouping, layout choice) rewrite. Every op
    corresponds to an ONNX operator and is normalized to one form regardless of
    the model's opset: attributes that later opsets turned into inputs (Slice
    starts, Pad pads, Squeeze axes, reduction axes, Clip bounds, Split sizes) are
    always operands, and optional attributes are always present with their ONNX
    default spelled out.

    Tensors are builtin ranked tensors. Signed integers are signless (`i64`),
    unsigned integers are `ui8`/`ui16`/..., and ONNX `bool` is `i1`.

    Result types are inferred from operand types and attributes
    (`InferTypeOpInterface`). A result may carry a more refined (static) type
    than inference gives, e.g. from ONNX shape inference, as long as the two are
    compatible; the verifiers reject incompatible ones.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
}

// Result types may be more static than what inference derives from operand
// types alone (ONNX's data propagation knows more), so compatibility, not
// equality, is what the verifier checks.
def Graph_InferTypeWithRefinement : InferTypeOpAdaptorBase<[{
    static bool isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                        ::mlir::TypeRange actual) {
      return ::kiln::graph::areCompatibleReturnTypes(inferred, actual);
    }
  }]>;

// Marks ops whose result types may be refined beyond what inference gives
// (the importer then keeps ONNX's more static shape).
def Graph_RefinableResultTypes : NativeOpTrait<"RefinableResultTypes"> {
  let cppNamespace = "::kiln::graph::OpTrait";
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, !listconcat(traits, [Pure])>;

// An op whose result types follow from its operands and attributes.
class Graph_InferredOp<string mnemonic, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [Graph_InferTypeWithRefinement,
                                           Graph_RefinableResultTypes])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Graph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Graph_IntTensor : RankedTensorOf<[AnyInteger]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;
def Graph_IndexTensor : RankedTensorOf<[I32, I64]>;
def Graph_I64Tensor : RankedTensorOf<[I64]>;
def Graph_Tensor : RankedTensorOf<[AnyType]>;
def Graph_NumericTensor : RankedTensorOf<[AnyFloat, AnyInteger]>;

//===----------------------------------------------------------------------===//
// Families
//===----------------------------------------------------------------------===//

// y = f(x), same type in and out.
class Graph_UnaryOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Graph_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType])> {
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let summary = "elementwise " # mnemonic;
}

class Graph_FloatUnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Graph_UnaryOp<mnemonic, Graph_FloatTensor, traits> {
  let description = "Elementwise `" # formula # "` on a floating-point tensor "
      # "(ONNX `" # mnemonic # "`).\n\n```mlir\n%y = graph." # mnemonic
      # " %x : tensor<1x16xf32>\n```";
}

// z = f(x, y) with multidirectional (numpy) broadcasting. The result element
// type is the left operand's, or i1 when `boolResult`; `sameElementTypes`
// requires both operands to share their element type.
class Graph_BroadcastBinaryOp<string mnemonic, Type operandType, Type resultType,
                              bit boolResult, bit sameElementTypes,
                              list<Trait> traits = []>
    : Graph_InferredOp<mnemonic, traits> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs resultType:$output);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return ::kiln::graph::detail::inferBroadcastBinary(location,
          adaptor.getLhs(), adaptor.getRhs(), }] # !if(boolResult, "true", "false") # [{,
          inferredReturnTypes);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      return ::kiln::graph::detail::verifyBroadcastBinary(getOperation(),
          }] # !if(sameElementTypes, "true", "false") # [{);
    }
  }];
}

class Graph_ArithmeticOp<string mnemonic, string formula, list<Trait> traits = []>
    : Graph_BroadcastBinaryOp<mnemonic, Graph_NumericTensor, Graph_NumericTensor,
                              0, 1, traits> {
  let summary = "elementwise " # formula # " with broadcasting";
  let description = "Computes `" # formula # "` elementwise after numpy-style "
      # "broadcasting of both operands. Both operands have the same element type.\n\n"
      # "```mlir\n%z = graph." # mnemonic # " %x, %y : (tensor<2x3xf32>, "
      # "tensor<3xf32>) -> tensor<2x3xf32>\n```";
}

class Graph_CompareOp<string mnemonic, string formula>
    : Graph_BroadcastBinaryOp<mnemonic, Graph_Tensor, Graph_BoolTensor, 1, 1> {
  let summary = "elementwise " # formula # " comparison with broadcasting";
  let description = "Compares `" # formula # "` elementwise after numpy-style "
      # "broadcasting and yields an `i1` tensor.\n\n```mlir\n%m = graph." # mnemonic
      # " %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>\n```";
}

class Graph_LogicalOp<string mnemonic, string formula>
    : Graph_BroadcastBinaryOp<mnemonic, Graph_BoolTensor, Graph_BoolTensor, 1, 1> {
  let summary = "elementwise logical " # formula # " with broadcasting";
  let description = "Computes `" # formula # "` on `i1` tensors after "
      # "numpy-style broadcasting.\n\n```mlir\n%m = graph." # mnemonic
      # " %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>\n```";
}

// Reductions over `axes` (an i64 operand; empty means all axes unless
// noop_with_empty_axes).
class Graph_ReduceOp<string mnemonic, string formula>
    : Graph_InferredOp<mnemonic> {
  let summary = "reduces a tensor with " # formula # " over the given axes";
  let description = "Reduces `data` over `axes` with `" # formula # "`. `axes` "
      # "is a 1-D i64 tensor (negative values count from the back); when it is "
      # "empty all axes are reduced, unless `noop_with_empty_axes` is set, in "
      # "which case the op is the identity. Opsets where `axes` was an attribute "
      # "are normalized to this form at import.\n\n```mlir\n%r = graph." # mnemonic
      # " %x, %axes {keepdims = true, noop_with_empty_axes = false} : "
      # "(tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>\n```";
  let arguments = (ins Graph_NumericTensor:$data, Graph_I64Tensor:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs Graph_NumericTensor:$reduced);
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      return ::kiln::graph::detail::inferReduction(location, adaptor.getData(),
          adaptor.getAxes(), adaptor.getKeepdims(), adaptor.getNoopWithEmptyAxes(),
          inferredReturnTypes);
    }
    ::llvm::LogicalResult $cppClass::verify() {
      return ::kiln::graph::detail::verifyReduction(getOperation(), getData(), getAxes());
    }
  }];
}

#endif // KILN_IR_GRAPHBASE_TD
