"""make_dynamic_models.py DIR: models whose outputs' shapes depend on the data,
with inputs and numpy's answers, for the data-dependent output tests.

  DIR/nonzero.onnx      NonZero of a 3x4 float input x; DIR/x.npy, DIR/nonzero_expected.npy
  DIR/nonzero_transpose.onnx   NonZero then Transpose (a consumer of the dynamic result)
  DIR/compress_chain.onnx      Compress, then Mul, Add, Cast and Transpose of the result
  DIR/compress_div.onnx        Compress, then an integer Div by the result (needs static shapes)
  DIR/topk_runtime.onnx        TopK with k a graph input; DIR/k.npy (k = 2), DIR/topk_expected.npy
  DIR/nonzero_moves.onnx       NonZero, Transpose, then Slice+Squeeze, Unsqueeze, ReduceMax,
                               Concat and Shape of the result; DIR/moves_expected.npz
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

v_info = helper.make_tensor_value_info("v", TensorProto.FLOAT, [4, 3])
c_info = helper.make_tensor_value_info("c", TensorProto.BOOL, [4])
two = numpy_helper.from_array(np.array([2.0], np.float32), "two")
bias = numpy_helper.from_array(np.array([1.0, 2.0, 3.0], np.float32), "bias")
graph = helper.make_graph(
    [helper.make_node("Compress", ["v", "c"], ["kept"], name="keep", axis=0),
     helper.make_node("Mul", ["kept", "two"], ["doubled"], name="double"),
     helper.make_node("Add", ["doubled", "bias"], ["shifted"], name="shift"),
     helper.make_node("Add", ["shifted", "kept"], ["sum"], name="sum"),
     helper.make_node("Cast", ["sum"], ["ints"], name="to_int", to=TensorProto.INT32),
     helper.make_node("Transpose", ["ints"], ["t"], name="flip", perm=[1, 0])],
    "compress_chain", [v_info, c_info],
    [helper.make_tensor_value_info("t", TensorProto.INT32, None),
     helper.make_tensor_value_info("kept", TensorProto.FLOAT, None)], [two, bias])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.save(model, os.path.join(out, "compress_chain.onnx"))
v = np.arange(12, dtype=np.float32).reshape(4, 3)
c = np.array([True, False, True, True])
np.save(os.path.join(out, "v.npy"), v)
np.save(os.path.join(out, "c.npy"), c)
kept = v[c]
np.save(os.path.join(out, "chain_expected.npy"),
        ((kept * 2 + np.array([1, 2, 3], np.float32)) + kept).astype(np.int32).T)

graph = helper.make_graph(
    [helper.make_node("Compress", ["n", "c"], ["kept"], name="keep", axis=0),
     helper.make_node("Div", ["n", "kept"], ["q"], name="divide")],
    "compress_div", [helper.make_tensor_value_info("n", TensorProto.INT64, [4]), c_info],
    [helper.make_tensor_value_info("q", TensorProto.INT64, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.save(model, os.path.join(out, "compress_div.onnx"))

graph = helper.make_graph(
    [helper.make_node("TopK", ["v", "k"], ["top", "where"], name="top", axis=1)], "topk_runtime",
    [v_info, helper.make_tensor_value_info("k", TensorProto.INT64, [1])],
    [helper.make_tensor_value_info("top", TensorProto.FLOAT, None),
     helper.make_tensor_value_info("where", TensorProto.INT64, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.save(model, os.path.join(out, "topk_runtime.onnx"))
np.save(os.path.join(out, "k.npy"), np.array([2], np.int64))
np.save(os.path.join(out, "topk_expected.npy"), -np.sort(-v, axis=1)[:, :2])

ints = lambda name, values: numpy_helper.from_array(np.array(values, np.int64), name)
graph = helper.make_graph(
    [helper.make_node("NonZero", ["x"], ["nz"], name="nz"),
     helper.make_node("Transpose", ["nz"], ["t"], name="rows", perm=[1, 0]),
     helper.make_node("Slice", ["t", "one", "two", "one", "one"], ["col"], name="column"),
     helper.make_node("Squeeze", ["col", "one"], ["cols"], name="squeeze"),
     helper.make_node("Unsqueeze", ["cols", "zero"], ["row"], name="unsqueeze"),
     helper.make_node("ReduceMax", ["t"], ["rowmax"], name="rowmax", axes=[1], keepdims=0),
     helper.make_node("Concat", ["t", "t"], ["cat"], name="cat", axis=1),
     helper.make_node("Shape", ["nz"], ["shape"], name="shape")],
    "nonzero_moves", [x_info],
    [helper.make_tensor_value_info(n, TensorProto.INT64, None)
     for n in ["cols", "row", "rowmax", "cat", "shape"]],
    [ints("zero", [0]), ints("one", [1]), ints("two", [2])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.save(model, os.path.join(out, "nonzero_moves.onnx"))
t = np.array(np.nonzero(x), np.int64).T
np.savez(os.path.join(out, "moves_expected.npz"), cols=t[:, 1], row=t[:, 1][None, :],
         rowmax=t.max(axis=1), cat=np.concatenate([t, t], axis=1),
         shape=np.array(t.T.shape, np.int64))

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
