"""Checks a `kiln run --profile` trace against the model and the header.

usage: check_trace.py TRACE.json MODEL.onnx HEADER.h
Prints "ok" or the first problem (and exits 1).
"""
import json
import re
import sys

import onnx


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main():
    trace_path, model_path, header_path = sys.argv[1:4]
    with open(trace_path) as f:
        trace = json.load(f)  # raises on invalid JSON
    events = trace.get("traceEvents")
    if not isinstance(events, list):
        fail("no traceEvents list")
    slices = [e for e in events if e.get("ph") == "X"]
    inference = [e for e in slices if e.get("cat") == "inference"]
    kernels = [e for e in slices if e.get("cat") == "kernel"]
    if len(inference) != 1:
        fail(f"{len(inference)} inference slices")
    header = open(header_path).read()
    count = int(re.search(r"_PROFILE_KERNELS (\d+)", header).group(1))
    names = re.search(r"_PROFILE_KERNEL_NAMES_TABLE \{(.*)\}", header).group(1)
    if len(kernels) != count:
        fail(f"{len(kernels)} kernel slices, the header lists {count} kernels")
    if sorted(e["args"]["kernel"] for e in kernels) != list(range(count)):
        fail("kernels are not each run exactly once")
    start, end = inference[0]["ts"], inference[0]["ts"] + inference[0]["dur"]
    previous_end = start
    for e in kernels:
        args = e["args"]
        if e["dur"] < 0 or e["ts"] < previous_end - 1e-3 or e["ts"] + e["dur"] > end + 1e-3:
            fail(f"slice '{e['name']}' at {e['ts']}+{e['dur']} is out of order or outside "
                 f"the inference [{start}, {end}]")
        previous_end = e["ts"] + e["dur"]
        for key in ("flops", "bytes", "gflops", "nodes", "op_types"):
            if key not in args:
                fail(f"slice '{e['name']}' has no {key}")
        if args["flops"] < 0 or args["bytes"] <= 0:
            fail(f"slice '{e['name']}': flops {args['flops']}, bytes {args['bytes']}")
        if e["dur"] > 0 and abs(args["gflops"] - args["flops"] / (e["dur"] * 1e3)) > 1e-6 * (
                1 + args["gflops"]):
            fail(f"slice '{e['name']}': gflops does not match flops / dur")
        if args["nodes"] and e["name"] != " + ".join(args["nodes"]):
            fail(f"slice '{e['name']}' is not named after its nodes {args['nodes']}")
        if f'"{e["name"]}"' not in names:
            fail(f"slice '{e['name']}' is not kernel {args['kernel']} of the header")
    # Every node that computes something appears in some slice, by name.
    traced = {n for e in kernels for n in e["args"]["nodes"]}
    compute = [n for n in onnx.load(model_path).graph.node
               if n.op_type not in ("Flatten", "Reshape", "Constant", "Identity")]
    missing = [n.name for n in compute if n.name not in traced]
    if missing:
        fail(f"nodes in no slice: {missing}")
    print(f"ok: {len(kernels)} kernels, {len(traced)} nodes")


if __name__ == "__main__":
    main()
