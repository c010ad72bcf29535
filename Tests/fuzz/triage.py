#!/usr/bin/env python3
"""Groups the crash artifacts of a fuzzing run by cause: replays each one and takes a signature
from its report (Swift runtime failure + the first SwiftTranslate frame, a sanitizer error and
its first frame, or the harness invariant that broke).

Usage: triage.py [FUZZ_OUT]   (default build/fuzz-long; binaries in FUZZ_OUT/bin)
Prints one line per distinct cause: count, target, smallest example, signature.
"""
import glob
import os
import re
import subprocess
import sys


def signature(report):
    inv = re.search(r"invariant failed at (\S+): (.*)\n\s*(.*)", report)
    if inv:
        return "invariant %s: %s" % (inv.group(1), inv.group(2))
    kind = re.search(r"Swift runtime failure: ([^\n/]+)", report)
    kind = kind.group(1).strip() if kind else None
    if not kind:
        m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): ([\w-]+(?: [\w-]+)?)", report)
        kind = "%s %s" % (m.group(1), m.group(2)) if m else "unknown"
    frame = re.search(r"#\d+ 0x[0-9a-f]+ in (\$s14SwiftTranslate\S+) (\S+)", report)
    where = ""
    if frame:
        where = os.path.basename(frame.group(2))
        try:
            sym = subprocess.run(["swift", "demangle", "--simplified", frame.group(1)], capture_output=True,
                                 text=True, timeout=30).stdout.strip()
            where = "%s (%s)" % (where, sym[:120])
        except (OSError, subprocess.SubprocessError):
            pass
    if "timeout" in report.lower() and kind == "unknown":
        kind = "timeout"
    return "%s at %s" % (kind, where or "?")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/fuzz-long"
    groups = {}
    for art in sorted(glob.glob(os.path.join(out, "artifacts", "*", "*"))):
        target = os.path.basename(os.path.dirname(art))
        binary = os.path.join(out, "bin", target)
        try:
            p = subprocess.run([binary, "-runs=1", "-timeout=20", "-rss_limit_mb=2048", art],
                               capture_output=True, text=True, errors="replace", timeout=120)
            report = p.stderr + p.stdout
            sig = signature(report) if p.returncode != 0 else "no longer reproduces"
        except subprocess.TimeoutExpired:
            sig = "hang (over 120 s)"
        key = (target, sig)
        groups.setdefault(key, []).append(art)
    for (target, sig), files in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        smallest = min(files, key=os.path.getsize)
        print("%4d  %-20s %s\n      %s (%d bytes)" % (len(files), target, sig, smallest, os.path.getsize(smallest)))


if __name__ == "__main__":
    main()
