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
// Everything the loop writes is a loop-carried tensor (started as a
// bufferization.alloc_tensor, which CSE never merges) written through
// extract_slice / insert_slice pairs, so one-shot bufferization updates it in
// place and the loop body allocates nothing (kiln's memory planner only
// places top-level buffers):
//
//   - the hidden (and cell) state lives in its slot of the Y_h (Y_c) result,
//     which starts as a copy of initial_h (initial_c) or zeros, so the last
//     step's state is the result, and a bidirectional layer's second loop
//     continues on the first loop's tensor;
//   - LSTM and RNN accumulate H * R^T into the step's slice of X * W^T, which
//     is dead afterwards, and compute the new hidden state in that slice; it
//     is then copied (batch x hidden elements) into its state slot. GRU needs
//     the recurrent product apart from the input product (its reset gate
//     scales one of them), so it multiplies into loop-carried scratch
//     tensors and updates the hidden state in its slot directly;
//   - each step's hidden state is copied into its slot of Y (when Y is used).
//
// Every linalg.generic in the loop reads all of its outputs: linalg's
// elementwise fusion replaces an unread output by a tensor.empty, which would
// bufferize to an allocation inside the loop.
//
// sequence_lens masks the recurrence: a batch entry whose length is <= t
// keeps its state. For the reverse direction this also gives ONNX's
// semantics (each entry is reversed within its own length), as its state
// stays at the initial value until the loop reaches its last step. The Y rows
// past each length are zeroed once, after the loops.
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

/// Positions of the loop-carried tensors in the scf.for's iter_args (-1 when
/// the layer has no such tensor).
struct Carried {
  int h = -1, c = -1, y = -1, xw = -1, rec = -1, z = -1, r = -1, hRec = -1;
};

/// What one loop iteration works with.
struct Step {
  OpBuilder &b;
  int64_t d;          ///< direction
  Value t;            ///< time index
  Value stepI32;      ///< t as i32, when sequence_lens masks
  ValueRange args;    ///< the carried tensors
  SmallVector<Value> yields;
  SmallVector<OpFoldResult> slot; ///< this direction's slot in Y_h / Y_c
  Value hPrev;        ///< batch x hidden view of the previous hidden state
  Value stepInput;    ///< batch x gates*hidden view of X * W^T + biases at t
};

/// The new states of one step. `hidden` is where the new hidden state was
/// computed: in the step's X * W^T slice for LSTM and RNN (then copied to
/// the state), in place in the state for GRU. `xwSlice`, when set, is the
/// step's X * W^T slice the step computed in, to store back (with `hidden`
/// in gate block `hiddenGate`, or as all of it when that is -1) so the
/// loop-carried tensor stays in place.
struct StepResult {
  Value hidden, cell, xwSlice;
  int64_t hiddenGate = -1;
};

class RecurrentBuilder {
public:
  RecurrentBuilder(OpBuilder &b, Location loc, const RecurrentLayer &layer)
      : b(b), loc(loc), layer(layer) {}

