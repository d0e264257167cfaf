#!/usr/bin/env python3
"""Splits perf samples between the two variants of `compare --mark`'s paired batches.

usage: attribute.py MARKS SAMPLES [TOP [COMPARISON]]

MARKS:   compare's stderr with `--mark` (lines `batch COMPARISON VARIANT START_NS END_NS`,
         CLOCK_MONOTONIC; COMPARISON as compare names it, e.g. `c/b`, `d/a+`).
SAMPLES: `perf script -F time,ip,sym --ns` of a `perf record -k CLOCK_MONOTONIC` run.

Every sample taken inside a batch counts for that batch's variant, whichever thread it was
on: the client's, the local server's or the kernel's. Both variants send the same number of
requests, so the difference of their counts is the difference of their cost. Prints the
samples per kind of code, then the TOP (default 25) functions that differ most, for one
COMPARISON (default: the first in the marks).
"""
import bisect
import collections
import re
import sys


def kind(symbol, kernel):
    """The kind of code a sample's function belongs to."""
    if kernel:
        return "kernel"
    s = symbol
    if s.startswith("amplify_rest_bench"):
        return "bench (hand-written client)"
    if "amplify_rest" in s:
        return "amplify-rest"
    if "tracing::instrument" in s or s.startswith("<core::pin::Pin<P>"):
        # Generic wrappers whose poll has the wrapped future's code inlined into it.
        return "future wrappers (Pin, Instrumented)"
    if re.search(r"malloc|free|_int_|unlink_chunk|realloc|__rust_alloc|__rust_dealloc", s):
        return "allocator"
    if re.search(r"memmove|memcpy|memset|memcmp", s):
        return "mem* (copies)"
    if re.search(r"aws_sigv4|sha2::|hmac|hex::", s):
        return "aws-sigv4 + hashing"
    if s.startswith("url::") or "idna" in s or "percent_encoding" in s:
        return "url parsing"
    if "hyper" in s or "httparse" in s:
        return "hyper"
    if "reqwest" in s or "tower" in s:
        return "reqwest"
    if "tokio" in s:
        return "tokio"
    if s.startswith("http::") or "http::" in s or "bytes::" in s:
        return "http / bytes"
    if "compare::" in s:
        return "harness"
    return "other"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    marks = []
    for line in open(sys.argv[1]):
        parts = line.split()
        if len(parts) == 5 and parts[0] == "batch":
            marks.append((parts[1], int(parts[3]), int(parts[4]), parts[2]))
    if not marks:
        sys.exit("no `batch` lines in %s: run compare with --mark" % sys.argv[1])
    comparison = sys.argv[4] if len(sys.argv) > 4 else marks[0][0]
    batches = sorted((a, b, v) for c, a, b, v in marks if c == comparison)
    if not batches:
        sys.exit("no batches of %s; the marks have %s" % (comparison, sorted({m[0] for m in marks})))
    starts = [b[0] for b in batches]
    variants = []
    for _, _, v in batches:
        if v not in variants:
            variants.append(v)
    if len(variants) != 2:
        sys.exit("expected two variants in %s, found %s" % (comparison, variants))
    by_kind = collections.defaultdict(collections.Counter)
    by_symbol = collections.defaultdict(collections.Counter)
    sample = re.compile(r"\s*(\d+)\.(\d+):\s+([0-9a-f]+)\s*(.*)$")
    for line in open(sys.argv[2]):
        m = sample.match(line)
        if not m:
            continue
        t = int(m.group(1)) * 10**9 + int(m.group(2).ljust(9, "0")[:9])
        i = bisect.bisect_right(starts, t) - 1
        if i < 0 or t > batches[i][1]:
            continue
        v = batches[i][2]
        symbol = re.sub(r"::h[0-9a-f]{16}$", "", m.group(4).strip() or "[unknown]")
        by_kind[v][kind(symbol, m.group(3).startswith("ffff"))] += 1
        by_symbol[v][symbol] += 1
    x, y = sorted(variants, key=lambda v: -sum(by_kind[v].values()))
    xs, ys = sum(by_kind[x].values()), sum(by_kind[y].values())
    print("%s: samples of %s %d, of %s %d (%+.1f%%)\n" % (comparison, x, xs, y, ys, 100.0 * (xs - ys) / max(ys, 1)))
    print("| kind of code | %s | %s | difference |" % (y, x))
    print("|---|---:|---:|---:|")
    kinds = set(by_kind[x]) | set(by_kind[y])
    for k in sorted(kinds, key=lambda k: -(by_kind[x][k] - by_kind[y][k])):
        print("| %s | %d | %d | %+d |" % (k, by_kind[y][k], by_kind[x][k], by_kind[x][k] - by_kind[y][k]))
    print("\nfunctions that differ most (%s − %s):\n" % (x, y))
    rows = sorted(
        ((by_symbol[x][s] - by_symbol[y][s], s) for s in set(by_symbol[x]) | set(by_symbol[y])),
        reverse=True,
    )
    for d, s in rows[:top] + [(None, "...")] + rows[-(top // 2):]:
        if d is None:
            print("   ...")
        else:
            print("%+7d  %s" % (d, s[:140]))


if __name__ == "__main__":
    main()
