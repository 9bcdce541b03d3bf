//===- ConvToGemm.cpp - channels-last convolutions as matrix products -----===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "codegen/ConstantLayout.h"
#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::codegen {
#define GEN_PASS_DEF_CONVERTCONVTOGEMM
#include "codegen/Passes.h.inc"
} // namespace kiln::codegen

using namespace mlir;

namespace kiln::codegen {
namespace {

/// The input patches of a convolution, one row per output pixel:
/// patches[n, oh, ow, kh, kw, c] = input[n, oh*sh + kh*dh, ow*sw + kw*dw, c].
/// Without column dilation a patch row's (kw, c) run is contiguous in the
/// input, so the copy reads the input as [N][H][W*C] and its innermost loop
/// moves KW*C consecutive values (a vector copy, not runs of C values).
/// Returned as [N][OH][OW][depth...]: collapsing the leading three and the
/// rest gives the (N*OH*OW) x (KH*KW*C) matrix.
Value createPatches(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> outputShape,
                    int64_t kernelH, int64_t kernelW, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t channels = inputType.getDimSize(3);
  MLIRContext *context = b.getContext();
  Type elementType = inputType.getElementType();
  auto copy = [](OpBuilder &, Location, ValueRange args) { return args[0]; };
  if (dilations[1] == 1) {
    Value rows = b.create<tensor::CollapseShapeOp>(
        loc, input, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    SmallVector<int64_t> shape{outputShape[0], outputShape[1], outputShape[2], kernelH,
                               kernelW * channels};
    AffineExpr n, oh, ow, kh, run;
    bindDims(context, n, oh, ow, kh, run);
    AffineMap read = AffineMap::get(
        5, 0, {n, oh * strides[0] + kh * dilations[0], ow * (strides[1] * channels) + run},
        context);
    return createParallelGeneric(b, loc, RankedTensorType::get(shape, elementType), rows, read,
                                 copy);
  }
  SmallVector<int64_t> shape{outputShape[0], outputShape[1], outputShape[2],
                             kernelH,        kernelW,        channels};
  AffineExpr n, oh, ow, kh, kw, c;
  bindDims(context, n, oh, ow, kh, kw, c);
  AffineMap read = AffineMap::get(
      6, 0,
      {n, oh * strides[0] + kh * dilations[0], ow * strides[1] + kw * dilations[1], c},
      context);
  return createParallelGeneric(b, loc, RankedTensorType::get(shape, elementType), input, read,
                               copy);
}

/// The reassociation that views patches (see createPatches) as a matrix.
SmallVector<ReassociationIndices> getPatchMatrixReassociation(Value patches) {
  ReassociationIndices depth;
  for (int64_t d = 3; d < cast<RankedTensorType>(patches.getType()).getRank(); ++d)
    depth.push_back(d);
  return {{0, 1, 2}, depth};
}

/// Each chunk multiplies its patches with all of the weights: chunks pay
/// while the weights stay in the cache beside a chunk (early layers: many
/// pixels, few channels); otherwise the whole height.
int64_t getRowsPerChunk(ArrayRef<int64_t> outputShape, int64_t depth, int64_t features,
                        int64_t chunkBytes) {
  int64_t height = outputShape[1], rowBytes = outputShape[2] * depth * 4;
  int64_t patchBytes = height * rowBytes, weightBytes = depth * features * 4;
  if (chunkBytes == 0 || outputShape[0] != 1 || patchBytes <= chunkBytes ||
      2 * weightBytes > chunkBytes)
    return height;
  int64_t rows = 1;
  for (int64_t candidate = height - 1; candidate > 1; --candidate)
    if (height % candidate == 0 && candidate * rowBytes <= chunkBytes) {
      rows = candidate;
      break;
    }
  return rows;
}

/// The product of the patches with the weights, one chunk of output rows
/// at a time: each step builds the patches of its rows (read from the
/// input rows they need) and multiplies them, so the patches are written
/// and read back while they are in the cache, instead of a whole patch
/// matrix that goes to memory and back. The loop is marked
/// `kiln.row_chunks` for kiln-tile-and-vectorize, which tiles the product
/// inside it.
Value createChunkedProduct(OpBuilder &b, Location loc, Value input, Value weights,
                           Value productInit, ArrayRef<int64_t> outputShape, int64_t kernelH,
                           int64_t kernelW, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, int64_t rowsPerChunk) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto productType = cast<RankedTensorType>(productInit.getType());
  int64_t width = outputShape[2], features = productType.getDimSize(1);
  int64_t chunkPixels = rowsPerChunk * width;
  int64_t inputRows = (rowsPerChunk - 1) * strides[0] + (kernelH - 1) * dilations[0] + 1;
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value height = b.create<arith::ConstantIndexOp>(loc, outputShape[1]);
  Value step = b.create<arith::ConstantIndexOp>(loc, rowsPerChunk);
  Value empty = b.create<tensor::EmptyOp>(loc, productType.getShape(), productType.getElementType());
  auto loop = b.create<scf::ForOp>(
      loc, zero, height, step, ValueRange{empty},
      [&](OpBuilder &b, Location loc, Value row, ValueRange iterArgs) {
        Value inputRow = b.create<arith::MulIOp>(
            loc, row, b.create<arith::ConstantIndexOp>(loc, strides[0]));
        SmallVector<OpFoldResult> inputOffsets{b.getIndexAttr(0), inputRow, b.getIndexAttr(0),
                                               b.getIndexAttr(0)};
        SmallVector<OpFoldResult> inputSizes{
            b.getIndexAttr(1), b.getIndexAttr(inputRows),
            b.getIndexAttr(inputType.getDimSize(2)), b.getIndexAttr(inputType.getDimSize(3))};
        SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
        Value rows = b.create<tensor::ExtractSliceOp>(loc, input, inputOffsets, inputSizes, unit);
        Value patches = createPatches(b, loc, rows, {1, rowsPerChunk, width}, kernelH, kernelW,
                                      strides, dilations);
        auto patchType = cast<RankedTensorType>(patches.getType());
        Value lhs = b.create<tensor::CollapseShapeOp>(
            loc,
            RankedTensorType::get({chunkPixels, patchType.getNumElements() / chunkPixels},
                                  patchType.getElementType()),
            patches, getPatchMatrixReassociation(patches));
        Value pixel = b.create<arith::MulIOp>(loc, row, b.create<arith::ConstantIndexOp>(loc, width));
        SmallVector<OpFoldResult> offsets{pixel, b.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes{b.getIndexAttr(chunkPixels), b.getIndexAttr(features)};
        SmallVector<OpFoldResult> unit2(2, b.getIndexAttr(1));
        Value chunkInit = b.create<tensor::ExtractSliceOp>(loc, productInit, offsets, sizes, unit2);
        Value chunk = b.create<linalg::MatmulOp>(loc, TypeRange{chunkInit.getType()},
                                                 ValueRange{lhs, weights}, ValueRange{chunkInit})
                          .getResult(0);
        Value updated =
            b.create<tensor::InsertSliceOp>(loc, chunk, iterArgs[0], offsets, sizes, unit2);
        b.create<scf::YieldOp>(loc, updated);
      });
  loop->setAttr(kRowChunksAttrName, b.getUnitAttr());
  return loop.getResult(0);
}

void convertToGemm(IRRewriter &rewriter, linalg::Conv2DNhwcHwcfOp conv, int64_t maxPatchBytes,
                   int64_t chunkBytes) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1], init = conv.getOutputs()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  if (!inputType.hasStaticShape() || !filterType.hasStaticShape() ||
      !outputType.hasStaticShape() || !outputType.getElementType().isF32() ||
      !matchPattern(filter, m_Constant()))
    return;
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  int64_t kernelH = filterType.getDimSize(0), kernelW = filterType.getDimSize(1);
  int64_t channels = filterType.getDimSize(2), features = filterType.getDimSize(3);
  ArrayRef<int64_t> outputShape = outputType.getShape();
  int64_t pixels = outputShape[0] * outputShape[1] * outputShape[2];
  int64_t depth = kernelH * kernelW * channels;
  bool pointwise = kernelH == 1 && kernelW == 1 && strides[0] == 1 && strides[1] == 1 &&
                   inputType.getDimSize(1) == outputShape[1] &&
                   inputType.getDimSize(2) == outputShape[2];
  // The patch matrix costs a copy of KH*KW times the input; past a size it
  // no longer fits the caches and the direct convolution is faster.
  if (!pointwise && pixels * depth * 4 > maxPatchBytes)
    return;

  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  Value weights = createReshapedConstant(rewriter, loc, filter, {depth, features}); // HWC x F
  if (!weights)
    return;
  SmallVector<ReassociationIndices> rowsAndFeatures{{0, 1, 2}, {3}};
  auto productType = RankedTensorType::get({pixels, features}, outputType.getElementType());
  int64_t rowsPerChunk = getRowsPerChunk(outputShape, depth, features, chunkBytes);
  if (!pointwise && rowsPerChunk < outputShape[1]) {
    Value productInit =
        rewriter.create<tensor::CollapseShapeOp>(loc, productType, init, rowsAndFeatures);
    Value product =
        createChunkedProduct(rewriter, loc, input, weights, productInit, outputShape, kernelH,
                             kernelW, strides, dilations, rowsPerChunk);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(conv, outputType, product,
                                                       rowsAndFeatures);
    return;
  }
  Value patches = pointwise ? input
                            : createPatches(rewriter, loc, input, outputShape, kernelH,
                                            kernelW, strides, dilations);
  auto patchType = cast<RankedTensorType>(patches.getType());
  SmallVector<ReassociationIndices> rowsAndDepth =
      pointwise ? SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}
                : getPatchMatrixReassociation(patches);
  Value lhs = rewriter.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({pixels, depth}, patchType.getElementType()), patches,
      rowsAndDepth);
  Value productInit =
      rewriter.create<tensor::CollapseShapeOp>(loc, productType, init, rowsAndFeatures);
  Value product = rewriter
                      .create<linalg::MatmulOp>(loc, TypeRange{productType},
                                                ValueRange{lhs, weights}, ValueRange{productInit})
                      .getResult(0);
  Value result =
      rewriter.create<tensor::ExpandShapeOp>(loc, outputType, product, rowsAndFeatures);
  rewriter.replaceOp(conv, result);
}

struct ConvertConvToGemmPass : impl::ConvertConvToGemmBase<ConvertConvToGemmPass> {
  using ConvertConvToGemmBase::ConvertConvToGemmBase;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    getOperation().walk([&](linalg::Conv2DNhwcHwcfOp conv) { convs.push_back(conv); });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNhwcHwcfOp conv : convs)
      convertToGemm(rewriter, conv, static_cast<int64_t>(maxPatchKilobytes) * 1024,
                    static_cast<int64_t>(patchChunkKilobytes) * 1024);
  }
};

} // namespace
} // namespace kiln::codegen