  /// Emits the whole layer and returns the values of Y (an unused
  /// placeholder when nothing reads it), Y_h and, for LSTM, Y_c.
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
  /// Gate block `k` (columns [k*hidden, (k+1)*hidden)) of a batch x N matrix.
  Value gateColumns(OpBuilder &ob, Value matrix, int64_t k) {
    return extract(ob, matrix, indices({0, k * layer.hidden}), {layer.batch, layer.hidden},
                   {layer.batch, layer.hidden});
  }
  Value insertGateColumns(OpBuilder &ob, Value block, Value matrix, int64_t k) {
    return insert(ob, block, matrix, indices({0, k * layer.hidden}),
                  {layer.batch, layer.hidden});
  }
  /// Elements [begin, begin + count) of row `d` of a dirs x N tensor (B, P).
  Value vector(Value perDirection, int64_t d, int64_t begin, int64_t count) {
    return extract(b, perDirection, indices({d, begin}), {1, count}, {count});
  }
  SmallVector<int64_t> stateSizes() {
    return layer.layout == 0 ? SmallVector<int64_t>{1, layer.batch, layer.hidden}
                             : SmallVector<int64_t>{layer.batch, 1, layer.hidden};
  }
  /// Offsets and sizes of time step `t` of the X * W^T tensor, which is
  /// seq x batch x N (layout 0) or batch x seq x N (layout 1).
  SmallVector<OpFoldResult> xwOffsets(Value t) {
    OpFoldResult zero = b.getIndexAttr(0);
    return layer.layout == 0 ? SmallVector<OpFoldResult>{t, zero, zero}
                             : SmallVector<OpFoldResult>{zero, t, zero};
  }
  SmallVector<int64_t> xwSizes() {
    int64_t n = layer.gates * layer.hidden;
    return layer.layout == 0 ? SmallVector<int64_t>{1, layer.batch, n}
                             : SmallVector<int64_t>{layer.batch, 1, n};
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
  /// Gate function `index` of direction `d` (f, g, h order), applied after
  /// clamping the pre-activation to [-clip, clip] when the layer clips.
  Value gate(OpBuilder &ob, Location l, int64_t d, int64_t index, Value preActivation,
             bool clip = true) {
    if (clip && layer.clip) {
      Value bound = constant(ob, l, preActivation.getType(), *layer.clip);
      Value low = ob.create<arith::MaximumFOp>(l, preActivation,
                                               ob.create<arith::NegFOp>(l, bound));
      preActivation = ob.create<arith::MinimumFOp>(l, low, bound);
    }
    int64_t perDirection = layer.activations.size() / layer.directions;
    return applyActivation(ob, l, layer.activations[d * perDirection + index], preActivation);
  }
  Value add(OpBuilder &ob, Location l, Value lhs, Value rhs) {
    return rhs ? ob.create<arith::AddFOp>(l, lhs, rhs).getResult() : lhs;
  }

  /// A linalg.generic over batch x hidden with one result per output.
  /// `inputs` are read through their maps; the outputs are batch x hidden and
  /// their current values reach the body after the inputs. Every output is
  /// read by the body: linalg's fusion would otherwise detach an unread
  /// output from its tensor, and the step would allocate a new one.
  SmallVector<Value> stepGeneric(
      OpBuilder &ob, ArrayRef<Value> inputs, ArrayRef<AffineMap> inputMaps,
      ArrayRef<Value> outputs,
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

  /// sequence_lens: a batch entry whose length is <= t keeps `previous`.
  Value masked(OpBuilder &ob, Location l, const Step &step, Value length, Value computed,
               Value previous) {
    if (!length)
      return computed;
    Value active =
        ob.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, step.stepI32, length);
    return ob.create<arith::SelectOp>(l, active, computed, previous);
  }
  /// Zeroes the rows of Y past each batch entry's length, once after the loops.
  Value maskY(Value y);

  Value precomputeInput(int64_t d);
  StepResult lstmStep(Step &step, const Carried &carried);
  StepResult rnnStep(Step &step, const Carried &carried);
  StepResult gruStep(Step &step, const Carried &carried);
  void runDirection(int64_t d, bool reverse, Value &y, Value &yh, Value &yc);

  OpBuilder &b;
  Location loc;
  const RecurrentLayer &layer;
  // Per direction: R as a matrix, and the vectors the steps read.
  Value recurrent;
  Value recurrentBias[3]; ///< GRU: Rb of z, r, h
  Value peepholes[3];     ///< LSTM: P of input, output, forget
};

/// X * W^T + input bias for all time steps: seq x batch x gates*hidden
/// (batch x seq x ... for layout 1). LSTM and RNN fold the recurrent bias in
/// here as well; GRU adds it to the recurrent product, where its reset gate
/// needs it.
Value RecurrentBuilder::precomputeInput(int64_t d) {
  int64_t n = layer.gates * layer.hidden;
  auto xType = cast<RankedTensorType>(layer.x.getType());
  int64_t steps = xType.getDimSize(0) * xType.getDimSize(1);
  Value flat = createStaticReshape(
      b, loc, layer.x, RankedTensorType::get({steps, xType.getDimSize(2)}, layer.element));
  auto accType = RankedTensorType::get({steps, n}, layer.element);
  Value init;
  if (layer.bias) {
    SmallVector<Value> biases{vector(layer.bias, d, 0, n)};
    if (layer.kind != CellKind::GRU)
      biases.push_back(vector(layer.bias, d, n, n));
    init = createElementwiseGeneric(b, loc, accType, biases,
                                    [](OpBuilder &nb, Location l, ValueRange args) {
                                      Value sum = args[0];
                                      for (Value term : args.drop_front())
                                        sum = nb.create<arith::AddFOp>(l, sum, term);
                                      return sum;
                                    });
  } else {
    init = zeros(b, {steps, n});
  }
  Value product = matmulTransposeB(b, flat, weightMatrix(layer.w, d), init);
  return createStaticReshape(
      b, loc, product,
      RankedTensorType::get({xType.getDimSize(0), xType.getDimSize(1), n}, layer.element));
}

/// LSTM (gate blocks input, output, forget, cell). The gates accumulate
/// H * R^T into the step's X * W^T slice. One generic updates the cell state
/// in place; a second computes the hidden state over the output gate's
/// pre-activation, which nothing reads afterwards.
StepResult RecurrentBuilder::lstmStep(Step &step, const Carried &carried) {
  OpBuilder &lb = step.b;
  int64_t d = step.d;
  Value acc = matmulTransposeB(lb, step.hPrev, recurrent, step.stepInput);
  Value length = layer.lens;

  SmallVector<Value> inputs{gateColumns(lb, acc, 0), gateColumns(lb, acc, 2),
                            gateColumns(lb, acc, 3)};
  SmallVector<AffineMap> maps(3, identityMap());
  if (layer.peepholes) {
    inputs.append({peepholes[0], peepholes[2]});
    maps.append({perHiddenMap(), perHiddenMap()});
  }
  if (length) {
    inputs.push_back(length);
    maps.push_back(perBatchMap());
  }
  Value cSlot = extract(lb, step.args[carried.c], step.slot, stateSizes(),
                        {layer.batch, layer.hidden});
  Value cell = stepGeneric(
      lb, inputs, maps, {cSlot},
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value cPrev = a.back();
        Value iPre = a[0], fPre = a[1], cPre = a[2];
        if (layer.peepholes) {
          iPre = nb.create<arith::AddFOp>(l, iPre, nb.create<arith::MulFOp>(l, a[3], cPrev));
          fPre = nb.create<arith::AddFOp>(l, fPre, nb.create<arith::MulFOp>(l, a[4], cPrev));
        }
        Value it = gate(nb, l, d, 0, iPre);
        Value ft = layer.inputForget
                       ? nb.create<arith::SubFOp>(l, constant(nb, l, layer.element, 1.0), it)
                       : gate(nb, l, d, 0, fPre);
        Value ct = gate(nb, l, d, 1, cPre);
        Value next = nb.create<arith::AddFOp>(l, nb.create<arith::MulFOp>(l, ft, cPrev),
                                              nb.create<arith::MulFOp>(l, it, ct));
        return {masked(nb, l, step, length ? a[a.size() - 2] : Value(), next, cPrev)};
      })[0];

