#!/usr/bin/env python3
"""Peak RSS of `kiln run` on a model stays below 4x its weight bytes + 200 MB.

  check_peak_rss.py KILN MODEL.onnx
"""
import os
import resource
import subprocess
import sys
import tempfile

import onnx
from onnx import numpy_helper


def main():
    kiln, model_path = sys.argv[1], sys.argv[2]
    model = onnx.load(model_path)
    weight_bytes = sum(numpy_helper.to_array(t).nbytes for t in model.graph.initializer)
    del model
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run([kiln, "run", model_path, "-o", out])
    if result.returncode != 0:
        print(f"FAIL: kiln run exited with {result.returncode}")
        return 1
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    budget = 4 * weight_bytes + 200 * 1024 * 1024
    status = "ok" if peak < budget else "FAIL"
    print(f"{status}: peak RSS {peak / 2**20:.1f} MiB, weights {weight_bytes / 2**20:.1f} MiB, "
          f"budget {budget / 2**20:.1f} MiB")
    return 0 if peak < budget else 1


if __name__ == "__main__":
    sys.exit(main())
