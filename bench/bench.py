#!/usr/bin/env python3
"""kiln against ONNX Runtime on the public model set, same machine, same run.

  bench/bench.py [--kiln build/bin/kiln] [--runs 20] [--threads 1,2] [--models ...]
                 [--gemms ...] [--work build/bench] [--json results.json]
                 [--chart results.png]

For each model and thread count it runs `kiln run --bench N` and ONNX
Runtime (tests/node/ort_run.js --bench N) alternately, three rounds each, and
reports the median of the per-round medians. Prints a table (model, threads,
kiln ms, ORT ms, ratio kiln/ORT) and the geometric mean of the ratios, and
writes the same as JSON.

Then the f32 GEMM section: bench/fma_peak.c (built with the system C compiler
at -O2 -march=native) measures the FMA throughput of one core, and each GEMM
shape (1024x1024x1024 and the matrix products of ResNet-50's 1x1
convolutions and classifier, weights constant as in a model) is compiled by
kiln as a one-node MatMul model and timed on one thread: GFLOP/s and percent
of the peak. Last, a bar chart of the ratios and the GEMM efficiency (PNG,
matplotlib). Install ONNX Runtime first with scripts/install-deps.sh.
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
# M x N x K. ResNet-50's 1x1 convolutions are products of (pixels x Cin) by
# (Cin x Cout) at 56x56, 28x28, 14x14 and 7x7; the classifier is 1 x 1000 x 2048.
GEMMS = ["1024x1024x1024", "3136x64x256", "3136x256x64", "784x128x512", "784x512x128",
         "196x256x1024", "196x1024x256", "49x512x2048", "49x2048x512", "1x1000x2048"]


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


def fma_peak_gflops(work):
    """One core's f32 FMA throughput, from bench/fma_peak.c."""
    binary = os.path.join(work, "fma_peak")
    subprocess.run(["cc", "-O2", "-march=native", "-ffp-contract=fast",
                    os.path.join(HERE, "fma_peak.c"), "-o", binary], check=True)
    output = subprocess.run([binary], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"fma_peak_gflops ([0-9.]+)", output).group(1))


def gemm_model(shape, work):
    """A one-node MatMul model: A (M x K) is the input, B (K x N) a weight."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    m, n, k = (int(v) for v in shape.split("x"))
    path = os.path.join(work, f"gemm_{shape}.onnx")
    if not os.path.exists(path):
        weight = np.random.default_rng(0).standard_normal((k, n), dtype=np.float32)
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["c"], name="gemm")], f"gemm_{shape}",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
            [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])],
            [numpy_helper.from_array(weight, "b")])
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return path, 2.0 * m * n * k


def bench_gemms(args, peak):
    work = os.path.join(args.work, "gemm")
    os.makedirs(work, exist_ok=True)
    rows = []
    for shape in args.gemms.split(","):
        path, flops = gemm_model(shape, work)
        times = []
        for _ in range(args.rounds):
            run = subprocess.run([args.kiln, "run", path, "--threads=1", f"--bench={args.runs}",
                                  "-O3"], capture_output=True, text=True)
            if run.returncode != 0:
                times = None
                break
            times.append(median_ms(run.stdout))
        if not times:
            rows.append({"gemm": shape, "error": "kiln failed"})
            continue
        ms = statistics.median(times)
        gflops = flops / (ms * 1e-3) * 1e-9
        rows.append({"gemm": shape, "ms": ms, "gflops": gflops, "percent_of_peak":
                     100.0 * gflops / peak})
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def draw_chart(path, rows, gemm_rows):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    good = [r for r in gemm_rows if "gflops" in r]
    if good:
        figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5),
                                             gridspec_kw={"width_ratios": [3, 2]})
    else:
        figure, left = plt.subplots(1, 1, figsize=(7.5, 4.5))
    models = [r["model"] for r in rows if "ratio" in r and r["threads"] == rows[0]["threads"]]
    thread_counts = sorted({r["threads"] for r in rows if "ratio" in r})
    width = 0.8 / max(1, len(thread_counts))
    for i, threads in enumerate(thread_counts):
        ratios = {r["model"]: r["ratio"] for r in rows if r.get("threads") == threads
                  and "ratio" in r}
        xs = [j + i * width for j in range(len(models))]
        left.bar(xs, [ratios.get(m, 0) for m in models], width, label=f"{threads} thread(s)")
    left.axhline(1.0, color="black", linewidth=1)
    left.set_xticks([j + width * (len(thread_counts) - 1) / 2 for j in range(len(models))])
    left.set_xticklabels(models, rotation=20)
    left.set_ylabel("kiln latency / ONNX Runtime latency (lower is better)")
    left.set_title("Models")
    left.legend()
    if not good:
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        return
    right.barh([r["gemm"] for r in good], [r["percent_of_peak"] for r in good])
    right.axvline(80, color="black", linewidth=1, linestyle="--")
    right.set_xlabel("% of one core's FMA peak")
    right.set_title("f32 GEMM (M x N x K), 1 thread")
    right.invert_yaxis()
    figure.tight_layout()
    figure.savefig(path, dpi=100)


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
    parser.add_argument("--gemms", default=",".join(GEMMS),
                        help="M x N x K shapes, comma-separated ('' for none)")
    parser.add_argument("--chart", default=None, help="PNG path (default WORK/results.png)")
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    rows = []
    for name in filter(None, args.models.split(",")):
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
    peak, gemm_rows = None, []
    if args.gemms:
        peak = fma_peak_gflops(args.work)
        gemm_rows = bench_gemms(args, peak)
        print(f"\nFMA peak of one core: {peak:.1f} GFLOP/s")
        print(f"{'GEMM MxNxK':<18}{'ms':>10}{'GFLOP/s':>10}{'% peak':>9}")
        for row in gemm_rows:
            if "error" in row:
                print(f"{row['gemm']:<18}  {row['error']}")
            else:
                print(f"{row['gemm']:<18}{row['ms']:>10.3f}{row['gflops']:>10.1f}"
                      f"{row['percent_of_peak']:>9.1f}")
    path = args.json or os.path.join(args.work, "results.json")
    with open(path, "w") as f:
        json.dump({"rows": rows, "geomean": summary, "fma_peak_gflops": peak,
                   "gemm": gemm_rows}, f, indent=2)
    print(f"wrote {path}")
    chart = args.chart or os.path.join(args.work, "results.png")
    draw_chart(chart, rows, gemm_rows)
    print(f"wrote {chart}")


if __name__ == "__main__":
    main()
