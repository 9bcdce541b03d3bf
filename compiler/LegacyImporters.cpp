//===- LegacyImporters.cpp - ONNX operator forms of opsets 1 to 6 ---------===//
//
// Operators whose semantics changed at opset 7 or earlier have their old
// forms imported here, normalized onto the graph ops the current forms build:
//
//  - Binary arithmetic, comparison and logical ops broadcast only with
//    `broadcast` = 1, and then align B with A starting at `axis` (by default
//    with A's trailing dimensions). B gets trailing unit dimensions so numpy
//    broadcasting computes the same result.
//  - Cast named its target type with a string before opset 6.
//  - Tile repeated along one `axis` by a scalar `tiles` before opset 6.
//
// Old forms whose differences are only attributes the current handlers can
// read (consumed_inputs, is_test, Concat's default axis...) are handled by
// widening the opset range of the current handler instead.
//
//===----------------------------------------------------------------------===//

#include "compiler/NodeImporter.h"
#include "compiler/TensorConversion.h"
#include "ir/GraphOps.h"
#include "ir/ShapeInference.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace kiln::graph;

namespace kiln {
namespace {

std::string shapeString(RankedTensorType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleave(
      type.getShape(), os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  os << "]";
  return text;
}

/// The right operand of a legacy-broadcasting binary op, reshaped so that
/// numpy broadcasting against A gives the old result.
FailureOr<Value> legacyBroadcastRhs(NodeImporter &node) {
  auto broadcast = node.getInt("broadcast", 0);
  if (failed(broadcast))
    return failure();
  Value rhs = node.input(1);
  RankedTensorType a = node.inputType(0), b = node.inputType(1);
  if (*broadcast == 0) {
    // Without broadcasting both operands have one shape; numpy broadcasting
    // would quietly accept more, so a mismatch is the model's error.
    bool same = a.getRank() == b.getRank();
    for (int64_t i = 0; same && i < a.getRank(); ++i)
      same = a.isDynamicDim(i) || b.isDynamicDim(i) || a.getDimSize(i) == b.getDimSize(i);
    if (!same)
      return node.emitError() << node.opType() << " (opset " << node.opset()
                              << ") without broadcast = 1 needs operands of one shape, got "
                              << shapeString(a) << " and " << shapeString(b);
    return rhs;
  }
  int64_t rankA = a.getRank(), rankB = b.getRank();
  if (rankB > rankA)
    return node.emitError() << node.opType() << " (opset " << node.opset()
                            << ") broadcasts B onto A, but B " << shapeString(b)
                            << " has a higher rank than A " << shapeString(a);
  // A single-element B is broadcast to all of A whatever `axis` says.
  if (b.hasStaticShape() && b.getNumElements() == 1)
    return rhs;
  int64_t axis = rankA - rankB;
  if (node.hasAttr("axis")) {
    auto attr = node.getInt("axis", std::nullopt);
    if (failed(attr))
      return failure();
    axis = *attr < 0 ? *attr + rankA : *attr;
    if (axis < 0 || axis + rankB > rankA)
      return node.emitError() << node.opType() << " broadcast axis " << *attr
                              << " does not place B " << shapeString(b) << " inside A "
                              << shapeString(a);
  }
  for (int64_t i = 0; i < rankB; ++i) {
    int64_t da = a.getDimSize(axis + i), db = b.getDimSize(i);
    if (!ShapedType::isDynamic(da) && !ShapedType::isDynamic(db) && db != da && db != 1)
      return node.emitError() << node.opType() << " cannot broadcast B " << shapeString(b)
                              << " onto A " << shapeString(a) << " at axis " << axis;
  }
  int64_t trailing = rankA - axis - rankB;
  if (trailing == 0)
    return rhs;
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < trailing; ++i)
    axes.push_back(rankB + i);
  auto unsqueezed = node.create<UnsqueezeOp>(rhs, node.constI64(axes));
  if (!unsqueezed)
    return failure();
  return Value(unsqueezed);
}

template <typename OpTy>
LogicalResult importLegacyBinary(NodeImporter &node) {
  auto rhs = legacyBroadcastRhs(node);
  if (failed(rhs))
    return failure();
  return node.setResult(node.create<OpTy>(node.input(0), *rhs));
}

/// Cast before opset 6 names the target type ("FLOAT", "INT64"...).
LogicalResult importLegacyCast(NodeImporter &node) {
  auto to = node.getString("to", std::nullopt);
  if (failed(to))
    return failure();
  onnx::TensorProto_DataType code;
  if (!onnx::TensorProto_DataType_Parse(*to, &code))
    return node.emitError() << "Cast to '" << *to << "' names no ONNX data type";
  Type element = convertElementType(node.context(), static_cast<int32_t>(code));
  if (!element)
    return node.emitError() << "Cast to " << *to << " is not supported";
  return node.setResult(node.create<CastOp>(node.input(0), TypeAttr::get(element)));
}

/// Tile before opset 6: `tiles` copies along `axis`, both scalar inputs. Only
/// constants can become the repeats operand of the current form.
LogicalResult importLegacyTile(NodeImporter &node) {
  auto tiles = getConstantIntValues(node.input(1));
  auto axis = getConstantIntValues(node.input(2));
  if (!tiles || !axis || tiles->size() != 1 || axis->size() != 1)
    return node.emitError() << "Tile (opset " << node.opset()
                            << ") needs constant scalar 'tiles' and 'axis' inputs";
  int64_t rank = node.inputType(0).getRank();
  auto normalized = normalizeAxis((*axis)[0], rank);
  if (!normalized)
    return node.emitError() << "Tile axis " << (*axis)[0] << " is out of range for rank "
                            << rank;
  SmallVector<int64_t> repeats(rank, 1);
  repeats[*normalized] = (*tiles)[0];
  return node.setResult(node.create<TileOp>(node.input(0), node.constI64(repeats)));
}

const OpImporterEntry kLegacyImporters[] = {
    {"Add", 1, 6, importLegacyBinary<AddOp>},
    {"Sub", 1, 6, importLegacyBinary<SubOp>},
    {"Mul", 1, 6, importLegacyBinary<MulOp>},
    {"Div", 1, 6, importLegacyBinary<DivOp>},
    {"Pow", 1, 6, importLegacyBinary<PowOp>},
    {"Equal", 1, 6, importLegacyBinary<EqualOp>},
    {"Less", 1, 6, importLegacyBinary<LessOp>},
    {"Greater", 1, 6, importLegacyBinary<GreaterOp>},
    {"And", 1, 6, importLegacyBinary<AndOp>},
    {"Or", 1, 6, importLegacyBinary<OrOp>},
    {"Xor", 1, 6, importLegacyBinary<XorOp>},
    {"Cast", 1, 5, importLegacyCast},
    {"Tile", 1, 5, importLegacyTile},
};

} // namespace

llvm::ArrayRef<OpImporterEntry> legacyImporters() { return kLegacyImporters; }

} // namespace kiln
