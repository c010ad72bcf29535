#!/usr/bin/env python3
"""Prints a table of a fuzzing run from its work directory (default build/fuzz):
per target the CPU time (user+sys of the libFuzzer process and its fork children), executions,
exec/s, final cov and ft, corpus size, and the crash/leak/timeout/OOM artifacts saved.

Usage: report.py [FUZZ_OUT] [--markdown]
"""
import glob
import os
import re
import sys


def parse(log):
    text = open(log, errors="replace").read()
    r = {"execs": None, "cov": None, "ft": None, "eps": None, "wall": None}
    status = re.findall(r"^#(\d+)\s*:?\s+\S+\s+cov: (\d+) ft: (\d+).*?exec/s: (\d+)", text, re.M)
    if status:
        last = status[-1]
        r.update(execs=int(last[0]), cov=int(last[1]), ft=int(last[2]), eps=int(last[3]))
    m = re.search(r"stat::number_of_executed_units: (\d+)", text)
    if m:
        r["execs"] = int(m.group(1))
    m = re.search(r"stat::average_exec_per_sec: (\d+)", text)
    if m:
        r["eps"] = int(m.group(1))
    fork = re.findall(r"^#(\d+): cov: (\d+) ft: (\d+) corp: \d+ exec/s:? (\d+) .*?time: (\d+)s", text, re.M)
    if fork:
        last = fork[-1]
        r.update(execs=int(last[0]), cov=int(last[1]), ft=int(last[2]), eps=int(last[3]), wall=int(last[4]))
    m = re.search(r"Done (\d+) runs in (\d+) second", text)
    if m:
        r["wall"] = int(m.group(2))
    return r


def cpu(path):
    try:
        u, s = open(path).read().split()[-2:]
        return float(u) + float(s)
    except (OSError, ValueError):
        return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    md = "--markdown" in sys.argv
    out = args[0] if args else "build/fuzz"
    rows = []
    for log in sorted(glob.glob(os.path.join(out, "logs", "fuzz_*.log"))):
        t = os.path.basename(log)[:-4]
        r = parse(log)
        c = cpu(os.path.join(out, "logs", t + ".cpu"))
        corpus = len(os.listdir(os.path.join(out, "corpus", t))) if os.path.isdir(os.path.join(out, "corpus", t)) else 0
        arts = glob.glob(os.path.join(out, "artifacts", t, "*"))
        kinds = {}
        for a in arts:
            k = os.path.basename(a).split("-")[0]
            kinds[k] = kinds.get(k, 0) + 1
        rows.append((t, c, r["execs"], r["eps"], r["cov"], r["ft"], corpus, len(arts),
                     ",".join("%s:%d" % kv for kv in sorted(kinds.items()))))
    head = ("target", "cpu_s", "execs", "exec/s", "cov", "ft", "corpus", "artifacts", "kinds")
    fmt = (lambda cells: "| " + " | ".join(cells) + " |") if md else (lambda cells: "  ".join(
        c.ljust(w) for c, w in zip(cells, (20, 8, 10, 7, 6, 7, 7, 9, 30))))
    print(fmt(head))
    if md:
        print("|" + "---|" * len(head))
    tot_cpu = tot_exec = tot_art = 0
    for row in rows:
        t, c, e, eps, cov, ft, corp, na, kinds = row
        tot_cpu += c or 0
        tot_exec += e or 0
        tot_art += na
        print(fmt([t, "%.0f" % c if c is not None else "?", str(e), str(eps), str(cov), str(ft), str(corp), str(na), kinds]))
    print(fmt(["total", "%.0f" % tot_cpu, str(tot_exec), "", "", "", "", str(tot_art), ""]))


if __name__ == "__main__":
    main()
