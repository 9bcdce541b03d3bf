//===- KernelSources.h - the ONNX nodes an op came from ---------*- C++ -*-===//
//
// The importer gives every op the location fused<"OpType">["node name"(file)]
// of its ONNX node. Lowering and fusion keep those locations on the ops they
// create, so the nodes behind any piece of IR, a fused kernel included, can
// be read back from the locations in it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_KERNELSOURCES_H
#define KILN_CODEGEN_KERNELSOURCES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

#include <string>
#include <vector>

namespace kiln::codegen {

/// One ONNX node: its name and operator type ("Conv").
struct SourceNode {
  std::string name;
  std::string opType;
  bool operator==(const SourceNode &other) const {
    return name == other.name && opType == other.opType;
  }
};

/// Appends the nodes `loc` names to `nodes`, skipping ones already there.
void collectSourceNodes(mlir::Location loc, llvm::SmallVectorImpl<SourceNode> &nodes);

/// The nodes of `op` and of every op nested in it, producers first (in the
/// order of a post-order walk).
llvm::SmallVector<SourceNode> getSourceNodes(mlir::Operation *op);

/// A location naming every node of `op` and the ops nested in it: the one
/// node's location, or fused[node, node, ...] for a fused kernel; `op`'s own
/// location when it names no node.
mlir::Location getKernelLocation(mlir::Operation *op);

/// "a + b + c" for a trace or a table.
std::string joinNodeNames(llvm::ArrayRef<SourceNode> nodes);

/// Operations that read or write memory (or whose effects are unknown):
/// after bufferization, the ones that do a kernel's work rather than
/// bookkeeping (views, constants, allocations).
bool touchesMemory(mlir::Operation *op);

/// Splits the operations of `body` for which `isKernelOp` holds into
/// kernels: consecutive ones from the same ONNX nodes form one kernel (a
/// convolution's padding copy and its loop nest); ones from no node (an
/// accumulator's fill) join the kernel after them, or form the last one.
llvm::SmallVector<llvm::SmallVector<mlir::Operation *>>
groupKernels(mlir::Block &body, llvm::function_ref<bool(mlir::Operation *)> isKernelOp);

/// One kernel of a profiled build, as kiln-instrument-kernels records it in
/// the module's kiln.profile_kernels attribute.
struct ProfileKernel {
  std::string name;
  std::vector<SourceNode> nodes;
  int64_t flops = 0;
  int64_t bytes = 0;
};

/// The kernel table of a module compiled with profiling (empty otherwise).
std::vector<ProfileKernel> readProfileKernels(mlir::Operation *module);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_KERNELSOURCES_H
