//===- GraphOps.td - kiln graph dialect operations --------------*- tablegen -*-===//
//
// The single entry point tablegen runs over; the families live in their own
// files.
//
//===----------------------------------------------------------------------------===//

#ifndef KILN_IR_GRAPHOPS_TD
#define KILN_IR_GRAPHOPS_TD

include "ir/GraphBase.td"
include "ir/GraphElementwiseOps.td"
include "ir/GraphNNOps.td"
include "ir/GraphTensorOps.td"

#endif // KILN_IR_GRAPHOPS_TD
