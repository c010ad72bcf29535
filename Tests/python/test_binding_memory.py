"""Native memory is released: outputs, exchanges, streams and translators do not leak."""

import gc
import json

import apxlate
from _binding_helpers import ANTHROPIC_REQUEST, CHAT_RESPONSE, CHAT_SSE


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4  # resident pages of 4 KiB


def cycle(t, body):
    out, ex = t.translate_request(body, "anthropic", "anthropic")
    t.translate_response(CHAT_RESPONSE, "openai-chat", "openai-chat", exchange=None)
    t.translate_error(500, out[:1000], "openai-chat", "anthropic")
    ex.close()
    _, ex2 = t.translate_request(body, "anthropic", "anthropic")  # left to the garbage collector
    try:
        with t.stream(source="openai-chat", target="anthropic") as s:
            s.feed(CHAT_SSE)
            s.finish()
    except apxlate.UnsupportedError:
        pass
    del ex2


def test_repeated_use_does_not_grow_memory():
    # ~200 KB bodies: leaking one output or exchange per cycle would add hundreds of MB
    body = json.dumps(dict(ANTHROPIC_REQUEST, messages=[{"role": "user", "content": "x" * 200000}])).encode()
    t = apxlate.Translator()
    for _ in range(300):
        cycle(t, body)
    gc.collect()
    before = rss_kb()
    for _ in range(1500):
        cycle(t, body)
    for _ in range(200):
        apxlate.Translator({"models": {"default": "m"}})  # freed by the garbage collector
    gc.collect()
    grown = rss_kb() - before
    assert grown < 20000, "RSS grew by %d KB" % grown