  inputs = {cell};
  maps.assign(1, identityMap());
  if (layer.peepholes) {
    inputs.push_back(peepholes[1]);
    maps.push_back(perHiddenMap());
  }
  if (length) {
    inputs.append({length, step.hPrev});
    maps.append({perBatchMap(), identityMap()});
  }
  Value outputGate = gateColumns(lb, acc, 1);
  Value hidden = stepGeneric(
      lb, inputs, maps, {outputGate},
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value c = a[0], oPre = a.back();
        if (layer.peepholes)
          oPre = nb.create<arith::AddFOp>(l, oPre, nb.create<arith::MulFOp>(l, a[1], c));
        Value h = nb.create<arith::MulFOp>(l, gate(nb, l, d, 0, oPre),
                                           gate(nb, l, d, 2, c, /*clip=*/false));
        if (!length)
          return {h};
        return {masked(nb, l, step, a[a.size() - 3], h, a[a.size() - 2])};
      })[0];
  return {hidden, cell, acc, 1};
}

/// RNN: H = f(X * W^T + H * R^T + biases), computed over the step's X * W^T
/// slice.
StepResult RecurrentBuilder::rnnStep(Step &step, const Carried &) {
  OpBuilder &lb = step.b;
  Value acc = matmulTransposeB(lb, step.hPrev, recurrent, step.stepInput);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (layer.lens) {
    inputs.append({layer.lens, step.hPrev});
    maps.append({perBatchMap(), identityMap()});
  }
  Value hidden = stepGeneric(
      lb, inputs, maps, {acc},
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value h = gate(nb, l, step.d, 0, a.back());
        if (!layer.lens)
          return {h};
        return {masked(nb, l, step, a[0], h, a[1])};
      })[0];
  return {hidden, Value(), hidden, -1};
}

