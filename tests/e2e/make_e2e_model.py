#!/usr/bin/env python3
"""Small ONNX models for the end-to-end tests.

  make_e2e_model.py CASE OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def odd_names():
    # Names that are not C identifiers, int64 and bool tensors.
    nodes = [
        helper.make_node("Cast", ["input.1"], ["as_float"], to=TensorProto.FLOAT, name="cast"),
        helper.make_node("Greater", ["as_float", "zero"], ["x/y"], name="greater"),
        helper.make_node("Add", ["input.1", "input.1"], ["2out"], name="add"),
    ]
    graph = helper.make_graph(
        nodes, "odd",
        [helper.make_tensor_value_info("input.1", TensorProto.INT64, [2, 3])],
        [helper.make_tensor_value_info("x/y", TensorProto.BOOL, [2, 3]),
         helper.make_tensor_value_info("2out", TensorProto.INT64, [2, 3])],
        [numpy_helper.from_array(np.zeros([1], np.float32), "zero")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


CASES = {"odd_names": odd_names}

if __name__ == "__main__":
    model = CASES[sys.argv[1]]()
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
