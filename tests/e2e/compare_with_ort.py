#!/usr/bin/env python3
"""Runs an ONNX model through kiln (the object-file path, `kiln run`) and through
ONNX Runtime on the same seeded random inputs, and compares every output.

  compare_with_ort.py --kiln build/bin/kiln MODEL [--rtol 1e-3] [--atol 1e-4]
                      [--work DIR] [--threads N] [-O N]

Prints one line per output with the largest absolute and relative error and
exits 1 when any element is outside atol + rtol * |expected|.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "..", "node", "ort_run.js")

NUMPY_TYPES = {
    onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.INT64: np.int64, onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT8: np.int8, onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.BOOL: np.bool_, onnx.TensorProto.FLOAT16: np.float16,
}


def file_name(name):
    result = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return "_" + result if not result or result[0] == "." else result


def make_inputs(model, rng, shapes, int_high):
    initializers = {t.name for t in model.graph.initializer}
    inputs = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        shape = shapes.get(value.name)
        if shape is None:
            shape = [d.dim_value if d.HasField("dim_value") else 1
                     for d in tensor_type.shape.dim]
        dtype = NUMPY_TYPES[tensor_type.elem_type]
        if np.issubdtype(dtype, np.floating):
            array = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            array = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            array = rng.integers(0, int_high, shape).astype(dtype)
        inputs[value.name] = array
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--kiln", required=True)
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--work")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("-O", dest="opt", default="2")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--int-high", type=int, default=10,
                        help="integer inputs are drawn from [0, INT_HIGH) (token ids)")
    parser.add_argument("--input-shape", action="append", default=[],
                        help="NAME=DIMS for inputs with symbolic dimensions")
    args = parser.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="kiln-ort-")
    os.makedirs(work, exist_ok=True)
    shapes = {}
    for spec in args.input_shape:
        name, dims = spec.split("=")
        shapes[name] = [int(d) for d in dims.split("x")]
    model = onnx.load(args.model, load_external_data=False)
    inputs = make_inputs(model, np.random.default_rng(args.seed), shapes, args.int_high)
    feeds = []
    for name, array in inputs.items():
        path = os.path.join(work, "in_" + file_name(name) + ".npy")
        np.save(path, array)
        feeds.append(f"{name}={path}")

    kiln_out = os.path.join(work, "kiln")
    ort_out = os.path.join(work, "ort")
    kiln_cmd = [args.kiln, "run", args.model, "-o", kiln_out, f"-O{args.opt}",
                f"--threads={args.threads}"] + [f"--input={f}" for f in feeds]
    result = subprocess.run(kiln_cmd)
    if result.returncode != 0:
        print(f"FAIL: kiln run exited with {result.returncode}: {' '.join(kiln_cmd)}")
        return 1
    ort_cmd = ["node", ORT_RUN, args.model, ort_out, "--threads", str(args.threads)] + feeds
    result = subprocess.run(ort_cmd)
    if result.returncode != 0:
        print(f"FAIL: ONNX Runtime exited with {result.returncode}")
        return 1

    failed = False
    for output in model.graph.output:
        name = file_name(output.name) + ".npy"
        got = np.load(os.path.join(kiln_out, name))
        expected = np.load(os.path.join(ort_out, name))
        if got.shape != expected.shape:
            print(f"output '{output.name}': FAIL: shape {got.shape}, ONNX Runtime {expected.shape}")
            failed = True
            continue
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        error = np.abs(g - e)
        bound = args.atol + args.rtol * np.abs(e)
        bad = ~((error <= bound) | (np.isnan(g) & np.isnan(e)))
        worst = float(error.max()) if error.size else 0.0
        relative = float((error / np.maximum(np.abs(e), 1e-12)).max()) if error.size else 0.0
        status = "FAIL" if bad.any() else "ok"
        print(f"output '{output.name}' {list(got.shape)}: {status}: max abs error {worst:.3g}, "
              f"max rel error {relative:.3g}, {int(bad.sum())} of {got.size} outside "
              f"rtol {args.rtol} / atol {args.atol}")
        if bad.any():
            index = np.unravel_index(np.argmax(np.where(bad, error, -1)), got.shape)
            print(f"  worst at {list(int(i) for i in index)}: kiln {got[index]}, "
                  f"ONNX Runtime {expected[index]}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
