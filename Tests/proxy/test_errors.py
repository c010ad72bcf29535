"""Failures in the client's format with the right status: retries, upstream errors, timeouts,
limits, auth, disconnects, and no key ever in logs or metrics."""
import json
import socket
import time
import urllib.request

import anthropic
import openai
import pytest

from conftest import ANTHROPIC_UPSTREAM_KEY, OPENAI_UPSTREAM_KEY, Proxy, config_for, free_port
from mock_upstreams import Reply, anthropic_message, anthropic_stream_events, chat_completion

MSG = [{"role": "user", "content": "hi"}]


def ant(proxy, key="client-key"):
    return anthropic.Anthropic(base_url=proxy.url, api_key=key, max_retries=0)


def oai(proxy, key="client-key"):
    return openai.OpenAI(base_url=proxy.url + "/v1", api_key=key, max_retries=0)


def test_429_is_retried_honouring_retry_after(proxy, anthropic_mock):
    anthropic_mock.queue(
        Reply(429, body={"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, headers={"retry-after": "0"}),
        Reply(429, body={"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, headers={"retry-after": "0.2"}),
        Reply(body=anthropic_message(text="finally")))
    t0 = time.time()
    msg = ant(proxy).messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    assert msg.content[0].text == "finally"
    assert len(anthropic_mock.requests) == 3
    assert time.time() - t0 >= 0.2


def test_429_exhausted_reaches_client(proxy, openai_mock):
    body = {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded", "code": "rate_limit_exceeded"}}
    for _ in range(3):
        openai_mock.queue(Reply(429, body=body, headers={"retry-after": "0"}))
    with pytest.raises(openai.RateLimitError) as e:
        oai(proxy).chat.completions.create(model="gpt-4o", messages=MSG)
    assert e.value.status_code == 429
    assert len(openai_mock.requests) == 3  # first try + 2 retries (the default)


def test_429_translated_for_anthropic_client(proxy, openai_mock):
    body = {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}}
    openai_mock.queue(*[Reply(429, body=body, headers={"retry-after": "60"}) for _ in range(3)])
    with pytest.raises(anthropic.RateLimitError) as e:
        ant(proxy).messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=MSG)
    assert e.value.status_code == 429
    assert e.value.body["error"]["type"] == "rate_limit_error"
    assert len(openai_mock.requests) == 1  # Retry-After above --retry-max-delay: no retry


def test_upstream_500(proxy, openai_mock):
    openai_mock.queue(Reply(500, body={"error": {"message": "boom", "type": "server_error"}}))
    with pytest.raises(anthropic.InternalServerError) as e:
        ant(proxy).messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=MSG)
    assert e.value.status_code == 500
    assert "boom" in json.dumps(e.value.body)
    assert len(openai_mock.requests) == 1


def test_upstream_key_echoed_in_an_error_is_redacted(proxy, openai_mock):
    openai_mock.queue(Reply(401, body={"error": {"message": f"Incorrect API key provided: {OPENAI_UPSTREAM_KEY}.", "type": "invalid_request_error"}}))
    with pytest.raises(anthropic.AuthenticationError) as e:
        ant(proxy).messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=MSG)
    assert OPENAI_UPSTREAM_KEY not in json.dumps(e.value.body)
    assert "Incorrect API key provided: ***." in json.dumps(e.value.body)


def test_upstream_500_passthrough(proxy, anthropic_mock):
    anthropic_mock.queue(Reply(529, body={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}))
    with pytest.raises(anthropic.APIStatusError) as e:
        ant(proxy).messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    assert e.value.status_code == 529
    assert e.value.body["error"]["type"] == "overloaded_error"


def _down_config(port):
    return f"""
upstreams:
  dead: {{base_url: "http://127.0.0.1:{port}/v1", format: openai-chat, api_key: x}}
  dead_anthropic: {{base_url: "http://127.0.0.1:{port}", format: anthropic}}
routes:
  - {{match: "gpt*", upstream: dead}}
  - {{match: "*", upstream: dead_anthropic}}
"""


def test_upstream_down_is_502(make_proxy):
    p = make_proxy(_down_config(free_port())).wait_ready()
    with pytest.raises(anthropic.APIStatusError) as e:
        ant(p).messages.create(model="claude-x", max_tokens=10, messages=MSG)
    assert e.value.status_code == 502
    assert e.value.body["type"] == "error"
    with pytest.raises(openai.APIStatusError) as e2:
        oai(p).chat.completions.create(model="gpt-4o", messages=MSG)
    assert e2.value.status_code == 502
    assert "error" in e2.value.body or e2.value.message


def test_upstream_timeout_is_504(make_proxy, anthropic_mock, openai_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), args=["--idle-timeout", "0.5"]).wait_ready()
    anthropic_mock.queue(Reply(body=anthropic_message(), delay=2))
    with pytest.raises(anthropic.APIStatusError) as e:
        ant(p).messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    assert e.value.status_code == 504
    # The mock writes its late answer into the closed connection at 2 s: wait for it here, or
    # that disconnect is counted in a later test (test_client_disconnect_aborts_upstream).
    deadline = time.time() + 5
    while anthropic_mock.disconnects == 0 and time.time() < deadline:
        time.sleep(0.05)


