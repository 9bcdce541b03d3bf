"""make_dynamic_models.py DIR: models whose outputs' shapes depend on the data,
with inputs and numpy's answers, for the data-dependent output tests.

  DIR/nonzero.onnx      NonZero of a 3x4 float input x; DIR/x.npy, DIR/nonzero_expected.npy
  DIR/nonzero_transpose.onnx   NonZero then Transpose (a consumer of the dynamic result)
  DIR/unique_case/      a --test-data case for Unique (sorted, no axis)
  DIR/unique_wrong/     the same, with one distinct value too many in the expected output
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(nodes, inputs, outputs, name):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.save(model, os.path.join(out, name + ".onnx"))


x_info = helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])
save([helper.make_node("NonZero", ["x"], ["indices"], name="nz")], [x_info],
     [helper.make_tensor_value_info("indices", TensorProto.INT64, None)], "nonzero")
save([helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
      helper.make_node("Transpose", ["nz"], ["t"], name="transpose_nz", perm=[1, 0])],
     [x_info], [helper.make_tensor_value_info("t", TensorProto.INT64, None)],
     "nonzero_transpose")
x = np.array([[0, 1.5, 0, -2], [0, 0, 0, 0], [3, 0, np.nan, 0]], np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "nonzero_expected.npy"), np.array(np.nonzero(x), np.int64))

values = np.array([2.0, 1.0, 1.0, 3.0, 4.0, 3.0, 2.0], np.float32)
y, indices, inverse, counts = np.unique(values, return_index=True, return_inverse=True,
                                        return_counts=True)
for case, corrupt in [("unique_case", False), ("unique_wrong", True)]:
    directory = os.path.join(out, case)
    os.makedirs(os.path.join(directory, "test_data_set_0"), exist_ok=True)
    graph = helper.make_graph(
        [helper.make_node("Unique", ["v"], ["y", "indices", "inverse", "counts"], sorted=1)],
        case, [helper.make_tensor_value_info("v", TensorProto.FLOAT, [7])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT if n == "y" else TensorProto.INT64,
                                       None) for n in ["y", "indices", "inverse", "counts"]])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 7
    onnx.save(model, os.path.join(directory, "model.onnx"))
    expected_y = np.append(y, np.float32(9)) if corrupt else y
    arrays = [("input_0", values), ("output_0", expected_y.astype(np.float32)),
              ("output_1", indices.astype(np.int64)), ("output_2", inverse.astype(np.int64)),
              ("output_3", counts.astype(np.int64))]
    for name, value in arrays:
        with open(os.path.join(directory, "test_data_set_0", name + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(value).SerializeToString())
