"""Checks a `kiln inspect --memory FILE.dot` drawing: every buffer box lies
inside the workspace, no two buffers alive at the same step share bytes, and
the workspace is as large as the highest buffer end.

usage: check_memory_plan.py MEMORY.dot
"""
import re
import sys

text = open(sys.argv[1]).read()
title = re.search(r"workspace (\d+) bytes, lower bound (\d+) bytes", text)
workspace, lower_bound = int(title.group(1)), int(title.group(2))
buffers = [tuple(map(int, m)) for m in re.findall(
    r'tooltip=".*?: (\d+) bytes at offset (\d+), steps (\d+)\.\.(\d+)"', text)]
if not buffers:
    sys.exit("FAIL: no buffers")
for i, (size, offset, first, last) in enumerate(buffers):
    if offset % 64 or offset + size > workspace or first > last:
        sys.exit(f"FAIL: buffer {i} ({size} bytes at {offset}, steps {first}..{last})")
    for j, (size2, offset2, first2, last2) in enumerate(buffers[:i]):
        if first <= last2 and first2 <= last and offset < offset2 + size2 and offset2 < offset + size:
            sys.exit(f"FAIL: buffers {j} and {i} overlap")
if max(s + o for s, o, _, _ in buffers) != workspace or lower_bound > workspace:
    sys.exit("FAIL: the workspace size does not match the buffers")
print(f"ok: {len(buffers)} buffers")
