"""make_test_case.py DIR OP CORRUPT: an ONNX test-case directory (model.onnx and
test_data_set_0) for a broadcasting Add; CORRUPT=1 perturbs one expected value."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

directory, op, corrupt = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
os.makedirs(os.path.join(directory, "test_data_set_0"), exist_ok=True)
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "y"], ["z"])], "case",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(directory, "model.onnx"))
x = np.arange(6, dtype=np.float32).reshape(2, 3)
y = np.array([0.5, -1.0, 2.0], np.float32)
z = x + y
if corrupt:
    z[1, 2] += 0.5
for name, value in [("input_0", x), ("input_1", y), ("output_0", z)]:
    with open(os.path.join(directory, "test_data_set_0", name + ".pb"), "wb") as f:
        f.write(numpy_helper.from_array(value).SerializeToString())
