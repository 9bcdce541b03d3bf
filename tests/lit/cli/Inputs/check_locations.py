"""Checks that every op inside the functions of an IR dump printed with
--print-locations names an ONNX node or initializer (a NameLoc, possibly
inside fused locations), and lists the nodes of fused ops.

usage: check_locations.py FILE.mlir [--skip FUNCTION]... [--together NAME...]
Prints "ok: N ops, M fused" or the first ops without a name (and exits 1).
With --together, some op must name all of the given nodes (a fused kernel).
"""
import argparse
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--skip", action="append", default=[],
                    help="functions whose ops are ABI glue, not from any node")
parser.add_argument("--together", nargs="+", default=[],
                    help="node names that one op must all name")
args = parser.parse_args()
lines = open(args.file).read().splitlines()

aliases = {}
for line in lines:
    m = re.match(r"^(#loc\d*) = loc\((.*)\)$", line)
    if m:
        aliases[m.group(1)] = m.group(2)


def node_names(text, seen=()):
    """NameLoc names in a location: quoted strings not followed by ':'
    (a file) and not inside fused<...> metadata."""
    names = set(re.findall(r'(?<![<\w])"([^"]*)"(?!:)(?!>)', text))
    for alias in re.findall(r"#loc\d*", text):
        if alias in aliases and alias not in seen:
            names |= node_names(aliases[alias], seen + (alias,))
    return names


ops = unnamed = fused = 0
together = False
problems = []
function = None
for number, line in enumerate(lines, 1):
    m = re.match(r"^\s*(?:func\.func|llvm\.func)\b.*?@([\w.$-]+)", line)
    if m:
        function = m.group(1)
        continue
    if function is None or function in args.skip:
        continue
    stripped = line.strip()
    if stripped.startswith(("llvm.mlir.global", "memref.global")):
        function = None  # module-level data, after the functions
        continue
    if not stripped or stripped.startswith(("^bb", "}", "#loc")) or " loc(" not in stripped:
        continue
    m = re.search(r"loc\(([^()]*(?:\([^()]*\))*[^()]*)\)\s*$", stripped)
    if not m:
        continue
    ops += 1
    names = node_names(m.group(1))
    if not names:
        unnamed += 1
        problems.append(f"{args.file}:{number}: {stripped[:100]}")
    elif len(names) > 1:
        fused += 1
    if args.together and set(args.together) <= names:
        together = True
if problems:
    print(f"FAIL: {unnamed} of {ops} ops name no ONNX node:")
    print("\n".join(problems[:10]))
    sys.exit(1)
if args.together and not together:
    print(f"FAIL: no op names all of {args.together}")
    sys.exit(1)
print(f"ok: {ops} ops, {fused} fused")
