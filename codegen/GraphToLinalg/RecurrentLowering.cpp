//===- RecurrentLowering.cpp - graph-to-linalg patterns: LSTM, GRU, RNN ---===//
//
// A recurrent layer becomes, per direction:
//
//   1. one big matmul X * W^T over all time steps at once (with the input
//      biases as its initial value), before any loop: it is most of the
//      work and does not depend on the recurrence;
//   2. an scf.for over the time steps (counting down for the reverse
//      direction) that per step multiplies the previous hidden state by R^T
//      (linalg.matmul_transpose_b) and applies the gate math in a
//      linalg.generic over batch x hidden.
//
// Everything the loop writes is a loop-carried tensor written through
// extract_slice / insert_slice pairs, so one-shot bufferization updates it in
// place and the loop body allocates nothing (kiln's memory planner only
// places top-level buffers):
//
//   - the hidden (and cell) state lives in its slot of the Y_h (Y_c) result,
//     which starts as initial_h (initial_c) or zeros, so the last step's
//     state is the result with no copy, and a bidirectional layer's second
//     loop continues on the first loop's tensor;
//   - each step's hidden state is stored into its slot of Y (when Y is used);
//   - LSTM and RNN accumulate H * R^T into the step's slice of X * W^T, which
//     is dead afterwards; GRU needs the recurrent product apart from the
//     input product (its reset gate scales one of them), so it multiplies
//     into loop-carried scratch tensors.
//
// sequence_lens masks the recurrence: a batch entry whose length is <= t
// keeps its state and gets a zero Y row. For the reverse direction this also
// gives ONNX's semantics (each entry is reversed within its own length), as
// its state stays at the initial value until the loop reaches its last step.
//
//===----------------------------------------------------------------------===//

#include "codegen/GraphToLinalg/LoweringUtils.h"
#include "ir/GraphOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace kiln::codegen {
namespace {

enum class CellKind { LSTM, GRU, RNN };

/// One gate function with its (normalized) alpha and beta.
struct Activation {
  StringRef name;
  double alpha = 0, beta = 0;
};

/// Everything the lowering needs from one of the three ops.
struct RecurrentLayer {
  CellKind kind;
  Value x, w, r, bias, lens, initialH, initialC, peepholes;
  int64_t seq = 0, batch = 0, hidden = 0, gates = 0, layout = 0;
  int64_t directions = 1;
  bool reverseOnly = false;
  bool inputForget = false, linearBeforeReset = false;
  std::optional<double> clip;
  SmallVector<Activation> activations; ///< all directions, forward first
  RankedTensorType yType, stateType;   ///< Y and Y_h (= Y_c) types
  bool needY = false;
  Type element;
};

//===----------------------------------------------------------------------===//
// Scalar math
//===----------------------------------------------------------------------===//

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  return createScalarConstant(b, loc, type, value);
}

Value stableSigmoid(OpBuilder &b, Location loc, Value x) {
  // exp of -|x| never overflows; the two branches are 1/(1+e^-x) and
  // e^x/(1+e^x) written with that one exponential.
  Type type = x.getType();
  Value one = constant(b, loc, type, 1.0);
  Value decay = b.create<math::ExpOp>(
      loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
  Value denominator = b.create<arith::AddFOp>(loc, one, decay);
  Value positive = b.create<arith::DivFOp>(loc, one, denominator);
  Value negative = b.create<arith::DivFOp>(loc, decay, denominator);
  Value isPositive = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x,
                                             constant(b, loc, type, 0.0));
  return b.create<arith::SelectOp>(loc, isPositive, positive, negative);
}

