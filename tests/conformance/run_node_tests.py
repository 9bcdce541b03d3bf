#!/usr/bin/env python3
"""Runs the ONNX backend node tests through kiln (`kiln run --test-data CASE`)
and checks the results against a list of expected failures.

  run_node_tests.py --kiln build/bin/kiln --cases OUTDIR/node
                    --expected tests/conformance/expected_failures.txt
                    [--jobs N] [--filter REGEX] [--timeout S] [--write-expected]

Prints one line per case, in name order:
  PASS name                 passed
  FAIL name: reason         failed and is not listed (reason: kiln's first error line)
  XFAIL name: reason        failed, listed as an expected failure
  XPASS name                passed although listed as an expected failure
  SKIP name: reason         listed as out of scope, not run
then a line `conformance: N passed, N failed (N expected), N skipped, N unexpected`
and, last, the summary `N passed, N failed, N skipped`.

Exits 1 when an unlisted case fails or a listed case passes (so the list of
expected failures only shrinks), 0 otherwise.

The expected-failures file has one entry per line; `#` starts a comment, and the
comment on an entry's line is its reason. A name may be an fnmatch pattern
(`test_lstm_*`) to list a family in one line:
  test_name  # reason               expected to fail
  skip: test_pattern*  # reason     out of scope, not run

--write-expected rewrites that file from the run: comments and skip lines stay
as they are, listed cases that now pass are dropped (a pattern that matches a
passing case is replaced by the cases of it that still fail, with its reason),
and new failures are appended with their reason, grouped by reason. The run
then exits 0.
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import signal
import subprocess
import sys
import tempfile

SKIP_PREFIX = "skip:"


class Entry:
    """One entry of the expected-failures file."""

    def __init__(self, pattern, reason, skip, line):
        self.pattern = pattern
        self.reason = reason
        self.skip = skip
        self.line = line  # the file's line, kept verbatim by --write-expected

    def matches(self, name):
        return fnmatch.fnmatchcase(name, self.pattern)


def read_expected(path):
    """Returns the file's lines, each a str (comment or blank) or an Entry."""
    lines = []
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            body, _, comment = line.partition("#")
            body = body.strip()
            if not body:
                lines.append(line)
                continue
            skip = body.startswith(SKIP_PREFIX)
            if skip:
                body = body[len(SKIP_PREFIX):].strip()
            if not body or len(body.split()) != 1:
                sys.exit(f"{path}:{number}: expected `[skip:] test_name  # reason`, got: {line}")
            lines.append(Entry(body, comment.strip(), skip, line))
    return lines


def find_entry(entries, name):
    """The entry that lists `name`: an exact name first, else the first matching pattern."""
    for entry in entries:
        if entry.pattern == name:
            return entry
    for entry in entries:
        if entry.matches(name):
            return entry
    return None


