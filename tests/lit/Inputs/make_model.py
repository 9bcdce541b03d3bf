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
    return model([node], [vi("x", F, [4])], [vi("y", F, None)], opset=6)


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


def multinomial_unsupported():
    # Random sampling is out of kiln's scope: Multinomial has no importer.
    w = const("w", np.zeros((2, 4), np.float32))
    add = helper.make_node("Add", ["x", "w"], ["s"], name="add")
    node = helper.make_node("Multinomial", ["s"], ["y"], name="multinomial", sample_size=3)
    return model([add, node], [vi("x", F, [2, 4])], [vi("y", TensorProto.INT32, None)], [w])


# Opsets 1 to 6: forms the importer normalizes (LegacyImporters.cpp).

def add_opset6_axis():
    """Legacy broadcasting: B [3] aligned with A [2, 3, 4, 5] at axis 1."""
    node = helper.make_node("Add", ["a", "b"], ["y"], name="add6", broadcast=1, axis=1)
    return model([node], [vi("a", F, [2, 3, 4, 5]), vi("b", F, [3])], [vi("y", F, None)],
                 opset=6)


def mul_opset6_suffix():
    node = helper.make_node("Mul", ["a", "b"], ["y"], name="mul6", broadcast=1)
    return model([node], [vi("a", F, [2, 3, 4, 5]), vi("b", F, [4, 5])], [vi("y", F, None)],
                 opset=6)


def sub_opset6_no_broadcast():
    node = helper.make_node("Sub", ["a", "b"], ["y"], name="sub6")
    return model([node], [vi("a", F, [2, 3]), vi("b", F, [3])], [vi("y", F, None)], opset=6)


def equal_opset1_axis_out_of_range():
    node = helper.make_node("Equal", ["a", "b"], ["y"], name="eq1", broadcast=1, axis=2)
    return model([node], [vi("a", I64, [2, 3]), vi("b", I64, [3])],
                 [vi("y", TensorProto.BOOL, None)], opset=1)


def batchnorm_opset5():
    params = [const(n, np.ones(3, np.float32)) for n in ("s", "b", "m", "v")]
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn5",
                            is_test=1, consumed_inputs=[0, 0, 0, 1, 1])
    return model([node], [vi("x", F, [1, 3, 2, 2])], [vi("y", F, None)], params, opset=5)


def batchnorm_opset6_training():
    params = [const(n, np.ones(3, np.float32)) for n in ("s", "b", "m", "v")]
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn6")
    return model([node], [vi("x", F, [1, 3, 2, 2])], [vi("y", F, None)], params, opset=6)


def cast_opset5():
    node = helper.make_node("Cast", ["x"], ["y"], name="cast5", to="INT32")
    return model([node], [vi("x", F, [4])], [vi("y", TensorProto.INT32, None)], opset=5)


def reshape_opset4():
    node = helper.make_node("Reshape", ["x"], ["y"], name="reshape4", shape=[3, -1])
    return model([node], [vi("x", F, [2, 6])], [vi("y", F, None)], opset=4)


def concat_opset3():
    node = helper.make_node("Concat", ["a", "b"], ["y"], name="concat3")
    return model([node], [vi("a", F, [2, 3]), vi("b", F, [2, 1])], [vi("y", F, None)], opset=3)


def pad_opset1():
    node = helper.make_node("Pad", ["x"], ["y"], name="pad1", paddings=[0, 1, 0, 2], value=1.5)
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None)], opset=1)


def split_opset1_input():
    node = helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split1", axis=1)
    return model([node], [vi("x", F, [1, 6])], [vi("a", F, None), vi("b", F, None)],
                 [const("sizes", np.array([2, 4], np.int64))], opset=1)


def tile_opset5():
    node = helper.make_node("Tile", ["x", "tiles", "axis"], ["y"], name="tile5")
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None)],
                 [const("tiles", np.array(3, np.int64)), const("axis", np.array(1, np.int64))],
                 opset=5)


def lppool_opset1():
    node = helper.make_node("LpPool", ["x"], ["y"], name="lp1", kernel_shape=[2, 2], p=3.0)
    return model([node], [vi("x", F, [1, 2, 4, 4])], [vi("y", F, None)], opset=1)


def dropout_opset6_mask():
    node = helper.make_node("Dropout", ["x"], ["y", "mask"], name="drop6", is_test=1)
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None), vi("mask", F, None)],
                 opset=6)


def dropout_opset6_training():
    node = helper.make_node("Dropout", ["x"], ["y"], name="drop6t", ratio=0.3)
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None)], opset=6)


def upsample_opset6():
    """Upsample-1 (experimental, height/width scales) has no handler."""
    node = helper.make_node("Upsample", ["x"], ["y"], name="up6", height_scale=2.0,
                            width_scale=2.0)
    return model([node], [vi("x", F, [1, 1, 2, 2])], [vi("y", F, None)], opset=6)


# Second outputs and window functions.

def dropout_mask():
    node = helper.make_node("Dropout", ["x"], ["y", "mask"], name="drop")
    return model([node], [vi("x", F, [2, 3])],
                 [vi("y", F, None), vi("mask", TensorProto.BOOL, None)])


