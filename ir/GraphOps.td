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
include "ir/GraphRecurrentOps.td"
include "ir/GraphMiscOps.td"
include "ir/GraphSignalOps.td"
include "ir/GraphSamplingOps.td"
include "ir/GraphControlFlowOps.td"
include "ir/GraphDynamicOps.td"

#endif // KILN_IR_GRAPHOPS_TD