def test_failure_mid_stream_is_an_error_event(proxy, anthropic_mock):
    events = anthropic_stream_events(text="partial answer here")[:4]
    anthropic_mock.queue(Reply(events=events, cut=True))
    with pytest.raises(anthropic.APIError):
        with ant(proxy).messages.stream(model="pass-anthropic", max_tokens=10, messages=MSG) as s:
            for _ in s:
                pass
    assert len(anthropic_mock.requests) == 1


def test_body_over_limit_is_413(make_proxy, anthropic_mock, openai_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), args=["--max-body-bytes", "10000"]).wait_ready()
    with pytest.raises(anthropic.APIStatusError) as e:
        ant(p).messages.create(model="pass-anthropic", max_tokens=10, messages=[{"role": "user", "content": "x" * 20000}])
    assert e.value.status_code == 413
    assert e.value.body["error"]["type"] == "request_too_large"
    assert len(anthropic_mock.requests) == 0


def test_malformed_request_is_400(proxy, anthropic_mock):
    for raw in [b'{"model": "pass-anthropic", "messages": [', b"[1,2]", b"not json"]:
        req = urllib.request.Request(proxy.url + "/v1/messages", data=raw, headers={"content-type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 400
        body = json.loads(e.value.read())
        assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert len(anthropic_mock.requests) == 0


def test_proxy_key_required(make_proxy, anthropic_mock, openai_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), env={"PROXY_API_KEY": "proxy-secret-3333"}).wait_ready()
    with pytest.raises(anthropic.AuthenticationError) as e:
        ant(p, key="wrong").messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    assert e.value.status_code == 401 and e.value.body["error"]["type"] == "authentication_error"
    with pytest.raises(openai.AuthenticationError):
        oai(p, key="wrong").chat.completions.create(model="gpt-4o", messages=MSG)
    assert len(anthropic_mock.requests) == 0 and len(openai_mock.requests) == 0
    # x-api-key and Authorization: Bearer are both accepted; the upstream gets its own key.
    ant(p, key="proxy-secret-3333").messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    oai(p, key="proxy-secret-3333").chat.completions.create(model="gpt-4o", messages=MSG)
    assert anthropic_mock.requests[0].headers["x-api-key"] == ANTHROPIC_UPSTREAM_KEY
    assert openai_mock.requests[0].headers["authorization"] == "Bearer " + OPENAI_UPSTREAM_KEY
    with urllib.request.urlopen(p.url + "/health") as r:
        assert r.status == 200
    req = urllib.request.Request(p.url + "/metrics", headers={"authorization": "Bearer proxy-secret-3333"})
    metrics = urllib.request.urlopen(req).read().decode()
    logs = p.logs()
    for secret in ["proxy-secret-3333", ANTHROPIC_UPSTREAM_KEY, OPENAI_UPSTREAM_KEY]:
        assert secret not in logs and secret not in metrics


def test_non_loopback_without_key_is_refused(anthropic_mock, openai_mock):
    p = Proxy(config_for(openai_mock, anthropic_mock), host="0.0.0.0")
    try:
        assert p.proc.wait(timeout=10) != 0
        assert "PROXY_API_KEY" in p.logs()
    finally:
        p.stop()


def test_client_disconnect_aborts_upstream(proxy, anthropic_mock):
    events = anthropic_stream_events(text="first words")[:3]
    anthropic_mock.queue(Reply(events=events, hang=20))
    body = json.dumps({"model": "pass-anthropic", "max_tokens": 10, "stream": True, "messages": MSG}).encode()
    s = socket.create_connection(("127.0.0.1", proxy.port))
    s.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nanthropic-version: 2023-06-01\r\n"
              b"content-length: %d\r\n\r\n%s" % (len(body), body))
    got = b""
    while b"message_start" not in got:
        got += s.recv(65536)
    s.close()
    deadline = time.time() + 10
    while anthropic_mock.disconnects == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert anthropic_mock.disconnects == 1


def test_count_tokens(proxy):
    small = ant(proxy).messages.count_tokens(model="claude-sonnet-4-5", messages=MSG)
    big = ant(proxy).messages.count_tokens(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "word " * 400}])
    assert 0 < small.input_tokens < big.input_tokens


