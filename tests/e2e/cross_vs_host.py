#!/usr/bin/env python3
"""Builds a model's runner (`kiln compile --emit=runner`) for the host and for a
cross target, runs the cross one under QEMU (qemu-user for Linux targets,
qemu-system-arm with an MPS2 board and semihosting for Cortex-M) on the same
seeded .npy inputs, and compares every output with the host's.

  cross_vs_host.py --kiln KILN --target TRIPLE [--cpu CPU] [--qemu-cpu QEMU_CPU]
                   [--input-shape N=DIMS] [--rtol 1e-3] [--atol 1e-4] --work DIR MODEL

Exits 77 (ctest's skip code), saying why, only when the emulator is missing;
1 when an output differs (one line per output with the largest errors).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_with_ort import make_inputs  # noqa: E402

SKIP = 77
QEMU_USER = {
    "aarch64-linux-gnu": "qemu-aarch64",
    "armv7a-linux-gnueabihf": "qemu-arm",
    "riscv64-linux-gnu": "qemu-riscv64",
}


def run(command, timeout):
    start = time.time()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.stderr.write(f"FAILED ({result.returncode}): {' '.join(command)}\n"
                         f"{result.stdout}{result.stderr}")
        sys.exit(1)
    return result.stdout + result.stderr, time.time() - start


def compile_runner(args, out, target=None, cpu=None):
    command = [args.kiln, "compile", args.model, "--emit=runner", "-o", out, "--name", "net"]
    for spec in args.input_shape:
        command += ["--input-shape", spec]
    if target:
        command += ["--target", target]
    if cpu:
        command += ["--cpu", cpu]
    text, seconds = run(command, 1200)
    with open(os.path.join(out, "log"), "w") as log:
        log.write(text)
    print(f"compiled for {target or 'host'} in {seconds:.1f}s:\n{text.rstrip()}")
    return os.path.join(out, "net-run")


def llvm_tool(name):
    return shutil.which(f"{name}-19") or shutil.which(name)


def check_bare_metal(out):
    """The runner links no heap, the weights stay in flash, and the runtime is
    a few KB of code."""
    ok = True
    symbols = subprocess.run([llvm_tool("llvm-nm"), os.path.join(out, "net-run")],
                             capture_output=True, text=True, check=True).stdout.split()
    heap = sorted(set(symbols) & {"malloc", "_malloc_r", "free", "_free_r", "calloc",
                                  "realloc", "_sbrk", "_sbrk_r", "pthread_create"})
    print(f"heap or thread symbols in net-run: {', '.join(heap) or 'none'}")
    ok &= not heap
    sections = subprocess.run([llvm_tool("llvm-size"), "-A", os.path.join(out, "net-run")],
                              capture_output=True, text=True, check=True).stdout
    sizes = {line.split()[0]: int(line.split()[1]) for line in sections.splitlines()
             if line.startswith(".")}
    weights = int(re.search(r"weights\s+(\d+) bytes", open(os.path.join(out, "log")).read())
                  .group(1)) if os.path.exists(os.path.join(out, "log")) else 0
    # .text holds code and .rodata (flash); .data is copied to RAM at reset.
    print(f"flash .text {sizes.get('.text', 0)} bytes, RAM .data {sizes.get('.data', 0)} "
          f"+ .bss {sizes.get('.bss', 0)} bytes")
    if weights and sizes.get(".data", 0) >= weights:
        print("the weights ended up in RAM (.data)")
        ok = False
    runtime = subprocess.run([llvm_tool("llvm-size"), "-t", os.path.join(out, "libkiln_rt.a")],
                             capture_output=True, text=True, check=True).stdout
    code = int(runtime.strip().splitlines()[-1].split()[0])
    print(f"bare-metal runtime: {code} bytes of code (limit 8192)")
    ok &= code < 8192
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--kiln", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--cpu")
    parser.add_argument("--work", required=True)
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--qemu-cpu", help="the emulated CPU (e.g. rv64,v=true,vlen=128 for RVV)")
    parser.add_argument("--int-high", type=int, default=10)
    parser.add_argument("--input-shape", action="append", default=[])
    args = parser.parse_args()

    bare_metal = "-none-" in args.target
    if bare_metal:
        emulator = "qemu-system-arm"
    else:
        emulator = QEMU_USER[args.target]
    if not shutil.which(emulator):
        print(f"SKIP: {emulator} is not installed (Debian: qemu-user / qemu-system-arm)")
        return SKIP

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "inputs"))
    model = onnx.load(args.model, load_external_data=False)
    shapes = {}
    for spec in args.input_shape:
        name, dims = spec.split("=")
        shapes[name] = [int(d) for d in dims.split("x")]
    inputs = make_inputs(model, np.random.default_rng(0), shapes, args.int_high)
    input_args = []
    for index, (name, array) in enumerate(inputs.items()):
        path = os.path.join("inputs", f"input_{index}.npy")
        np.save(os.path.join(work, path), array)
        input_args += ["--input", f"{name}={path}"]

    host_runner = compile_runner(args, os.path.join(work, "host"))
    cross_runner = compile_runner(args, os.path.join(work, "cross"), args.target, args.cpu)
    if bare_metal:
        # The board model kiln linked the runner for, from its printed command.
        with open(os.path.join(work, "cross", "log")) as log:
            board = re.search(r"qemu-system-arm -M (\S+)", log.read()).group(1)
    # Run from WORK with relative paths: semihosting opens them on the host
    # relative to QEMU's working directory, and its arguments cannot hold commas.
    os.makedirs(os.path.join(work, "host_out"))
    os.makedirs(os.path.join(work, "cross_out"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        _, host_seconds = run([os.path.abspath(host_runner)] + input_args + ["-o", "host_out"],
                              600)
        relative = os.path.relpath(cross_runner, work)
        if bare_metal:
            semihosting = ",".join(["enable=on", "target=native", "arg=net-run"] +
                                   [f"arg={a}" for a in input_args + ["-o", "cross_out"]])
            command = [emulator, "-M", board, "-nographic", "-semihosting-config", semihosting,
                       "-kernel", relative]
        else:
            command = [emulator] + (["-cpu", args.qemu_cpu] if args.qemu_cpu else []) + \
                ["./" + relative] + input_args + ["-o", "cross_out"]
        text, cross_seconds = run(command, 900)
    finally:
        os.chdir(cwd)
    print(f"ran on the host in {host_seconds:.1f}s, under {emulator} in {cross_seconds:.1f}s"
          f"{': ' + text.strip() if text.strip() else ''}")

    failed = bare_metal and not check_bare_metal(os.path.join(work, "cross"))
    outputs = sorted(os.listdir(os.path.join(work, "host_out")))
    if not outputs:
        print("no outputs written")
        return 1
    for name in outputs:
        expected = np.load(os.path.join(work, "host_out", name))
        cross_path = os.path.join(work, "cross_out", name)
        if not os.path.exists(cross_path):
            print(f"{name}: missing from the {args.target} run")
            failed = True
            continue
        actual = np.load(cross_path)
        if actual.shape != expected.shape or actual.dtype != expected.dtype:
            print(f"{name}: {actual.dtype}{actual.shape} vs host {expected.dtype}{expected.shape}")
            failed = True
            continue
        if not np.issubdtype(expected.dtype, np.floating):
            ok = np.array_equal(actual, expected)
            print(f"{name}: {'equal' if ok else 'DIFFERENT'} ({expected.dtype})")
            failed |= not ok
            continue
        error = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
        bound = args.atol + args.rtol * np.abs(expected.astype(np.float64))
        ok = bool(np.all(error <= bound))
        print(f"{name}: max abs error {error.max():.3g}, max error/bound "
              f"{(error / bound).max():.3g} {'ok' if ok else 'MISMATCH'}")
        failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