/// GRU (gate blocks update z, reset r, hidden h). The recurrent products go
/// to carried scratch tensors, as the reset gate scales the hidden gate's
/// recurrent part (after the product with linear_before_reset, before it
/// otherwise, which takes a second product per step). The last generic
/// updates the hidden state in place.
StepResult RecurrentBuilder::gruStep(Step &step, const Carried &carried) {
  OpBuilder &lb = step.b;
  int64_t d = step.d;
  auto product = [&](Value lhs, Value weights, int arg) {
    Value cleared = lb.create<linalg::FillOp>(loc, constant(lb, loc, layer.element, 0.0),
                                              step.args[arg])
                        .getResult(0);
    Value result = matmulTransposeB(lb, lhs, weights, cleared);
    step.yields[arg] = result;
    return result;
  };
  Value xz = gateColumns(lb, step.stepInput, 0), xr = gateColumns(lb, step.stepInput, 1),
        xh = gateColumns(lb, step.stepInput, 2);
  bool bias = static_cast<bool>(layer.bias);

  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  Value z;
  if (!layer.linearBeforeReset) {
    Value zRec = product(step.hPrev, rows(lb, recurrent, 0, layer.hidden), carried.z);
    Value rRec =
        product(step.hPrev, rows(lb, recurrent, layer.hidden, layer.hidden), carried.r);
    SmallVector<Value> gateInputs{xz, xr, step.hPrev};
    SmallVector<AffineMap> gateMaps(3, identityMap());
    if (bias) {
      gateInputs.append({recurrentBias[0], recurrentBias[1]});
      gateMaps.append({perHiddenMap(), perHiddenMap()});
    }
    // z and r * Ht-1 replace the recurrent products they are computed from.
    SmallVector<Value> zr = stepGeneric(
        lb, gateInputs, gateMaps, {zRec, rRec},
        [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
          Value zPre = add(nb, l, nb.create<arith::AddFOp>(l, a[0], a[a.size() - 2]),
                           bias ? a[3] : Value());
          Value rPre = add(nb, l, nb.create<arith::AddFOp>(l, a[1], a.back()),
                           bias ? a[4] : Value());
          Value rt = gate(nb, l, d, 0, rPre);
          return {gate(nb, l, d, 0, zPre), nb.create<arith::MulFOp>(l, rt, a[2])};
        });
    step.yields[carried.z] = z = zr[0];
    step.yields[carried.r] = zr[1];
    Value hRec =
        product(zr[1], rows(lb, recurrent, 2 * layer.hidden, layer.hidden), carried.hRec);
    inputs = {xh, hRec, z};
    maps.assign(3, identityMap());
    if (bias) {
      inputs.push_back(recurrentBias[2]);
      maps.push_back(perHiddenMap());
    }
  } else {
    Value rec = product(step.hPrev, recurrent, carried.rec);
    inputs = {xz, xr, xh, gateColumns(lb, rec, 0), gateColumns(lb, rec, 1),
              gateColumns(lb, rec, 2)};
    maps.assign(6, identityMap());
    if (bias) {
      inputs.append({recurrentBias[0], recurrentBias[1], recurrentBias[2]});
      maps.append({perHiddenMap(), perHiddenMap(), perHiddenMap()});
    }
  }
  size_t lengthIndex = inputs.size();
  if (layer.lens) {
    inputs.push_back(layer.lens);
    maps.push_back(perBatchMap());
  }
  Value hSlot = step.hPrev;
  Value hidden = stepGeneric(
      lb, inputs, maps, {hSlot},
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value hOld = a.back();
        Value zt, candidate;
        if (!layer.linearBeforeReset) {
          zt = a[2];
          candidate = gate(nb, l, d, 1,
                           add(nb, l, nb.create<arith::AddFOp>(l, a[0], a[1]),
                               bias ? a[3] : Value()));
        } else {
          zt = gate(nb, l, d, 0,
                    add(nb, l, nb.create<arith::AddFOp>(l, a[0], a[3]), bias ? a[6] : Value()));
          Value rt = gate(nb, l, d, 0,
                          add(nb, l, nb.create<arith::AddFOp>(l, a[1], a[4]),
                              bias ? a[7] : Value()));
          Value scaled =
              nb.create<arith::MulFOp>(l, rt, add(nb, l, a[5], bias ? a[8] : Value()));
          candidate = gate(nb, l, d, 1, nb.create<arith::AddFOp>(l, a[2], scaled));
        }
        // Ht = (1 - zt) * ht + zt * Ht-1, written as ht + zt * (Ht-1 - ht).
        Value h = nb.create<arith::AddFOp>(
            l, candidate,
            nb.create<arith::MulFOp>(l, zt, nb.create<arith::SubFOp>(l, hOld, candidate)));
        return {masked(nb, l, step, layer.lens ? a[lengthIndex] : Value(), h, hOld)};
      })[0];
  return {hidden, Value(), Value()};
}