def test_models_in_anthropic_shape(proxy):
    req = urllib.request.Request(proxy.url + "/v1/models", headers={"anthropic-version": "2023-06-01", "x-api-key": "k"})
    body = json.loads(urllib.request.urlopen(req).read())
    assert body["has_more"] is False
    assert all(m["type"] == "model" for m in body["data"])
    assert "sonnet-on-claude" in [m["id"] for m in body["data"]]


def test_metrics(proxy, anthropic_mock):
    ant(proxy).messages.create(model="pass-anthropic", max_tokens=10, messages=MSG)
    text = urllib.request.urlopen(proxy.url + "/metrics").read().decode()
    assert 'apxlate_requests_total{route="/v1/messages",status="200"}' in text
    assert 'apxlate_request_duration_seconds_bucket{route="/v1/messages",le="+Inf"}' in text
    assert 'apxlate_tokens_total{upstream="anthropic",direction="out"}' in text
    assert "apxlate_streams_in_flight 0" in text
    assert "apxlate_upstream_errors_total" in text
    # The request's log line carries the usage the upstream reported (13 in, 9 out in the mock).
    line = [l for l in proxy.logs().splitlines() if "model=pass-anthropic" in l and "status=200" in l][-1]
    assert "tokens_in=13" in line and "tokens_out=9" in line and "latency_ms=" in line and "id=req_" in line


def test_sigterm_drains_in_flight_stream(make_proxy, anthropic_mock, openai_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock)).wait_ready()
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="slow stream of words"), gap=0.1))
    received = []
    with ant(p).messages.stream(model="pass-anthropic", max_tokens=10, messages=MSG) as s:
        for i, ev in enumerate(s):
            if i == 1:
                p.proc.terminate()
            received.append(ev.type)
        final = s.get_final_message()
    assert final.content[0].text == "slow stream of words"
    assert p.proc.wait(timeout=10) == 0


def test_example_config_loads(make_proxy):
    from conftest import ROOT
    import os
    with open(os.path.join(ROOT, "apxlate.example.yaml")) as f:
        p = make_proxy(f.read()).wait_ready()
    ids = [m["id"] for m in json.loads(urllib.request.urlopen(p.url + "/v1/models").read())["data"]]
    assert "local-coder" in ids and "gpt-5" in ids


def test_bad_config_is_reported(anthropic_mock, openai_mock):
    p = Proxy("upstreams:\n  x: {base_url: ftp://nope, format: openai-chat}\nroutes:\n  - {match: '*', upstream: x}\n")
    try:
        assert p.proc.wait(timeout=10) != 0
        assert "upstreams.x.base_url" in p.logs()
    finally:
        p.stop()


def test_upstream_silent_mid_stream_becomes_error_event(make_proxy, anthropic_mock, openai_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), args=["--idle-timeout", "0.5"]).wait_ready()
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="abc")[:3], gap=2))
    body = json.dumps({"model": "pass-anthropic", "max_tokens": 10, "stream": True, "messages": MSG}).encode()
    req = urllib.request.Request(p.url + "/v1/messages", data=body,
                                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    t0 = time.time()
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
        text = r.read().decode()
    assert time.time() - t0 < 1.8
    assert text.startswith("event: message_start")
    assert "event: error" in text and "timed out" in text
    assert text.rstrip().endswith("}")


def test_garbage_bodies_never_crash_the_proxy(proxy):
    import random
    rng = random.Random(1234)
    base = json.dumps({"model": "pass-anthropic", "max_tokens": 5, "stream": True,
                       "messages": [{"role": "user", "content": [{"type": "text", "text": "hi \\u00e9 \"q\""}]}]}).encode()
    samples = [b"", b"{", b'{"model"', b'{"model":', b'{"model":"', b'{"model":"\\', b'{"a":[1,{"b":"}"}]',
               b'{"model":"x\\"y"}', b"[", b"]]]}}}", b'{"":{"model":"pass-anthropic"}}']
    for _ in range(150):
        b = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            op = rng.random()
            i = rng.randrange(len(b)) if b else 0
            if op < 0.4 and b:
                del b[i:i + rng.randint(1, 8)]
            elif op < 0.7:
                b[i:i] = bytes([rng.choice(b'{}[]":,\\ az0\xff\x00')])
            else:
                b = b[:i]
        samples.append(bytes(b))
    for raw in samples:
        req = urllib.request.Request(proxy.url + "/v1/messages", data=raw,
                                     headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()
        except urllib.error.HTTPError as e:
            assert e.code in (400, 404), (raw, e.code)
            e.read()
    assert proxy.proc.poll() is None
    with urllib.request.urlopen(proxy.url + "/health", timeout=5) as r:
        assert r.status == 200