def dropout_training():
    t = const("t", np.array(True))
    node = helper.make_node("Dropout", ["x", "", "t"], ["y"], name="dropt")
    return model([node], [vi("x", F, [2, 3])], [vi("y", F, None)], [t])


def maxpool_indices():
    node = helper.make_node("MaxPool", ["x"], ["y", "i"], name="pool", kernel_shape=[2, 2],
                            strides=[2, 2], storage_order=1)
    return model([node], [vi("x", F, [1, 1, 4, 4])],
                 [vi("y", F, None), vi("i", I64, None)], opset=12)


def layernorm_statistics():
    g = const("g", np.ones(4, np.float32))
    node = helper.make_node("LayerNormalization", ["x", "g"], ["y", "mean", "inv"], name="ln",
                            axis=-2)
    return model([node], [vi("x", F, [2, 3, 4])],
                 [vi("y", F, None), vi("mean", F, None), vi("inv", F, None)], [g], opset=17)


def hann_window():
    n = const("n", np.array(8, np.int64))
    node = helper.make_node("HannWindow", ["n"], ["y"], name="hann", periodic=0)
    return model([node], [], [vi("y", F, None)], [n], opset=17)


def blackman_window_declared():
    """The window length is an input; the declared output shape gives it."""
    node = helper.make_node("BlackmanWindow", ["n"], ["y"], name="blackman")
    return model([node], [vi("n", I64, [])], [vi("y", F, [16])], opset=17)


def reshape_computed_target():
    """The target's length is only known after folding (LayerNormalization's
    function body computes it); ONNX gives the result type."""
    nodes = [
        helper.make_node("Neg", ["minus1"], ["count"], name="neg"),
        helper.make_node("ConstantOfShape", ["count"], ["tail"], name="tail",
                         value=helper.make_tensor("three", I64, [1], [3])),
        helper.make_node("Concat", ["two", "tail"], ["target"], name="cat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
    ]
    return model(nodes, [vi("x", F, [6])], [vi("y", F, [2, 3])],
                 [const("minus1", np.array([-1], np.int64)),
                  const("two", np.array([2], np.int64))])


LEGACY_AND_OUTPUT_CASES = [
    add_opset6_axis, mul_opset6_suffix, sub_opset6_no_broadcast,
    equal_opset1_axis_out_of_range, batchnorm_opset5, batchnorm_opset6_training, cast_opset5,
    reshape_opset4, concat_opset3, pad_opset1, split_opset1_input, tile_opset5, lppool_opset1,
    dropout_opset6_mask, dropout_opset6_training, upsample_opset6, dropout_mask, dropout_training,
    maxpool_indices, layernorm_statistics, hann_window, blackman_window_declared,
    reshape_computed_target]


BUILDERS = {f.__name__: f for f in [
    conv_same, softmax_legacy, slice_opset9, reduce_opset11, clip_opset6,
    clip_opset13_no_max, split_opset11, squeeze_opset11, pad_opset7, upsample_opset9,
    dynamic_batch, reshape_shape_chain, unknown_op, bad_attr_type, unknown_attr,
    missing_initializer, bad_opset, no_broadcast, multinomial_unsupported]}
BUILDERS.update({f.__name__: f for f in LEGACY_AND_OUTPUT_CASES})
def quantize_axis():
    scale = const("s", np.array([0.5, 2.0, 4.0], np.float32))
    zp = const("z", np.array([0, 10, -3], np.int8))
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"], name="q", axis=1)
    return model([node], [vi("x", F, [2, 3, 4])], [vi("y", TensorProto.INT8, None)], [scale, zp])


def dequantize_opset10():
    scale = const("s", np.array(0.25, np.float32))
    zp = const("z", np.array(128, np.uint8))
    node = helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], name="dq")
    return model([node], [vi("x", TensorProto.UINT8, [5])], [vi("y", F, None)], [scale, zp],
                 opset=10)


def qlinear_matmul():
    inits = [const("as", np.array(0.1, np.float32)), const("az", np.array(3, np.uint8)),
             const("bs", np.array(0.2, np.float32)), const("bz", np.array(4, np.uint8)),
             const("ys", np.array(0.3, np.float32)), const("yz", np.array(5, np.uint8))]
    node = helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"],
                            ["y"], name="qmm")
    return model([node], [vi("a", TensorProto.UINT8, [2, 3]), vi("b", TensorProto.UINT8, [3, 4])],
                 [vi("y", TensorProto.UINT8, None)], inits, opset=10)


def reverse_sequence():
    node = helper.make_node("ReverseSequence", ["x", "lens"], ["y"], name="rs", batch_axis=0,
                            time_axis=1)
    return model([node], [vi("x", F, [2, 5, 3]), vi("lens", I64, [2])], [vi("y", F, None)])


def det_3x3():
    node = helper.make_node("Det", ["x"], ["y"], name="det")
    return model([node], [vi("x", F, [4, 3, 3])], [vi("y", F, None)])


def det_too_large():
    node = helper.make_node("Det", ["x"], ["y"], name="det5")
    return model([node], [vi("x", F, [5, 5])], [vi("y", F, None)])


BUILDERS.update({f.__name__: f for f in [quantize_axis, dequantize_opset10, qlinear_matmul,
                                         reverse_sequence, det_3x3, det_too_large]})


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
