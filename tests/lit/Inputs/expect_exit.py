#!/usr/bin/env python3
"""expect_exit.py CODE CMD...: runs CMD, passes its output through, and exits 0
only if CMD exited with exactly CODE (lit's `not` accepts any failure)."""
import subprocess
import sys

want = int(sys.argv[1])
result = subprocess.run(sys.argv[2:])
if result.returncode != want:
    sys.stderr.write(f"expect_exit: wanted exit code {want}, got {result.returncode}\n")
    sys.exit(1)
