#!/usr/bin/env python3
"""make_model.py CASE OUT.onnx: writes a small ONNX model (or a broken file)
for kiln's import and bad-input tests. Every case is built with onnx.helper so
the tests need no committed binaries."""
import os
import random
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore", category=FutureWarning)

# Debian's numpy 1.24 removed aliases that onnx 1.12 still uses.
for alias, real in [("float", float), ("int", int), ("bool", bool), ("object", object),
                    ("complex", complex), ("str", str)]:
    if not hasattr(np, alias):
        setattr(np, alias, real)

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def model(nodes, inputs, outputs, initializers=(), opset=13, name="test"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="kiln-tests")
    m.ir_version = 7
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def conv_same():
    w = const("w", np.random.RandomState(0).randn(8, 3, 3, 3).astype(np.float32))
    b = const("b", np.zeros(8, np.float32))
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv_same",
                            auto_pad="SAME_UPPER", strides=[2, 2])
    return model([node], [vi("x", F, [1, 3, 15, 15])], [vi("y", F, None)], [w, b])


def softmax_legacy():
    node = helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1)
    return model([node], [vi("x", F, [2, 3, 4])], [vi("y", F, None)], opset=11)


def slice_opset9():
    node = helper.make_node("Slice", ["x"], ["y"], name="slice9", starts=[1, 0], ends=[3, -1])
    return model([node], [vi("x", F, [4, 6])], [vi("y", F, None)], opset=9)


def reduce_opset11():
    node = helper.make_node("ReduceMean", ["x"], ["y"], name="mean11", axes=[-1], keepdims=1)
    return model([node], [vi("x", F, [2, 5])], [vi("y", F, None)], opset=11)


def clip_opset6():
    node = helper.make_node("Clip", ["x"], ["y"], name="clip6", min=0.0, max=6.0)
    return model([node], [vi("x", F, [4])], [vi("y", F, None)], opset=6 + 1)


def clip_opset13_no_max():
    lo = const("lo", np.array(0.0, np.float32))
    node = helper.make_node("Clip", ["x", "lo"], ["y"], name="clip13")
    return model([node], [vi("x", F, [4])], [vi("y", F, None)], [lo])


def split_opset11():
    node = helper.make_node("Split", ["x"], ["a", "b"], name="split11", axis=1, split=[2, 4])
    return model([node], [vi("x", F, [1, 6])], [vi("a", F, None), vi("b", F, None)], opset=11)


def squeeze_opset11():
    node = helper.make_node("Squeeze", ["x"], ["y"], name="sq11", axes=[0, 2])
    return model([node], [vi("x", F, [1, 3, 1, 5])], [vi("y", F, None)], opset=11)


def pad_opset7():
    node = helper.make_node("Pad", ["x"], ["y"], name="pad7", pads=[0, 1, 0, 2], value=1.5)
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None)], opset=7)


def upsample_opset9():
    scales = const("scales", np.array([1, 1, 2, 2], np.float32))
    node = helper.make_node("Upsample", ["x", "scales"], ["y"], name="up9", mode="nearest")
    return model([node], [vi("x", F, [1, 2, 3, 3])], [vi("y", F, None)], [scales], opset=9)


def dynamic_batch():
    b = const("bias", np.ones(4, np.float32))
    node = helper.make_node("Add", ["x", "bias"], ["y"], name="add_bias")
    relu = helper.make_node("Relu", ["y"], ["z"], name="relu")
    return model([node, relu], [vi("x", F, ["batch", 4])], [vi("z", F, None)], [b])