Value applyActivation(OpBuilder &b, Location loc, const Activation &fn, Value x) {
  Type type = x.getType();
  Value zero = constant(b, loc, type, 0.0);
  auto alpha = [&] { return constant(b, loc, type, fn.alpha); };
  auto beta = [&] { return constant(b, loc, type, fn.beta); };
  auto lessThanZero = [&] {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, zero);
  };
  StringRef name = fn.name;
  if (name == "Sigmoid")
    return stableSigmoid(b, loc, x);
  if (name == "Tanh")
    return b.create<math::TanhOp>(loc, x);
  if (name == "Relu")
    return b.create<arith::MaximumFOp>(loc, x, zero);
  if (name == "Affine")
    return b.create<arith::AddFOp>(loc, b.create<arith::MulFOp>(loc, alpha(), x), beta());
  if (name == "LeakyRelu")
    return b.create<arith::SelectOp>(loc, lessThanZero(),
                                     b.create<arith::MulFOp>(loc, alpha(), x), x);
  if (name == "ThresholdedRelu") {
    Value above = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, alpha());
    return b.create<arith::SelectOp>(loc, above, x, zero);
  }
  if (name == "ScaledTanh")
    return b.create<arith::MulFOp>(
        loc, alpha(), b.create<math::TanhOp>(loc, b.create<arith::MulFOp>(loc, beta(), x)));
  if (name == "HardSigmoid") {
    Value linear =
        b.create<arith::AddFOp>(loc, b.create<arith::MulFOp>(loc, alpha(), x), beta());
    Value floor = b.create<arith::MaximumFOp>(loc, linear, zero);
    return b.create<arith::MinimumFOp>(loc, floor, constant(b, loc, type, 1.0));
  }
  if (name == "Elu") {
    Value expm1 = b.create<math::ExpM1Op>(loc, x);
    return b.create<arith::SelectOp>(loc, lessThanZero(),
                                     b.create<arith::MulFOp>(loc, alpha(), expm1), x);
  }
  if (name == "Softsign") {
    Value denominator = b.create<arith::AddFOp>(loc, constant(b, loc, type, 1.0),
                                                b.create<math::AbsFOp>(loc, x));
    return b.create<arith::DivFOp>(loc, x, denominator);
  }
  // Softplus, as max(x, 0) + log1p(exp(-|x|)) so large |x| neither overflows
  // nor loses the small tail. The verifier admits no other name.
  Value decay = b.create<math::ExpOp>(
      loc, b.create<arith::NegFOp>(loc, b.create<math::AbsFOp>(loc, x)));
  return b.create<arith::AddFOp>(loc, b.create<arith::MaximumFOp>(loc, x, zero),
                                 b.create<math::Log1pOp>(loc, decay));
}

//===----------------------------------------------------------------------===//
// The per-layer builder
//===----------------------------------------------------------------------===//

class RecurrentBuilder {
public:
  RecurrentBuilder(OpBuilder &b, Location loc, const RecurrentLayer &layer)
      : b(b), loc(loc), layer(layer) {}

