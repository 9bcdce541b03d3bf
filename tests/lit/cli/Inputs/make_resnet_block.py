"""Writes a small ResNet: N basic blocks (Conv-BatchNorm-Relu-Conv-BatchNorm-
Add-Relu) on a 1x16x16x16 input, with fixed pseudo-random weights.

usage: make_resnet_block.py OUT.onnx [--blocks N] [--channels C] [--size S]
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--blocks", type=int, default=1)
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--size", type=int, default=16)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    c, s = args.channels, args.size
    nodes, initializers = [], []

    def weight(name, *shape, scale=0.1):
        initializers.append(numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name))
        return name

    def conv_bn(prefix, x, out):
        nodes.append(helper.make_node(
            "Conv", [x, weight(f"{prefix}.conv.weight", c, c, 3, 3)], [f"{prefix}.conv"],
            name=f"/{prefix}/conv/Conv", pads=[1, 1, 1, 1]))
        bn = [weight(f"{prefix}.bn.{p}", c) for p in ("scale", "bias", "mean")]
        initializers.append(numpy_helper.from_array(
            (rng.random(c) + 0.5).astype(np.float32), f"{prefix}.bn.var"))
        nodes.append(helper.make_node(
            "BatchNormalization", [f"{prefix}.conv", *bn, f"{prefix}.bn.var"], [out],
            name=f"/{prefix}/bn/BatchNormalization"))

    x = "input"
    for b in range(args.blocks):
        p = f"layer{b}"
        conv_bn(f"{p}/1", x, f"{p}.bn1")
        nodes.append(helper.make_node("Relu", [f"{p}.bn1"], [f"{p}.relu1"], name=f"/{p}/relu/Relu"))
        conv_bn(f"{p}/2", f"{p}.relu1", f"{p}.bn2")
        nodes.append(helper.make_node("Add", [f"{p}.bn2", x], [f"{p}.add"], name=f"/{p}/Add"))
        out = "output" if b == args.blocks - 1 else f"{p}.out"
        nodes.append(helper.make_node("Relu", [f"{p}.add"], [out], name=f"/{p}/relu_1/Relu"))
        x = out
    graph = helper.make_graph(
        nodes, "resnet_block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, s, s])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, c, s, s])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="make_resnet_block.py")
    onnx.checker.check_model(model)
    onnx.save(model, args.out)


if __name__ == "__main__":
    main()
