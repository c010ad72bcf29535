#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from Tests/Fixtures (and the hand seeds in seeds/).

Usage: make_corpus.py OUT_DIR   (writes OUT_DIR/<target>/<name>; existing files are kept)

Each target reads a few header bytes before its payload (see the comment at the top of its
fuzz_*.c); the seeds here put a fixture's input behind the header that selects its (from, to) pair.
"""
import glob
import hashlib
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures")
FORMATS = ["anthropic", "openai-chat", "openai-responses"]


def pair(f, t):
    return FORMATS.index(f) * 3 + FORMATS.index(t)


def body(value):
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Out:
    def __init__(self, root):
        self.root = root
        self.count = {}

    def add(self, target, data):
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.count[target] = self.count.get(target, 0) + 1


def event_templates():
    """(format index, placeholder byte counts) of fuzz_stream_events.c's tables, read from the source."""
    src = open(os.path.join(HERE, "fuzz_stream_events.c")).read()
    tables = {}
    for i, name in enumerate(["anthropic_events", "chat_events", "responses_events"]):
        m = re.search(r"static const tmpl %s\[\] = \{(.*?)\n\};" % name, src, re.S)
        entries = re.findall(r"\{(NULL|\"[^\"]*\"),\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)\}", m.group(1))
        sizes = []
        for _, data in entries:
            text = "".join(re.findall(r"\"((?:[^\"\\]|\\.)*)\"", data))
            n = 0
            for ph in re.findall(r"%([A-Z])", text):
                n += 2 if ph in "JQ" else 1  # zero bytes: %J one piece, %Q a string
            sizes.append(n)
        tables[i] = sizes
    return tables


# Event orders for the structured target: template indexes into each table (see fuzz_stream_events.c).
EVENT_SEQUENCES = {
    0: [[0, 1, 7, 7, 12, 2, 8, 8, 12, 13, 15], [0, 3, 9, 10, 12, 1, 7, 12, 14, 15], [0, 16, 17], [0, 4, 12, 5, 6, 11, 13, 15]],
    1: [[0, 1, 1, 8, 10, 13], [0, 2, 3, 5, 6, 6, 11, 13], [0, 4, 9, 13], [0, 5, 7, 8, 10, 13], [0, 12]],
    2: [[0, 1, 2, 6, 7, 7, 8, 18, 21], [0, 3, 11, 12, 13, 20, 4, 15, 16, 19, 21], [0, 2, 9, 10, 18, 22], [0, 23],
        [0, 25], [0, 5, 2, 17, 18, 24], [0, 3, 14, 20, 21]],
}


# Integer fields whose values the seeds also try at the 64-bit extremes (the fuzzer rarely writes
# two such numbers into the right fields by itself).
HOSTILE_KEYS = re.compile(rb'("(?:input_tokens|output_tokens|prompt_tokens|completion_tokens|total_tokens|cached_tokens|'
                          rb'reasoning_tokens|cache_read_input_tokens|cache_creation_input_tokens|index|output_index|'
                          rb'content_index|summary_index|sequence_number|created|created_at|max_tokens|budget_tokens|'
                          rb'max_output_tokens|max_completion_tokens)"\s*:\s*)-?\d+')
HOSTILE_VALUES = [b"9223372036854775807", b"-9223372036854775808"]


def hostile(data):
    """Variants of `data` with every integer of HOSTILE_KEYS at each extreme (none if it has none)."""
    if not HOSTILE_KEYS.search(data):
        return []
    return [HOSTILE_KEYS.sub(lambda m: m.group(1) + v, data) for v in HOSTILE_VALUES]


def main():
    out = Out(sys.argv[1])
    configs = [b"", b"{}"]
    for case in sorted(glob.glob(os.path.join(FIXTURES, "*", "*", "case.json"))):
        d = json.load(open(case))
        cdir = os.path.dirname(case)
        f, t = d["from"], d["to"]
        p = pair(f, t)
        if "config" in d:
            configs.append(body(d["config"]))
        kind = d.get("kind")
        if kind == "request":
            b = body(d["input"])
            out.add("fuzz_request", bytes([p, 0]) + b)
            out.add("fuzz_request", bytes([p, 4]) + b)
            for h in hostile(b):
                out.add("fuzz_request", bytes([p, 4]) + h)
            out.add("fuzz_count_tokens", bytes([FORMATS.index(f) + 1, 0]) + b)
            out.add("fuzz_usage", bytes([p, 0]) + struct.pack(">I", 1) + b)
        elif kind == "response":
            b = body(d["input"])
            out.add("fuzz_response", bytes([p, 0]) + b)
            out.add("fuzz_response", bytes([p, 4 | 8]) + b)
            out.add("fuzz_usage", bytes([p, 1]) + struct.pack(">I", 1) + b)
            for h in hostile(b):
                out.add("fuzz_response", bytes([p, 0]) + h)
        elif kind == "error":
            b = body(d["input"])
            st = struct.pack(">i", d.get("status", 500))
            out.add("fuzz_error", bytes([p, 0]) + st + b)
            out.add("fuzz_error", bytes([p, 4]) + st + b)
            out.add("fuzz_error_build", bytes([FORMATS.index(t) + 1]) + st + b"upstream said: " + b[:200])
        elif os.path.exists(os.path.join(cdir, "input.sse")):
            sse = open(os.path.join(cdir, "input.sse"), "rb").read()
            out.add("fuzz_stream", bytes([p, 0, 3]) + struct.pack(">I", 12345) + sse)
            out.add("fuzz_stream", bytes([p, 4 | 64, 200]) + struct.pack(">I", 777) + sse)
            out.add("fuzz_stream_feed", bytes([p, 0]) + struct.pack(">I", 99) + sse)
            out.add("fuzz_stream_feed", bytes([p, 4 | 16 | 32]) + struct.pack(">I", 5) + sse)
            out.add("fuzz_usage", bytes([p, 2]) + struct.pack(">I", 7) + sse)
            for h in hostile(sse):
                out.add("fuzz_stream", bytes([p, 0, 200]) + struct.pack(">I", 3) + h)
                out.add("fuzz_stream_feed", bytes([p, 0]) + struct.pack(">I", 3) + h)
    for c in configs:
        out.add("fuzz_config", c)
    for n in FORMATS + ["", "Anthropic", "openai"]:
        out.add("fuzz_names", struct.pack(">ii", 2, 7) + n.encode())

    sizes = event_templates()
    for fi, seqs in EVENT_SEQUENCES.items():
        for to in range(3):
            for seq in seqs:
                data = bytes([fi * 3 + to, 0, 2]) + struct.pack(">I", 4242)
                for k in seq:
                    data += bytes([k, 0]) + bytes(sizes[fi][k])
                out.add("fuzz_stream_events", data)

    seeds = os.path.join(HERE, "seeds")
    for path in glob.glob(os.path.join(seeds, "*", "*")):
        out.add(os.path.basename(os.path.dirname(path)), open(path, "rb").read())
    for target, n in sorted(out.count.items()):
        print("%-22s %d seeds" % (target, n))


if __name__ == "__main__":
    main()