  /// Emits the whole layer and returns the values of Y (null when unused),
  /// Y_h and, for LSTM, Y_c.
  SmallVector<Value> build();

private:
  //===-- Slices ---------------------------------------------------------===//
  SmallVector<OpFoldResult> indices(ArrayRef<int64_t> values) {
    return llvm::to_vector(
        llvm::map_range(values, [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); }));
  }
  Value extract(OpBuilder &ob, Value source, ArrayRef<OpFoldResult> offsets,
                ArrayRef<int64_t> sizes, ArrayRef<int64_t> resultShape) {
    auto type = RankedTensorType::get(resultShape, layer.element);
    SmallVector<OpFoldResult> ones = indices(SmallVector<int64_t>(sizes.size(), 1));
    return ob.create<tensor::ExtractSliceOp>(loc, type, source, offsets, indices(sizes),
                                             ones);
  }
  Value insert(OpBuilder &ob, Value source, Value dest, ArrayRef<OpFoldResult> offsets,
               ArrayRef<int64_t> sizes) {
    SmallVector<OpFoldResult> ones = indices(SmallVector<int64_t>(sizes.size(), 1));
    return ob.create<tensor::InsertSliceOp>(loc, source, dest, offsets, indices(sizes), ones);
  }
  /// Direction `d` of a weight (dirs x rows x cols) as a matrix.
  Value weightMatrix(Value weights, int64_t d) {
    auto shape = cast<RankedTensorType>(weights.getType()).getShape();
    return extract(b, weights, indices({d, 0, 0}), {1, shape[1], shape[2]},
                   {shape[1], shape[2]});
  }
  /// Rows [begin, begin + count) of a matrix.
  Value rows(OpBuilder &ob, Value matrix, int64_t begin, int64_t count) {
    int64_t cols = cast<RankedTensorType>(matrix.getType()).getDimSize(1);
    return extract(ob, matrix, indices({begin, 0}), {count, cols}, {count, cols});
  }
  /// Columns [begin, begin + count) of a batch x N matrix.
  Value columns(OpBuilder &ob, Value matrix, int64_t begin, int64_t count) {
    return extract(ob, matrix, indices({0, begin}), {layer.batch, count},
                   {layer.batch, count});
  }
  /// Elements [begin, begin + count) of row `d` of a dirs x N tensor (B, P).
  Value vector(Value perDirection, int64_t d, int64_t begin, int64_t count) {
    return extract(b, perDirection, indices({d, begin}), {1, count}, {count});
  }
  /// The batch x hidden slot of direction `d` in a state tensor (Y_h layout).
  SmallVector<OpFoldResult> stateOffsets(int64_t d) {
    return layer.layout == 0 ? indices({d, 0, 0}) : indices({0, d, 0});
  }
  SmallVector<int64_t> stateSizes() {
    return layer.layout == 0 ? SmallVector<int64_t>{1, layer.batch, layer.hidden}
                             : SmallVector<int64_t>{layer.batch, 1, layer.hidden};
  }
  /// The batch x N slice of time step `t` in a time-major (layout 0) or
  /// batch-major (layout 1) sequence tensor.
  SmallVector<OpFoldResult> stepOffsets(Value t, ArrayRef<int64_t> trailing) {
    SmallVector<OpFoldResult> offsets = indices(trailing);
    OpFoldResult zero = b.getIndexAttr(0);
    if (layer.layout == 0)
      offsets.insert(offsets.begin(), {t, zero});
    else
      offsets.insert(offsets.begin(), {zero, t});
    return offsets;
  }
  SmallVector<int64_t> stepSizes(ArrayRef<int64_t> trailing) {
    SmallVector<int64_t> sizes = layer.layout == 0 ? SmallVector<int64_t>{1, layer.batch}
                                                   : SmallVector<int64_t>{layer.batch, 1};
    sizes.append(trailing.begin(), trailing.end());
    return sizes;
  }

  //===-- Pieces ---------------------------------------------------------===//
  Value zeros(OpBuilder &ob, ArrayRef<int64_t> shape) {
    return createFilledTensor(ob, loc, RankedTensorType::get(shape, layer.element),
                              constant(ob, loc, layer.element, 0.0));
  }
  /// A new tensor for the loop to carry and update in place, holding a copy
  /// of `copy` when given. Unlike tensor.empty, alloc_tensor is never merged
  /// by CSE, so two carried tensors that start out equal (zeros, or the same
  /// initial state) still get buffers of their own.
  Value fresh(ArrayRef<int64_t> shape, Value copy = {}) {
    auto type = RankedTensorType::get(shape, layer.element);
    return b.create<bufferization::AllocTensorOp>(loc, type, ValueRange(), copy);
  }
  Value freshZeros(ArrayRef<int64_t> shape) {
    return b.create<linalg::FillOp>(loc, constant(b, loc, layer.element, 0.0), fresh(shape))
        .getResult(0);
  }
  Value matmulTransposeB(OpBuilder &ob, Value lhs, Value rhs, Value acc) {
    return ob.create<linalg::MatmulTransposeBOp>(loc, ValueRange{lhs, rhs}, ValueRange{acc})
        .getResult(0);
  }
  /// Clamps a gate pre-activation to [-clip, clip] when the layer clips.
  Value clipped(OpBuilder &ob, Location l, Value x) {
    if (!layer.clip)
      return x;
    Value bound = constant(ob, l, x.getType(), *layer.clip);
    Value low = ob.create<arith::MaximumFOp>(l, x, ob.create<arith::NegFOp>(l, bound));
    return ob.create<arith::MinimumFOp>(l, low, bound);
  }
  Value gate(OpBuilder &ob, Location l, int64_t d, int64_t index, Value preActivation) {
    int64_t perDirection = layer.activations.size() / layer.directions;
    return applyActivation(ob, l, layer.activations[d * perDirection + index],
                           clipped(ob, l, preActivation));
  }

  /// A linalg.generic over batch x hidden: `inputs` are read through their
  /// maps, `outputs` are batch x hidden and their current values reach the
  /// body after the inputs.
  SmallVector<Value> stepGeneric(
      OpBuilder &ob, ValueRange inputs, ArrayRef<AffineMap> inputMaps, ValueRange outputs,
      function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
    SmallVector<AffineMap> maps(inputMaps);
    maps.append(outputs.size(), ob.getMultiDimIdentityMap(2));
    SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
    auto generic = ob.create<linalg::GenericOp>(
        loc, ValueRange(outputs).getTypes(), inputs, outputs, maps, iterators,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          nested.create<linalg::YieldOp>(nestedLoc, body(nested, nestedLoc, args));
        });
    return generic.getResults();
  }
  AffineMap identityMap() { return b.getMultiDimIdentityMap(2); }
  AffineMap perHiddenMap() {
    return AffineMap::get(2, 0, {b.getAffineDimExpr(1)}, b.getContext());
  }
  AffineMap perBatchMap() {
    return AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, b.getContext());
  }

  /// Applies sequence_lens: when step `t` is past a batch entry's length,
  /// its new state is its old one and its Y row is zero.
  struct Masked {
    Value state, y;
  };
  Masked mask(OpBuilder &ob, Location l, Value stepI32, Value length, Value computed,
              Value previous) {
    if (!length)
      return {computed, computed};
    Value active = ob.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, stepI32, length);
    return {ob.create<arith::SelectOp>(l, active, computed, previous),
            ob.create<arith::SelectOp>(l, active, computed,
                                       constant(ob, l, computed.getType(), 0.0))};
  }

  Value precomputeInput(int64_t d);
  void runDirection(int64_t d, bool reverse, Value &y, Value &yh, Value &yc);

  OpBuilder &b;
  Location loc;
  const RecurrentLayer &layer;
};

