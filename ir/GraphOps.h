//===- GraphOps.h - kiln graph dialect operations ---------------*- C++ -*-===//

#ifndef KILN_IR_GRAPHOPS_H
#define KILN_IR_GRAPHOPS_H

#include "ir/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln::graph {
/// Inferred result types are compatible with the actual ones when element
/// types match and every static dimension agrees; the actual type may be more
/// static than the inferred one.
bool areCompatibleReturnTypes(mlir::TypeRange inferred, mlir::TypeRange actual);

/// Whether `candidate` is compatible with `current`, keeps every static
/// dimension of it, and knows at least one more.
bool isMoreRefinedType(mlir::Type candidate, mlir::Type current);

namespace OpTrait {
/// See Graph_RefinableResultTypes in GraphBase.td.
template <typename ConcreteType>
class RefinableResultTypes
    : public mlir::OpTrait::TraitBase<ConcreteType, RefinableResultTypes> {};
} // namespace OpTrait
} // namespace kiln::graph

#define GET_OP_CLASSES
#include "ir/GraphOps.h.inc"

#endif // KILN_IR_GRAPHOPS_H
