//===- BoundDynamicResults.cpp - static out-params for data-dependent outputs ===//
//
// The entry-point ABI passes caller-owned buffers of a size fixed at compile
// time. A result whose shape depends on the data (NonZero, Unique, ...)
// therefore becomes two results: its elements, dense and row-major, at the
// start of a 1-D buffer as large as the dimensions' upper bounds allow, and a
// 1-D i64 tensor of its actual dimensions. The bounds come from
// ValueBoundsConstraintSet (the lowering of each data-dependent op clamps its
// count with affine.min), and are recorded for the header:
//   - the data result gets `kiln.max_shape` (the bound of each dimension);
//   - the appended dimensions result gets `kiln.shape_of` (the index of the
//     data result it describes).
//
//===----------------------------------------------------------------------===//

#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_BOUNDDYNAMICRESULTS
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Copies `value` (any shape) densely into the leading elements of the 1-D
/// `buffer`, in row-major order of its actual dimensions `sizes`.
Value copyDensely(OpBuilder &b, Location loc, Value value, ArrayRef<Value> sizes,
                  Value buffer) {
  int64_t rank = static_cast<int64_t>(sizes.size());
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  SmallVector<Value> lowers(rank, zero), steps(rank, one);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lowers, sizes, steps, ValueRange{buffer},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange ivs, ValueRange iters) {
        Value linear = zero;
        for (int64_t d = 0; d < rank; ++d)
          linear = nested.create<arith::AddIOp>(
              nestedLoc, nested.create<arith::MulIOp>(nestedLoc, linear, sizes[d]), ivs[d]);
        Value element = nested.create<tensor::ExtractOp>(nestedLoc, value, ivs);
        return scf::ValueVector{
            nested.create<tensor::InsertOp>(nestedLoc, element, iters[0], linear)};
      });
  return nest.results.empty() ? buffer : nest.results[0];
}

struct BoundDynamicResultsPass : impl::BoundDynamicResultsBase<BoundDynamicResultsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.isPublic())
      return;
    if (!llvm::any_of(func.getResultTypes(), [](Type type) {
          auto shaped = dyn_cast<RankedTensorType>(type);
          return shaped && !shaped.hasStaticShape();
        }))
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("kiln-bound-dynamic-results expects a single-block function body");
      return signalPassFailure();
    }
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    OpBuilder b(ret);
    MLIRContext *context = &getContext();
    SmallVector<Value> results(ret.getOperands());
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      resultAttrs.push_back(func.getResultAttrDict(i));
    unsigned numOriginal = results.size();

    for (unsigned i = 0; i < numOriginal; ++i) {
      auto type = dyn_cast<RankedTensorType>(results[i].getType());
      if (!type || type.hasStaticShape())
        continue;
      Value value = results[i];
      Location loc = value.getLoc();
      SmallVector<int64_t> bounds;
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d)) {
          bounds.push_back(type.getDimSize(d));
          sizes.push_back(b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d)));
          continue;
        }
        FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
            presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(value, d),
            /*stopCondition=*/nullptr, /*closedUB=*/true);
        if (failed(bound)) {
          auto name = resultAttrs[i] ? resultAttrs[i].getAs<StringAttr>("graph.name")
                                     : StringAttr();
          emitError(loc) << "output " << i << (name ? " ('" + name.str() + "')" : "")
                         << " of type " << type << ": dimension " << d
                         << " depends on the data and has no upper bound known at "
                            "compile time";
          return signalPassFailure();
        }
        bounds.push_back(std::max<int64_t>(0, *bound));
        sizes.push_back(b.create<tensor::DimOp>(loc, value, d));
      }
      int64_t capacity = 1;
      for (int64_t bound : bounds)
        capacity *= bound;
      Value buffer = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{capacity},
                                               type.getElementType());
      results[i] = copyDensely(b, loc, value, sizes, buffer);

      SmallVector<Value> dims;
      for (Value size : sizes)
        dims.push_back(b.create<arith::IndexCastOp>(loc, b.getI64Type(), size));
      results.push_back(b.create<tensor::FromElementsOp>(
          loc, RankedTensorType::get({type.getRank()}, b.getI64Type()), dims));

      NamedAttrList dataAttrs(resultAttrs[i]);
      dataAttrs.set("kiln.max_shape", DenseI64ArrayAttr::get(context, bounds));
      resultAttrs[i] = dataAttrs.getDictionary(context);
      NamedAttrList shapeAttrs;
      shapeAttrs.set("kiln.shape_of", b.getI64IntegerAttr(i));
      resultAttrs.push_back(shapeAttrs.getDictionary(context));
    }

    ret->setOperands(results);
    func.setType(FunctionType::get(context, func.getArgumentTypes(),
                                   ValueRange(results).getTypes()));
    func.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
} // namespace kiln::codegen
