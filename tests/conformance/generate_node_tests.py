#!/usr/bin/env python3
"""Regenerates the ONNX backend test cases (onnx 1.12, Debian's python3-onnx)
into OUTDIR, as `python3 -m onnx.backend.test.cmd_tools generate-data -o OUTDIR`
does; the node tests land in OUTDIR/node/<test_name>/.

  generate_node_tests.py OUTDIR

onnx 1.12's case generators still use the numpy aliases (np.float, np.int,
np.bool, np.object, np.complex, np.str) that numpy 1.24 removed, so this script
restores them before importing onnx's backend test modules and then calls the
generator in-process. Run it with /usr/bin/python3 (it has onnx and numpy).
"""
import argparse
import builtins
import os
import sys

import numpy as np

for _alias in ("float", "int", "bool", "object", "complex", "str"):
    setattr(np, _alias, getattr(builtins, _alias))

# Imported after the aliases exist: importing the case modules runs no
# generator, but calling generate_data does.
from onnx.backend.test import cmd_tools  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", help="where to write the test cases")
    args = parser.parse_args()
    cmd_tools.generate_data(argparse.Namespace(output=args.outdir, op_type=None))
    node_dir = os.path.join(args.outdir, "node")
    count = sum(os.path.isdir(os.path.join(node_dir, d)) for d in os.listdir(node_dir))
    print(f"generated {count} node test cases in {node_dir}")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