def failure_reason(output, case_dir):
    """kiln's first error line, without the case path it starts with."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    chosen = next((line for line in lines if re.search(r"\berror\b|FAIL", line)),
                  lines[-1] if lines else "no output")
    chosen = chosen.replace(case_dir + os.sep, "").replace(case_dir, "")
    chosen = re.sub(r"^(kiln: error: )?(model\.onnx: )?(error: )?", "", chosen)
    match = re.match(r"node '[^']*' \(([^)]*)\): error: (.*)", chosen)
    if match:
        op, message = match.groups()
        chosen = message if op in message else f"{op}: {message}"
    return chosen


def run_case(kiln, case_dir, timeout):
    """Runs one case; returns None when it passes, else a one-line reason."""
    with tempfile.TemporaryDirectory(prefix="kiln-conformance-") as work:
        proc = subprocess.Popen([kiln, "run", "--test-data", case_dir], cwd=work,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return f"timeout after {timeout:g} s"
    if proc.returncode == 0:
        return None
    reason = failure_reason(output, case_dir)
    if proc.returncode < 0:
        return f"crash ({signal.Signals(-proc.returncode).name}): {reason}"
    if proc.returncode == 2:
        return f"crash (exit 2): {reason}"
    if proc.returncode != 1:
        return f"exit {proc.returncode}: {reason}"
    return reason


def short_reason(reason):
    """A short, groupable reason for the expected-failures file."""
    match = re.search(r"operator (\S+) \(opset \d+\) is not supported", reason)
    if match:
        return f"{match.group(1)} not supported"
    match = re.match(r"test_data_set_\d+: output '[^']*': FAIL: (.*?)( \(rtol .*)?$", reason)
    if match:
        return "numerical mismatch: " + match.group(1)
    reason = re.sub(r" for code generation \(it is computed at run time in this model\)$", "",
                    reason)
    reason = re.sub(r"; code generation needs static shapes \(specialize with .*\)$", "", reason)
    return re.sub(r" \(please report this with the model\)$", "", reason)


def write_expected(path, lines, results, all_names):
    """Rewrites the expected-failures file from this run's `results` (name -> reason or None)."""
    entries = [line for line in lines if isinstance(line, Entry)]
    cases_of = {}
    for name in all_names:
        cases_of.setdefault(id(find_entry(entries, name)), []).append(name)
    out = []
    covered = set()
    for line in lines:
        if not isinstance(line, Entry):
            out.append(line)
        elif line.skip:
            out.append(line.line)
        else:
            listed = cases_of.get(id(line), [])
            if any(n in results and results[n] is None for n in listed):
                still = [n for n in listed if n not in results or results[n]]
                out.extend(f"{n}  # {line.reason}" for n in still)
                covered.update(still)
            elif listed:
                out.append(line.line)
                covered.update(listed)
    new = sorted((short_reason(reason), name) for name, reason in results.items()
                 if reason and name not in covered)
    if new:
        while out and not out[-1].strip():
            out.pop()
        out.append("")
        out.extend(f"{name}  # {reason}" for reason, name in new)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiln", required=True, help="the kiln binary")
    parser.add_argument("--cases", required=True, help="the node test directory (OUTDIR/node)")
    parser.add_argument("--expected", required=True, help="the expected-failures file")
    parser.add_argument("--jobs", type=int, default=2, help="cases run in parallel (default 2)")
    parser.add_argument("--filter", help="run only the cases whose name matches this regex")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds per case before it counts as a failure (default 120)")
    parser.add_argument("--write-expected", action="store_true",
                        help="rewrite the expected-failures file from this run")
    args = parser.parse_args()

    kiln = os.path.abspath(args.kiln)
    cases = os.path.abspath(args.cases)
    all_names = sorted(d for d in os.listdir(cases)
                       if os.path.isfile(os.path.join(cases, d, "model.onnx")))
    if not all_names:
        sys.exit(f"no test cases in {cases}")
    names = [n for n in all_names if not args.filter or re.search(args.filter, n)]
    lines = read_expected(args.expected)
    entries = [line for line in lines if isinstance(line, Entry)]
    listed = {name: find_entry(entries, name) for name in names}
    to_run = [n for n in names if not (listed[n] and listed[n].skip)]

    counts = dict.fromkeys(("PASS", "FAIL", "XFAIL", "XPASS", "SKIP"), 0)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {n: pool.submit(run_case, kiln, os.path.join(cases, n), args.timeout)
                   for n in to_run}
        for name in names:
            entry = listed[name]
            if name not in futures:
                status, text = "SKIP", f"{name}: {entry.reason}"
            else:
                reason = results[name] = futures[name].result()
                if reason is None:
                    status, text = ("XPASS" if entry else "PASS"), name
                elif entry:
                    status, text = "XFAIL", f"{name}: {entry.reason or reason}"
                else:
                    status, text = "FAIL", f"{name}: {reason}"
            counts[status] += 1
            print(f"{status} {text}", flush=True)

    if args.write_expected:
        write_expected(args.expected, lines, results, all_names)
        print(f"wrote {args.expected}", file=sys.stderr)
    passed = counts["PASS"] + counts["XPASS"]
    failed = counts["FAIL"] + counts["XFAIL"]
    unexpected = counts["FAIL"] + counts["XPASS"]
    print(f"conformance: {passed} passed, {failed} failed ({counts['XFAIL']} expected), "
          f"{counts['SKIP']} skipped, {unexpected} unexpected")
    print(f"{passed} passed, {failed} failed, {counts['SKIP']} skipped")
    return 0 if args.write_expected or not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