void RecurrentBuilder::runDirection(int64_t d, bool reverse, Value &y, Value &yh,
                                    Value &yc) {
  const int64_t hidden = layer.hidden, batch = layer.batch;
  const int64_t n = layer.gates * hidden;
  bool gru = layer.kind == CellKind::GRU;
  Value xw = precomputeInput(d);
  recurrent = weightMatrix(layer.r, d);
  for (int64_t k = 0; k < 3; ++k) {
    recurrentBias[k] =
        gru && layer.bias ? vector(layer.bias, d, n + k * hidden, hidden) : Value();
    peepholes[k] = layer.peepholes ? vector(layer.peepholes, d, k * hidden, hidden) : Value();
  }

  // Loop-carried tensors; see the file comment for why each is one. GRU's
  // scratch tensors are cleared before each use, so they start uninitialized.
  SmallVector<Value> inits;
  auto carry = [&](Value v) {
    inits.push_back(v);
    return static_cast<int>(inits.size() - 1);
  };
  Carried carried;
  carried.h = carry(yh);
  if (yc)
    carried.c = carry(yc);
  if (y)
    carried.y = carry(y);
  if (!gru)
    carried.xw = carry(xw);
  else if (layer.linearBeforeReset)
    carried.rec = carry(fresh({batch, n}));
  else {
    carried.z = carry(fresh({batch, hidden}));
    carried.r = carry(fresh({batch, hidden}));
    carried.hRec = carry(fresh({batch, hidden}));
  }

  Value lower = b.create<arith::ConstantIndexOp>(loc, 0);
  Value upper = b.create<arith::ConstantIndexOp>(loc, layer.seq);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = b.create<scf::ForOp>(
      loc, lower, upper, one, inits, [&](OpBuilder &lb, Location l, Value iv, ValueRange args) {
        Value t = iv;
        if (reverse)
          t = lb.create<arith::SubIOp>(l, lb.create<arith::ConstantIndexOp>(l, layer.seq - 1),
                                       iv);
        Step step{lb, d, t, Value(), args, SmallVector<Value>(args), {}, Value(), Value()};
        if (layer.lens)
          step.stepI32 = lb.create<arith::IndexCastOp>(l, lb.getI32Type(), t);
        step.slot = layer.layout == 0 ? indices({d, 0, 0}) : indices({0, d, 0});
        step.hPrev = extract(lb, args[carried.h], step.slot, stateSizes(), {batch, hidden});
        step.stepInput = extract(lb, gru ? xw : args[carried.xw], xwOffsets(t), xwSizes(),
                                 {batch, n});

        StepResult result = layer.kind == CellKind::LSTM ? lstmStep(step, carried)
                            : layer.kind == CellKind::RNN ? rnnStep(step, carried)
                                                          : gruStep(step, carried);

        // Store the results, reads of the new hidden state first: the
        // stores that put back the slices it was computed in come last, so
        // bufferization sees no read of a slice after its store.
        if (y) {
          OpFoldResult zero = lb.getIndexAttr(0), dir = lb.getIndexAttr(d);
          SmallVector<OpFoldResult> offsets =
              layer.layout == 0 ? SmallVector<OpFoldResult>{t, dir, zero, zero}
                                : SmallVector<OpFoldResult>{zero, t, dir, zero};
          SmallVector<int64_t> sizes = layer.layout == 0
                                           ? SmallVector<int64_t>{1, 1, batch, hidden}
                                           : SmallVector<int64_t>{batch, 1, 1, hidden};
          step.yields[carried.y] = insert(lb, result.hidden, args[carried.y], offsets, sizes);
        }
        step.yields[carried.h] =
            insert(lb, result.hidden, args[carried.h], step.slot, stateSizes());
        if (result.cell)
          step.yields[carried.c] =
              insert(lb, result.cell, args[carried.c], step.slot, stateSizes());
        if (result.xwSlice) {
          Value slice = result.hiddenGate < 0 ? result.xwSlice
                                              : insertGateColumns(lb, result.hidden,
                                                                  result.xwSlice,
                                                                  result.hiddenGate);
          step.yields[carried.xw] = insert(lb, slice, args[carried.xw], xwOffsets(t), xwSizes());
        }
        lb.create<scf::YieldOp>(l, step.yields);
      });
  yh = loop.getResult(carried.h);
  if (yc)
    yc = loop.getResult(carried.c);
  if (y)
    y = loop.getResult(carried.y);
}

Value RecurrentBuilder::maskY(Value y) {
  int64_t seqDim = layer.layout == 0 ? 0 : 1, batchDim = layer.layout == 0 ? 2 : 0;
  MLIRContext *context = b.getContext();
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {b.getAffineDimExpr(batchDim)}, context),
                              b.getMultiDimIdentityMap(4)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, y.getType(), ValueRange{layer.lens}, ValueRange{y}, maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value t = nb.create<arith::IndexCastOp>(
                l, nb.getI32Type(), nb.create<linalg::IndexOp>(l, seqDim));
            Value active = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::slt, t, a[0]);
            Value zero = constant(nb, l, layer.element, 0.0);
            nb.create<linalg::YieldOp>(l,
                                       Value(nb.create<arith::SelectOp>(l, active, a[1], zero)));
          })
      .getResult(0);
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
  // Every step writes its Y slot, so Y starts uninitialized.
  Value y = layer.needY ? fresh(layer.yType.getShape()) : Value();
  for (int64_t d = 0; d < layer.directions; ++d)
    runDirection(d, layer.reverseOnly || d == 1, y, yh, yc);
  // A masked step stores the held state; Y wants zeros there.
  if (y && layer.lens)
    y = maskY(y);
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
