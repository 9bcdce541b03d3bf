//===- KilnOps.td - kiln's low-level dialect ---------------------*- tablegen -*-===//
//
// The low-level dialect says only what upstream MLIR has no words for: where
// each buffer lives in the workspace arena chosen by the static memory plan,
// and where each weight lives in the weights blob. Everything else at this
// level is upstream memref/linalg/scf.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_KILNOPS_TD
#define KILN_IR_KILNOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln::lowlevel";
  let summary = "kiln's low-level dialect: the memory plan and the runtime ABI";
  let description = [{
    After bufferization, kiln replaces every heap allocation of an activation
    with a slot in one workspace arena whose offsets come from a static,
    liveness-based memory plan, and every constant buffer with a reference into
    one weights blob. The entry point receives the arena and (for external
    weights) the blob from the caller; `kiln-lower-abi` turns these ops into
    `memref.view`s of the entry point's arguments.

    A function that has been planned carries `kiln.workspace_size` (bytes),
    `kiln.workspace_lower_bound` (the largest total size of buffers alive at
    once, which no plan can beat) and `kiln.weights_size`.
  }];
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

def Kiln_ArenaSlotOp : Kiln_Op<"arena_slot", [Pure]> {
  let summary = "a buffer at a planned offset of the workspace arena";
  let description = [{
    The buffer `kiln-plan-memory` assigned to one allocation: `offset` bytes
    into the workspace. Two slots may overlap in memory only if the buffers
    are never alive at the same time.

    ```mlir
    %buf = kiln.arena_slot offset 4096 : memref<1x8x28x28xf32>
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$offset);
  let results = (outs AnyStaticShapeMemRef:$buffer);
  let assemblyFormat = "`offset` $offset attr-dict `:` type($buffer)";
}

def Kiln_WeightRefOp : Kiln_Op<"weight_ref", [Pure]> {
  let summary = "a constant buffer at an offset of the weights blob";
  let description = [{
    A read-only view of the weights blob built by `kiln-pack-weights`. The
    blob is baked into the object, or handed to the entry point by the caller
    when the model is compiled with `--weights FILE`.

    ```mlir
    %w = kiln.weight_ref offset 0 : memref<8x1x3x3xf32>
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$offset);
  let results = (outs AnyStaticShapeMemRef:$buffer);
  let assemblyFormat = "`offset` $offset attr-dict `:` type($buffer)";
}

#endif // KILN_IR_KILNOPS_TD
