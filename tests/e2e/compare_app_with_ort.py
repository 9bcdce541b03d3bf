#!/usr/bin/env python3
"""Runs a linked app (examples/c/run_model.c) and ONNX Runtime on the same seeded
inputs and compares the outputs (rtol 1e-3, atol 1e-4).

  compare_app_with_ort.py MODEL.onnx WORK_DIR APP
"""
import os
import subprocess
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_with_ort import ORT_RUN, file_name, make_inputs  # noqa: E402


def main():
    model_path, work, app = sys.argv[1:4]
    model = onnx.load(model_path, load_external_data=False)
    inputs = make_inputs(model, np.random.default_rng(0), {}, 10)
    feeds, in_files = [], []
    for name, array in inputs.items():
        npy = os.path.join(work, "in_" + file_name(name) + ".npy")
        np.save(npy, array)
        feeds.append(f"{name}={npy}")
        raw = os.path.join(work, "in_" + file_name(name) + ".bin")
        np.ascontiguousarray(array).tofile(raw)
        in_files.append(raw)
    outputs = list(model.graph.output)
    out_files = [os.path.join(work, "out_" + file_name(o.name) + ".bin") for o in outputs]
    result = subprocess.run([app] + in_files + out_files)
    if result.returncode != 0:
        print(f"FAIL: the app exited with {result.returncode}")
        return 1
    ort_dir = os.path.join(work, "ort")
    if subprocess.run(["node", ORT_RUN, model_path, ort_dir] + feeds).returncode != 0:
        print("FAIL: ONNX Runtime failed")
        return 1
    failed = False
    for output, path in zip(outputs, out_files):
        expected = np.load(os.path.join(ort_dir, file_name(output.name) + ".npy"))
        got = np.fromfile(path, dtype=expected.dtype).reshape(expected.shape)
        error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        bad = error > 1e-4 + 1e-3 * np.abs(expected.astype(np.float64))
        status = "FAIL" if bad.any() else "ok"
        print(f"app output '{output.name}' {list(got.shape)}: {status}: max abs error "
              f"{float(error.max()):.3g}, {int(bad.sum())} of {got.size} outside rtol 1e-3 / atol 1e-4")
        failed |= bool(bad.any())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