/// X * W^T + input bias for all time steps: seq x batch x gates*hidden
/// (batch x seq x ... for layout 1). LSTM and RNN fold the recurrent bias in
/// here as well; GRU adds it to the recurrent product, where its reset gate
/// needs it.
Value RecurrentBuilder::precomputeInput(int64_t d) {
  int64_t gateColumns = layer.gates * layer.hidden;
  auto xType = cast<RankedTensorType>(layer.x.getType());
  int64_t steps = xType.getDimSize(0) * xType.getDimSize(1);
  Value flat = createStaticReshape(
      b, loc, layer.x, RankedTensorType::get({steps, xType.getDimSize(2)}, layer.element));
  auto accType = RankedTensorType::get({steps, gateColumns}, layer.element);
  Value init;
  if (layer.bias) {
    SmallVector<Value> biases{vector(layer.bias, d, 0, gateColumns)};
    if (layer.kind != CellKind::GRU)
      biases.push_back(vector(layer.bias, d, gateColumns, gateColumns));
    init = createElementwiseGeneric(b, loc, accType, biases,
                                    [](OpBuilder &nb, Location l, ValueRange args) {
                                      Value sum = args[0];
                                      for (Value term : args.drop_front())
                                        sum = nb.create<arith::AddFOp>(l, sum, term);
                                      return sum;
                                    });
  } else {
    init = zeros(b, {steps, gateColumns});
  }
  Value product = matmulTransposeB(b, flat, weightMatrix(layer.w, d), init);
  return createStaticReshape(
      b, loc, product,
      RankedTensorType::get({xType.getDimSize(0), xType.getDimSize(1), gateColumns},
                            layer.element));
}

