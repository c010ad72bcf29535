"""The response cache (`cache: {ttl_seconds, max_bytes}`): an identical non-streaming request
(same client key, route and translated upstream body) within the TTL is answered from memory
with `x-apxlate-cache: hit` and never reaches the upstream; streams and errors are not cached."""
import json
import re
import time
import urllib.error
import urllib.request

from mock_upstreams import Reply, chat_completion

MSG = [{"role": "user", "content": "hi"}]


def cfg(openai, ttl=60, max_bytes=1_000_000):
    return f"""
upstreams:
  openai: {{base_url: {openai.base_url}, format: openai-chat, api_key: sk-up-openai-1111}}
cache: {{ttl_seconds: {ttl}, max_bytes: {max_bytes}}}
routes:
  - {{match: "*", upstream: openai, model: gpt-cached}}
"""


def call(proxy, fmt="anthropic", key="client-1", content="hi", stream=False):
    msgs = [{"role": "user", "content": content}]
    if fmt == "anthropic":
        path, body, headers = "/v1/messages", {"model": "m", "max_tokens": 5, "messages": msgs, "stream": stream}, \
            {"anthropic-version": "2023-06-01", "x-api-key": key}
    else:
        path, body, headers = "/v1/chat/completions", {"model": "m", "messages": msgs, "stream": stream}, {"authorization": "Bearer " + key}
    req = urllib.request.Request(proxy.url + path, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_hit_does_not_reach_the_upstream(make_proxy, openai_mock):
    p = make_proxy(cfg(openai_mock)).wait_ready()
    s1, h1, b1 = call(p)
    s2, h2, b2 = call(p)
    assert s1 == s2 == 200
    assert "x-apxlate-cache" not in h1
    assert h2.get("x-apxlate-cache") == "hit"
    assert b1 == b2
    assert len(openai_mock.requests) == 1
    # the OpenAI client's request translates to another upstream body: its own entry
    assert call(p, fmt="openai")[1].get("x-apxlate-cache") is None
    assert call(p, fmt="openai")[1].get("x-apxlate-cache") == "hit"
    assert len(openai_mock.requests) == 2
    m = urllib.request.urlopen(p.url + "/metrics").read().decode()
    assert 'apxlate_cache_total{result="hit"} 2' in m


def test_key_and_body_are_part_of_the_key(make_proxy, openai_mock):
    p = make_proxy(cfg(openai_mock)).wait_ready()
    call(p, key="client-1")
    assert call(p, key="client-2")[1].get("x-apxlate-cache") is None
    assert call(p, content="other")[1].get("x-apxlate-cache") is None
    assert len(openai_mock.requests) == 3


def test_streams_and_errors_are_not_cached(make_proxy, openai_mock):
    p = make_proxy(cfg(openai_mock)).wait_ready()
    for _ in range(2):
        s, h, _ = call(p, stream=True)
        assert s == 200 and "x-apxlate-cache" not in h
    openai_mock.queue(Reply(400, body={"error": {"message": "nope", "type": "invalid_request_error"}}))
    assert call(p, content="e")[0] == 400
    s, h, _ = call(p, content="e")
    assert s == 200 and "x-apxlate-cache" not in h
    assert len(openai_mock.requests) == 4


def test_ttl_expires(make_proxy, openai_mock):
    p = make_proxy(cfg(openai_mock, ttl=1)).wait_ready()
    call(p)
    assert call(p)[1].get("x-apxlate-cache") == "hit"
    time.sleep(1.2)
    assert call(p)[1].get("x-apxlate-cache") is None
    assert len(openai_mock.requests) == 2


def test_max_bytes_evicts_least_recently_used(make_proxy, openai_mock):
    # what one entry costs (its key, the translated body, and its answer), then room for two
    probe = make_proxy(cfg(openai_mock)).wait_ready()
    call(probe, content="a")
    m = urllib.request.urlopen(probe.url + "/metrics").read().decode()
    cost = int(re.search(r"^apxlate_cache_bytes (\d+)$", m, re.M).group(1))
    assert 300 < cost < 5000, cost
    p = make_proxy(cfg(openai_mock, max_bytes=int(cost * 2.5))).wait_ready()
    for c in ("a", "b"):
        call(p, content=c)
    assert call(p, content="a")[1].get("x-apxlate-cache") == "hit"   # a is now the most recent
    call(p, content="c")                                              # evicts b
    assert call(p, content="a")[1].get("x-apxlate-cache") == "hit"
    assert call(p, content="b")[1].get("x-apxlate-cache") is None
