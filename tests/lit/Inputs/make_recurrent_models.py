#!/usr/bin/env python3
"""make_recurrent_models.py CASE OUT.onnx: small LSTM / GRU / RNN models for
kiln's import tests of the recurrent ops' attribute normalization."""
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


def build(op, gates, inputs, attrs, x_shape, hidden, dirs=1, opset=14, outputs=("y", "y_h"),
          lens=None):
    """inputs: which optional inputs to add as zero initializers ('B', 'H0')."""
    feature = x_shape[2]
    inits = [numpy_helper.from_array(np.zeros((dirs, gates * hidden, feature), np.float32), "W"),
             numpy_helper.from_array(np.zeros((dirs, gates * hidden, hidden), np.float32), "R")]
    names = ["x", "W", "R"]
    if "B" in inputs:
        inits.append(numpy_helper.from_array(np.zeros((dirs, 2 * gates * hidden), np.float32), "B"))
        names.append("B")
    if lens is not None:
        names += [""] * (4 - len(names)) + ["L"]
        inits.append(numpy_helper.from_array(np.array(lens, np.int32), "L"))
    node = helper.make_node(op, names, list(outputs), name=op.lower(), **attrs)
    graph = helper.make_graph([node], "test", [helper.make_tensor_value_info("x", F, x_shape)],
                              [helper.make_tensor_value_info(o, F, None) for o in outputs if o],
                              inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="kiln-tests")
    m.ir_version = 7
    return m


CASES = {
    # Opset 7, no hidden_size, and sequence_lens equal to the sequence length.
    "lstm_opset7": lambda: build("LSTM", 4, ["B"], {}, [3, 2, 5], 4, opset=7,
                                 outputs=("", "y_h", "y_c"), lens=[3, 3]),
    # One activation list serves both directions; alphas and betas go, in
    # order, to the functions that take them.
    "gru_activations": lambda: build(
        "GRU", 3, [], {"hidden_size": 4, "direction": "bidirectional",
                       "activations": ["HardSigmoid", "affine"],
                       "activation_alpha": [0.1, 0.2], "activation_beta": [0.3],
                       "linear_before_reset": 1},
        [3, 2, 5], 4, dirs=2),
    "rnn_batch_first": lambda: build("RNN", 1, [], {"hidden_size": 4, "layout": 1,
                                                    "clip": 2.0},
                                     [2, 3, 5], 4, lens=[1, 3]),
    "rnn_bad_activation": lambda: build("RNN", 1, [], {"hidden_size": 4,
                                                       "activations": ["Gelu"]},
                                        [3, 2, 5], 4),
    "rnn_bad_direction": lambda: build("RNN", 1, [], {"hidden_size": 4,
                                                      "direction": "backward"},
                                       [3, 2, 5], 4),
}


def main():
    case, out = sys.argv[1], sys.argv[2]
    with open(out, "wb") as f:
        f.write(CASES[case]().SerializeToString())


if __name__ == "__main__":
    main()