void RecurrentBuilder::runDirection(int64_t d, bool reverse, Value &y, Value &yh,
                                    Value &yc) {
  const int64_t hidden = layer.hidden, batch = layer.batch;
  const int64_t gateColumns = layer.gates * hidden;
  Value xw = precomputeInput(d);
  Value recurrent = weightMatrix(layer.r, d);
  Value recurrentBias =
      layer.kind == CellKind::GRU && layer.bias ? vector(layer.bias, d, gateColumns, gateColumns)
                                                : Value();
  Value peepholes[3];
  if (layer.peepholes)
    for (int64_t k = 0; k < 3; ++k)
      peepholes[k] = vector(layer.peepholes, d, k * hidden, hidden);

  // Loop-carried tensors, by role; see the file comment for why each is one.
  SmallVector<Value> inits;
  auto carry = [&](Value v) {
    inits.push_back(v);
    return static_cast<unsigned>(inits.size() - 1);
  };
  bool gru = layer.kind == CellKind::GRU;
  bool splitGRU = gru && !layer.linearBeforeReset;
  unsigned hArg = carry(yh);
  unsigned cArg = yc ? carry(yc) : ~0u;
  unsigned yArg = y ? carry(y) : ~0u;
  unsigned xwArg = !gru ? carry(xw) : ~0u;
  // GRU scratch: the recurrent products of all gates at once, or with
  // linear_before_reset = 0, of the update, reset and hidden gates apart
  // (the hidden gate's product needs the reset gate first).
  // Each step clears them before use, so their initial contents do not matter.
  unsigned recArg = gru && !splitGRU ? carry(fresh({batch, gateColumns})) : ~0u;
  unsigned zArg = splitGRU ? carry(fresh({batch, hidden})) : ~0u;
  unsigned rArg = splitGRU ? carry(fresh({batch, hidden})) : ~0u;
  unsigned hRecArg = splitGRU ? carry(fresh({batch, hidden})) : ~0u;

  Value lower = b.create<arith::ConstantIndexOp>(loc, 0);
  Value upper = b.create<arith::ConstantIndexOp>(loc, layer.seq);
  Value stepOne = b.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = b.create<scf::ForOp>(
      loc, lower, upper, stepOne, inits,
      [&](OpBuilder &lb, Location l, Value iv, ValueRange args) {
        SmallVector<Value> yields(args.begin(), args.end());
        Value t = iv;
        if (reverse)
          t = lb.create<arith::SubIOp>(
              l, lb.create<arith::ConstantIndexOp>(l, layer.seq - 1), iv);
        Value stepI32 =
            layer.lens ? lb.create<arith::IndexCastOp>(l, lb.getI32Type(), t) : Value();

        SmallVector<OpFoldResult> slot = stateOffsets(d);
        Value hPrev = extract(lb, args[hArg], slot, stateSizes(), {batch, hidden});
        Value hSlot = extract(lb, args[hArg], slot, stateSizes(), {batch, hidden});
        SmallVector<OpFoldResult> xwOffsets = stepOffsets(t, {0});
        SmallVector<int64_t> xwSizes = stepSizes({gateColumns});
        // Y is seq x dirs x batch x hidden (layout 0) or batch x seq x dirs x
        // hidden (layout 1).
        OpFoldResult zero = lb.getIndexAttr(0), dir = lb.getIndexAttr(d);
        SmallVector<OpFoldResult> yOffsets =
            layer.layout == 0 ? SmallVector<OpFoldResult>{t, dir, zero, zero}
                              : SmallVector<OpFoldResult>{zero, t, dir, zero};
        SmallVector<int64_t> ySizes = layer.layout == 0
                                          ? SmallVector<int64_t>{1, 1, batch, hidden}
                                          : SmallVector<int64_t>{batch, 1, 1, hidden};
        Value stepInput = extract(lb, gru ? xw : args[xwArg], xwOffsets, xwSizes,
                                  {batch, gateColumns});

        // The trailing inputs every final generic takes: sequence lengths.
        SmallVector<Value> extraInputs;
        SmallVector<AffineMap> extraMaps;
        if (layer.lens) {
          extraInputs.push_back(layer.lens);
          extraMaps.push_back(perBatchMap());
        }
        SmallVector<Value> outputs;
        auto finish = [&](ArrayRef<Value> results) {
          // Stores the generic's results back into their carried tensors.
          unsigned next = 0;
          if (layer.kind == CellKind::LSTM)
            yields[cArg] = insert(lb, results[next++], args[cArg], slot, stateSizes());
          yields[hArg] = insert(lb, results[next++], args[hArg], slot, stateSizes());
          if (y)
            yields[yArg] = insert(lb, results[next++], args[yArg], yOffsets, ySizes);
        };
        auto stateOutputs = [&]() {
          if (layer.kind == CellKind::LSTM)
            outputs.push_back(
                extract(lb, args[cArg], slot, stateSizes(), {batch, hidden}));
          outputs.push_back(hSlot);
          if (y)
            outputs.push_back(extract(lb, args[yArg], yOffsets, ySizes, {batch, hidden}));
        };

        if (layer.kind == CellKind::LSTM || layer.kind == CellKind::RNN) {
          // Gates = (X*W^T + biases) + H*R^T, accumulated in place.
          Value acc = matmulTransposeB(lb, hPrev, recurrent, stepInput);
          yields[xwArg] = insert(lb, acc, args[xwArg], xwOffsets, xwSizes);
          SmallVector<Value> inputs;
          SmallVector<AffineMap> maps;
          for (int64_t k = 0; k < layer.gates; ++k) {
            inputs.push_back(columns(lb, acc, k * hidden, hidden));
            maps.push_back(identityMap());
          }
          if (layer.peepholes)
            for (Value p : peepholes) {
              inputs.push_back(p);
              maps.push_back(perHiddenMap());
            }
          size_t lensIndex = inputs.size();
          inputs.append(extraInputs);
          maps.append(extraMaps);
          stateOutputs();
          size_t numInputs = inputs.size();
          SmallVector<Value> results = stepGeneric(
              lb, inputs, maps, outputs,
              [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
                Value length = layer.lens ? a[lensIndex] : Value();
                if (layer.kind == CellKind::RNN) {
                  Value h = gate(nb, nl, d, 0, a[0]);
                  Masked m = mask(nb, nl, stepI32, length, h, a[numInputs]);
                  SmallVector<Value> out{m.state};
                  if (y)
                    out.push_back(m.y);
                  return out;
                }
                // LSTM: W/R gate blocks are input, output, forget, cell.
                Value cPrev = a[numInputs], hOld = a[numInputs + 1];
                Value iPre = a[0], oPre = a[1], fPre = a[2], cPre = a[3];
                auto peep = [&](Value pre, unsigned k, Value cell) -> Value {
                  if (!layer.peepholes)
                    return pre;
                  return nb.create<arith::AddFOp>(
                      nl, pre, nb.create<arith::MulFOp>(nl, a[4 + k], cell));
                };
                Value it = gate(nb, nl, d, 0, peep(iPre, 0, cPrev));
                Value ft = layer.inputForget
                               ? nb.create<arith::SubFOp>(
                                     nl, constant(nb, nl, layer.element, 1.0), it)
                               : gate(nb, nl, d, 0, peep(fPre, 2, cPrev));
                Value ct = gate(nb, nl, d, 1, cPre);
                Value cell = nb.create<arith::AddFOp>(
                    nl, nb.create<arith::MulFOp>(nl, ft, cPrev),
                    nb.create<arith::MulFOp>(nl, it, ct));
                Value ot = gate(nb, nl, d, 0, peep(oPre, 1, cell));
                int64_t perDirection = layer.activations.size() / layer.directions;
                Value h = nb.create<arith::MulFOp>(
                    nl, ot,
                    applyActivation(nb, nl, layer.activations[d * perDirection + 2], cell));
                Masked mc = mask(nb, nl, stepI32, length, cell, cPrev);
                Masked mh = mask(nb, nl, stepI32, length, h, hOld);
                SmallVector<Value> out{mc.state, mh.state};
                if (y)
                  out.push_back(mh.y);
                return out;
              });
          finish(results);
        } else {
          // GRU: W/R gate blocks are update (z), reset (r), hidden (h).
          Value xz = columns(lb, stepInput, 0, hidden);
          Value xr = columns(lb, stepInput, hidden, hidden);
          Value xh = columns(lb, stepInput, 2 * hidden, hidden);
          Value biasZ, biasR, biasH;
          if (recurrentBias) {
            biasZ = extract(lb, recurrentBias, indices({0}), {hidden}, {hidden});
            biasR = extract(lb, recurrentBias, indices({hidden}), {hidden}, {hidden});
            biasH = extract(lb, recurrentBias, indices({2 * hidden}), {hidden}, {hidden});
          }
          auto addBias = [&](OpBuilder &nb, Location nl, Value v, Value bias) -> Value {
            return bias ? nb.create<arith::AddFOp>(nl, v, bias).getResult() : v;
          };
          auto product = [&](Value lhs, Value weights, unsigned arg) {
            Value cleared = lb.create<linalg::FillOp>(
                                  l, constant(lb, l, layer.element, 0.0), args[arg])
                                .getResult(0);
            Value result = matmulTransposeB(lb, lhs, weights, cleared);
            yields[arg] = result;
            return result;
          };
          // Inputs shared by the z/r computations: x parts, then biases.
          Value z, hRec;
          SmallVector<Value> inputs;
          SmallVector<AffineMap> maps;
          if (splitGRU) {
            Value zRec = product(hPrev, rows(lb, recurrent, 0, hidden), zArg);
            Value rRec = product(hPrev, rows(lb, recurrent, hidden, hidden), rArg);
            SmallVector<Value> gateInputs{xz, xr, hPrev};
            SmallVector<AffineMap> gateMaps(3, identityMap());
            if (recurrentBias) {
              gateInputs.append({biasZ, biasR});
              gateMaps.append({perHiddenMap(), perHiddenMap()});
            }
            // z and r * Ht-1 overwrite the recurrent products they come from.
            SmallVector<Value> zr = stepGeneric(
                lb, gateInputs, gateMaps, {zRec, rRec},
                [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
                  Value bz = recurrentBias ? a[3] : Value();
                  Value br = recurrentBias ? a[4] : Value();
                  size_t outs = gateInputs.size();
                  Value zPre = addBias(nb, nl, nb.create<arith::AddFOp>(nl, a[0], a[outs]), bz);
                  Value rPre =
                      addBias(nb, nl, nb.create<arith::AddFOp>(nl, a[1], a[outs + 1]), br);
                  Value zt = gate(nb, nl, d, 0, zPre);
                  Value rt = gate(nb, nl, d, 0, rPre);
                  return {zt, nb.create<arith::MulFOp>(nl, rt, a[2])};
                });
            yields[zArg] = zr[0];
            yields[rArg] = zr[1];
            z = zr[0];
            hRec = product(zr[1], rows(lb, recurrent, 2 * hidden, hidden), hRecArg);
            inputs = {xh, hRec, z};
            maps.assign(3, identityMap());
            if (recurrentBias) {
              inputs.push_back(biasH);
              maps.push_back(perHiddenMap());
            }
          } else {
            Value rec = product(hPrev, recurrent, recArg);
            inputs = {xz, xr, xh, columns(lb, rec, 0, hidden),
                      columns(lb, rec, hidden, hidden), columns(lb, rec, 2 * hidden, hidden)};
            maps.assign(6, identityMap());
            if (recurrentBias) {
              inputs.append({biasZ, biasR, biasH});
              maps.append({perHiddenMap(), perHiddenMap(), perHiddenMap()});
            }
          }
          size_t lensIndex = inputs.size();
          inputs.append(extraInputs);
          maps.append(extraMaps);
          stateOutputs();
          size_t numInputs = inputs.size();
          SmallVector<Value> results = stepGeneric(
              lb, inputs, maps, outputs,
              [&](OpBuilder &nb, Location nl, ValueRange a) -> SmallVector<Value> {
                Value length = layer.lens ? a[lensIndex] : Value();
                Value hOld = a[numInputs];
                Value zt, candidate;
                if (splitGRU) {
                  Value bh = recurrentBias ? a[3] : Value();
                  zt = a[2];
                  candidate = gate(nb, nl, d, 1,
                                   addBias(nb, nl, nb.create<arith::AddFOp>(nl, a[0], a[1]), bh));
                } else {
                  Value bz = recurrentBias ? a[6] : Value();
                  Value br = recurrentBias ? a[7] : Value();
                  Value bh = recurrentBias ? a[8] : Value();
                  zt = gate(nb, nl, d, 0,
                            addBias(nb, nl, nb.create<arith::AddFOp>(nl, a[0], a[3]), bz));
                  Value rt = gate(nb, nl, d, 0,
                                  addBias(nb, nl, nb.create<arith::AddFOp>(nl, a[1], a[4]), br));
                  Value scaled = nb.create<arith::MulFOp>(nl, rt, addBias(nb, nl, a[5], bh));
                  candidate = gate(nb, nl, d, 1, nb.create<arith::AddFOp>(nl, a[2], scaled));
                }
                // Ht = (1 - zt) * ht + zt * Ht-1 = ht + zt * (Ht-1 - ht).
                Value h = nb.create<arith::AddFOp>(
                    nl, candidate,
                    nb.create<arith::MulFOp>(nl, zt,
                                             nb.create<arith::SubFOp>(nl, hOld, candidate)));
                Masked m = mask(nb, nl, stepI32, length, h, hOld);
                SmallVector<Value> out{m.state};
                if (y)
                  out.push_back(m.y);
                return out;
              });
          finish(results);
        }
        lb.create<scf::YieldOp>(l, yields);
      });
  yh = loop.getResult(hArg);
  if (yc)
    yc = loop.getResult(cArg);
  if (y)
    y = loop.getResult(yArg);
}