def reshape_shape_chain():
    """The Shape -> Gather -> Unsqueeze -> Concat -> Reshape pattern PyTorch emits."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["zero"], name="c0",
                         value=helper.make_tensor("zero", I64, [], [0])),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="batch", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="cat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="flatten"),
    ]
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, None)],
                 [const("axes", np.array([0], np.int64)),
                  const("minus1", np.array([-1], np.int64))])


def external_data(out):
    w = np.arange(64 * 32, dtype=np.float32).reshape(64, 32)
    tensor = numpy_helper.from_array(w, "weight")
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    data_name = os.path.basename(out) + ".data"
    with open(os.path.join(os.path.dirname(out) or ".", data_name), "wb") as f:
        f.write(b"\0" * 16)  # an offset, like tools that pack several tensors
        f.write(w.tobytes())
    for key, value in [("location", data_name), ("offset", "16"), ("length", str(w.nbytes))]:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("MatMul", ["x", "weight"], ["y"], name="mm")
    return model([node], [vi("x", F, [1, 64])], [vi("y", F, None)], [tensor])


def huge_external_data(out):
    """A weight that lies beyond 2 GiB in a sparse external-data file: kiln
    must map it without reading or copying the file."""
    count = 1024 * 1024  # 4 MiB of float32
    offset = (2 << 30) + 4096
    data_name = os.path.basename(out) + ".data"
    path = os.path.join(os.path.dirname(out) or ".", data_name)
    with open(path, "wb") as f:
        f.truncate(offset + count * 4)
    tensor = TensorProto()
    tensor.name, tensor.data_type = "big", F
    tensor.dims.append(count)
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in [("location", data_name), ("offset", str(offset)),
                       ("length", str(count * 4))]:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    node = helper.make_node("Add", ["x", "big"], ["y"], name="add_big")
    return model([node], [vi("x", F, [count])], [vi("y", F, None)], [tensor])


def unknown_op():
    node = helper.make_node("FrobnicateTensor", ["x"], ["y"], name="frob")
    return model([node], [vi("x", F, [4])], [vi("y", F, [4])])


def bad_attr_type():
    w = const("w", np.zeros((4, 3, 3, 3), np.float32))
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")
    node.attribute.append(helper.make_attribute("kernel_shape", 3.0))
    return model([node], [vi("x", F, [1, 3, 8, 8])], [vi("y", F, None)], [w])


def unknown_attr():
    node = helper.make_node("Relu", ["x"], ["y"], name="relu1", alpha=0.5)
    return model([node], [vi("x", F, [4])], [vi("y", F, None)])


def missing_initializer():
    node = helper.make_node("MatMul", ["x", "weights_that_are_not_there"], ["y"], name="mm")
    return model([node], [vi("x", F, [1, 4])], [vi("y", F, [1, 4])])


def bad_opset():
    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    m = model([node], [vi("x", F, [4])], [vi("y", F, None)])
    m.opset_import[0].version = 42
    return m


def no_broadcast():
    node = helper.make_node("Add", ["x", "z"], ["y"], name="bad_add")
    return model([node], [vi("x", F, [3, 4]), vi("z", F, [5])], [vi("y", F, None)])


def lstm_unsupported():
    w = const("W", np.zeros((1, 16, 4), np.float32))
    r = const("R", np.zeros((1, 16, 4), np.float32))
    node = helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="lstm", hidden_size=4)
    return model([node], [vi("x", F, [2, 1, 4])], [vi("y", F, None)], [w, r])


BUILDERS = {f.__name__: f for f in [
    conv_same, softmax_legacy, slice_opset9, reduce_opset11, clip_opset6,
    clip_opset13_no_max, split_opset11, squeeze_opset11, pad_opset7, upsample_opset9,
    dynamic_batch, reshape_shape_chain, unknown_op, bad_attr_type, unknown_attr,
    missing_initializer, bad_opset, no_broadcast, lstm_unsupported]}
NEEDS_PATH = {"external_data": external_data, "huge_external_data": huge_external_data}


def main():
    case, out = sys.argv[1], sys.argv[2]
    if case == "empty":
        open(out, "wb").close()
        return
    if case == "random_bytes":
        rng = random.Random(1)
        with open(out, "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(4096)))
        return
    if case == "truncated":
        data = conv_same().SerializeToString()
        with open(out, "wb") as f:
            f.write(data[: len(data) // 2])
        return
    m = NEEDS_PATH[case](out) if case in NEEDS_PATH else BUILDERS[case]()
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
