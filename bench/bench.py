#!/usr/bin/env python3
"""kiln against ONNX Runtime on the public model set, same machine, same run.

  bench/bench.py [--kiln build/bin/kiln] [--runs 20] [--threads 1,2] [--models ...]
                 [--work build/bench] [--json results.json]

For each model and thread count it runs `kiln run --bench N` and ONNX
Runtime (tests/node/ort_run.js --bench N) alternately, three rounds each, and
reports the median of the per-round medians. Prints a table (model, threads,
kiln ms, ORT ms, ratio kiln/ORT) and the geometric mean of the ratios, and
writes the same as JSON. Install ONNX Runtime first with scripts/install-deps.sh.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"
MODELS = ["resnet18", "resnet50", "mobilenet_v2", "bert_encoder", "lstm", "mlp_embedding"]


def export(name, models_dir, opset):
    path = os.path.join(models_dir, f"{name}-opset{opset}.onnx")
    if not os.path.exists(path):
        subprocess.run([PYTHON, os.path.join(ROOT, "tests", "models", "export_models.py"),
                        "--opset", str(opset), models_dir, name],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def median_ms(output):
    match = re.search(r"median_ms ([0-9.]+)", output)
    return float(match.group(1)) if match else None


def inputs_for(model_path, work):
    """Seeded inputs shared by both runtimes (via the model comparison helper)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
    import numpy as np
    import onnx
    from compare_with_ort import file_name, make_inputs
    model = onnx.load(model_path, load_external_data=False)
    feeds = []
    for name, array in make_inputs(model, np.random.default_rng(0), {}, 10).items():
        path = os.path.join(work, "in_" + file_name(name) + ".npy")
        np.save(path, array)
        feeds.append(f"{name}={path}")
    return feeds


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiln", default=os.path.join(ROOT, "build", "bin", "kiln"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    rows = []
    for name in args.models.split(","):
        try:
            model = export(name, os.path.join(args.work, "models"), args.opset)
        except subprocess.CalledProcessError:
            rows.append({"model": name, "error": "export failed"})
            continue
        work = os.path.join(args.work, name)
        os.makedirs(work, exist_ok=True)
        feeds = inputs_for(model, work)
        for threads in [int(t) for t in args.threads.split(",")]:
            kiln_times, ort_times, error = [], [], None
            for _ in range(args.rounds):
                kiln = subprocess.run(
                    [args.kiln, "run", model, f"--threads={threads}", f"--bench={args.runs}",
                     "-O3"] + [f"--input={f}" for f in feeds],
                    capture_output=True, text=True)
                ort = subprocess.run(
                    ["node", os.path.join(ROOT, "tests", "node", "ort_run.js"), model,
                     os.path.join(work, "ort"), "--threads", str(threads), "--bench",
                     str(args.runs)] + feeds, capture_output=True, text=True)
                if kiln.returncode != 0:
                    error = "kiln: " + (kiln.stderr.strip().splitlines() or ["failed"])[0]
                    break
                if ort.returncode != 0:
                    error = "ORT: " + (ort.stderr.strip().splitlines() or ["failed"])[0]
                    break
                kiln_times.append(median_ms(kiln.stdout))
                ort_times.append(median_ms(ort.stdout))
            row = {"model": name, "threads": threads}
            if error:
                row["error"] = error
            else:
                row["kiln_ms"] = statistics.median(kiln_times)
                row["ort_ms"] = statistics.median(ort_times)
                row["ratio"] = row["kiln_ms"] / row["ort_ms"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)

    print(f"{'model':<16}{'threads':>8}{'kiln ms':>12}{'ORT ms':>12}{'kiln/ORT':>10}")
    ratios = {}
    for row in rows:
        if "error" in row:
            print(f"{row['model']:<16}{row.get('threads', ''):>8}  {row['error']}")
            continue
        ratios.setdefault(row["threads"], []).append(row["ratio"])
        print(f"{row['model']:<16}{row['threads']:>8}{row['kiln_ms']:>12.2f}"
              f"{row['ort_ms']:>12.2f}{row['ratio']:>10.2f}")
    summary = {}
    for threads, values in sorted(ratios.items()):
        geomean = math.exp(sum(math.log(v) for v in values) / len(values))
        summary[threads] = geomean
        print(f"geometric mean kiln/ORT at {threads} thread(s): {geomean:.2f} "
              f"({len(values)} models)")
    path = args.json or os.path.join(args.work, "results.json")
    with open(path, "w") as f:
        json.dump({"rows": rows, "geomean": summary}, f, indent=2)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