SmallVector<Value> RecurrentBuilder::build() {
  // The states start as copies of the initial values (the loops update them
  // in place) or zeros.
  auto initialState = [&](Value given) {
    ArrayRef<int64_t> shape = layer.stateType.getShape();
    return given ? fresh(shape, given) : freshZeros(shape);
  };
  Value yh = initialState(layer.initialH);
  Value yc = layer.kind == CellKind::LSTM ? initialState(layer.initialC) : Value();
  // Every step writes its Y slot (zeros where masked), so Y starts uninitialized.
  Value y = layer.needY ? fresh(layer.yType.getShape()) : Value();
  for (int64_t d = 0; d < layer.directions; ++d)
    runDirection(d, layer.reverseOnly || d == 1, y, yh, yc);
  SmallVector<Value> results{y ? y : createEmptyTensor(b, loc, layer.yType), yh};
  if (yc)
    results.push_back(yc);
  return results;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct RecurrentLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult matchAndRewrite(OpTy op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RecurrentLayer layer;
    if constexpr (std::is_same_v<OpTy, graph::LSTMOp>) {
      layer.kind = CellKind::LSTM;
      layer.gates = 4;
      layer.initialC = adaptor.getInitialC();
      layer.peepholes = adaptor.getP();
      layer.inputForget = op.getInputForget();
    } else if constexpr (std::is_same_v<OpTy, graph::GRUOp>) {
      layer.kind = CellKind::GRU;
      layer.gates = 3;
      layer.linearBeforeReset = op.getLinearBeforeReset();
    } else {
      layer.kind = CellKind::RNN;
      layer.gates = 1;
    }
    layer.x = adaptor.getX();
    layer.w = adaptor.getW();
    layer.r = adaptor.getR();
    layer.bias = adaptor.getB();
    layer.lens = adaptor.getSequenceLens();
    layer.initialH = adaptor.getInitialH();
    layer.hidden = op.getHiddenSize();
    layer.layout = op.getLayout();
    layer.directions = op.getNumDirections();
    layer.reverseOnly = op.getDirection() == "reverse";
    if (std::optional<APFloat> clip = op.getClip())
      layer.clip = clip->convertToDouble();
    for (auto [name, alpha, beta] :
         llvm::zip(op.getActivations(), op.getActivationAlpha(), op.getActivationBeta()))
      layer.activations.push_back({cast<StringAttr>(name).getValue(), alpha, beta});
    auto xType = cast<RankedTensorType>(layer.x.getType());
    layer.element = xType.getElementType();
    layer.seq = xType.getDimSize(layer.layout == 0 ? 0 : 1);
    layer.batch = xType.getDimSize(layer.layout == 0 ? 1 : 0);
    layer.yType = cast<RankedTensorType>(op.getY().getType());
    layer.stateType = cast<RankedTensorType>(op.getYH().getType());
    layer.needY = !op.getY().use_empty();
    if (layer.seq == 0)
      return op.emitError() << "recurrent layer over an empty sequence is not supported";

    RecurrentBuilder builder(rewriter, op.getLoc(), layer);
    rewriter.replaceOp(op, builder.build());
    return success();
  }
};

} // namespace

void populateRecurrentLoweringPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering<graph::LSTMOp>, RecurrentLowering<graph::GRUOp>,
               RecurrentLowering<graph::RNNOp>>(converter, patterns.getContext());
}

} // namespace kiln::codegen
