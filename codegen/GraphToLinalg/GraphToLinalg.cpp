//===- GraphToLinalg.cpp - the graph-to-linalg conversion pass -------------===//
//
// Drives the per-family patterns (ElementwiseLowering.cpp, NNLowering.cpp,
// TensorLowering.cpp, ReductionLowering.cpp) and converts what they share:
// constants and the function signature (unsigned element types become
// signless).
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "codegen/Passes.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_LOWERGRAPHTOLINALG
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// Constants keep their payload (inline or a resource blob shared with the
/// import, so weights are not copied); only an unsigned element type changes.
constexpr int64_t kMaxStoredSplatElements = 64;

struct ConstantLowering : OpConversionPattern<graph::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(graph::ConstantOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = convertTensorType(*getTypeConverter(), op.getType());
    if (!type)
      return op.emitError() << "cannot lower constant of type " << op.getType();
    auto value = cast<ElementsAttr>(op.getValue());
    TypedAttr attr = cast<TypedAttr>(value);
    if (type != op.getType()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(attr))
        attr = dense.bitcast(type.getElementType());
      else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
        attr = DenseResourceElementsAttr::get(type, resource.getRawHandle());
      else
        return op.emitError() << "cannot lower constant payload " << attr;
    }
    // A large splat (ConstantOfShape, zeros) is computed, not stored: it
    // would otherwise become initialized data of its full size.
    auto dense = dyn_cast<DenseElementsAttr>(attr);
    if (dense && dense.isSplat() && type.getNumElements() > kMaxStoredSplatElements) {
      Value element = rewriter.create<arith::ConstantOp>(
          op.getLoc(), cast<TypedAttr>(dense.getSplatValue<Attribute>()));
      rewriter.replaceOp(op, createFilledTensor(rewriter, op.getLoc(), type, element));
      return success();
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, attr);
    return success();
  }
};

struct LowerGraphToLinalgPass
    : impl::LowerGraphToLinalgBase<LowerGraphToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    GraphTypeConverter converter;

    ConversionTarget target(*context);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                           bufferization::BufferizationDialect>();
    // Data-dependent sizes are clamped to their bounds with affine.min.
    target.addLegalOp<affine::AffineMinOp>();
    target.addIllegalDialect<graph::GraphDialect>();
    // Functions and returns are legal once their types are signless.
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return converter.isSignatureLegal(func.getFunctionType()) &&
             converter.isLegal(&func.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addLegalOp<ModuleOp>();

    RewritePatternSet patterns(context);
    patterns.add<ConstantLowering>(converter, context);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateElementwiseLoweringPatterns(converter, patterns);
    populateNNLoweringPatterns(converter, patterns);
    populateTensorLoweringPatterns(converter, patterns);
    populateReductionLoweringPatterns(converter, patterns);
    populateRecurrentLoweringPatterns(converter, patterns);
    populateMiscLoweringPatterns(converter, patterns);
    populateSamplingLoweringPatterns(converter, patterns);
    populateControlFlowLoweringPatterns(converter, patterns);
    populateDataDependentLoweringPatterns(converter, patterns);

    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();

    // The caller's input buffers are const in the entry-point ABI: one-shot
    // bufferization must not reuse them for results.
    auto readOnly = BoolAttr::get(context, false);
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        for (unsigned i = 0; i < func.getNumArguments(); ++i)
          func.setArgAttr(i, "bufferization.writable", readOnly);
  }
};

} // namespace
} // namespace kiln::codegen
