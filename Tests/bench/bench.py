#!/usr/bin/env python3
"""apxlate benchmark from Python, through the binding (bindings/python): the rows of bench.c.
usage: bench.py DATADIR [runs]. Per-event rows call Stream.feed once per event (each call crosses
ctypes); the long-stream rows feed 16 KB pieces."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
import apxlate  # noqa: E402

RUN_SECONDS = 0.1


def measure(op, runs):
    """(median, best) seconds per iteration; op(n) repeats the operation n times."""
    op(1)
    n = 1
    while True:
        t0 = time.perf_counter()
        op(n)
        t = time.perf_counter() - t0
        if t >= RUN_SECONDS / 4:
            break
        n *= 4
    n = max(1, int(n * RUN_SECONDS / t))
    per = []
    for _ in range(runs):
        t0 = time.perf_counter()
        op(n)
        per.append((time.perf_counter() - t0) / n)
    per.sort()
    return per[len(per) // 2], per[0]


def na(label, e):
    print("%-52s n/a (%s)" % (label, str(e)[:110]))


def main():
    d = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    read = lambda name: open(os.path.join(d, name), "rb").read()  # noqa: E731
    t = apxlate.Translator({"models": {"default": "gpt-5.1"}})
    print("Python %d.%d (ctypes), libapxlate %s, median of %d runs" % (sys.version_info[:2] + (apxlate.library_version, runs)))
    print("-- one-shot --")

    def oneshot(kind, src, dst, name):
        body = read(name)
        if kind == "count_tokens":
            label = "%s %s (%.1f KB)" % (kind, src, len(body) / 1000)
        else:
            label = "%s %s -> %s (%.1f KB)" % (kind, src, dst, len(body) / 1000)

        def op(n):
            for _ in range(n):
                if kind == "request":
                    t.translate_request(body, src, dst).exchange.close()
                elif kind == "response":
                    t.translate_response(body, src, dst)
                else:
                    t.count_tokens(body, src)
        try:
            s, best = measure(op, runs)
        except apxlate.ApxError as e:
            return na(label, e)
        print("%-52s %9.1f MB/s %10.1f us/call   (best %.1f MB/s)" % (label, len(body) / s / 1e6, s * 1e6, len(body) / best / 1e6))

    A, C, R = "anthropic", "openai-chat", "openai-responses"
    oneshot("request", A, C, "anthropic_50k.json")
    oneshot("request", A, C, "anthropic_1m.json")
    oneshot("request", C, A, "chat_50k.json")
    oneshot("request", C, A, "chat_1m.json")
    oneshot("request", A, R, "anthropic_50k.json")
    oneshot("request", R, A, "responses_50k.json")
    oneshot("request", A, A, "anthropic_50k.json")
    oneshot("request", A, A, "anthropic_1m.json")
    oneshot("response", C, A, "chat_response.json")
    oneshot("response", A, C, "anthropic_response.json")
    oneshot("response", R, A, "responses_response.json")
    oneshot("response", A, R, "anthropic_response.json")
    oneshot("count_tokens", A, A, "anthropic_50k.json")
    print("-- streams --")

    def per_event(what, src, dst, prologue, event):
        prologue, event = read(prologue), read(event)
        label = "stream %s -> %s: %s" % (src, dst, what)

        def op(n):
            with t.stream(source=src, target=dst) as s:
                s.feed(prologue)
                feed = s.feed
                for _ in range(n):
                    feed(event)
        try:
            s, best = measure(op, runs)
        except apxlate.ApxError as e:
            return na(label, e)
        print("%-52s %9.0f ns/event (%d-byte event; best %.0f ns)" % (label, s * 1e9, len(event), best * 1e9))

    def long_stream(src, dst, name):
        body = read(name)
        label = "stream %s -> %s: long (%.0f KB)" % (src, dst, len(body) / 1000)
        pieces = [body[i:i + 16384] for i in range(0, len(body), 16384)]

        def op(n):
            for _ in range(n):
                with t.stream(source=src, target=dst) as s:
                    for p in pieces:
                        s.feed(p)
                    s.finish()
        try:
            s, best = measure(op, runs)
        except apxlate.ApxError as e:
            return na(label, e)
        print("%-52s %9.1f MB/s %10.1f ms/stream (best %.1f MB/s)" % (label, len(body) / s / 1e6, s * 1e3, len(body) / best / 1e6))

    per_event("text delta", C, A, "chat_text_prologue.sse", "chat_text_event.sse")
    per_event("tool-argument delta", C, A, "chat_tool_prologue.sse", "chat_tool_event.sse")
    per_event("text delta", A, C, "anth_text_prologue.sse", "anth_text_event.sse")
    per_event("tool-argument delta", A, C, "anth_tool_prologue.sse", "anth_tool_event.sse")
    per_event("text delta", R, A, "resp_text_prologue.sse", "resp_text_event.sse")
    per_event("text delta", A, R, "anth_text_prologue.sse", "anth_text_event.sse")
    long_stream(C, A, "chat_long.sse")
    long_stream(A, C, "anth_long.sse")
    t.close()


if __name__ == "__main__":
    main()
