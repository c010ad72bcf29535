"""Per-client limits (`clients:`): a client must present one of the configured keys (or
PROXY_API_KEY, unlimited); over requests_per_minute, tokens_per_minute or concurrent_streams it
gets a 429 in its own format with retry-after and the figures in its vendor's headers."""
import json
import re
import socket
import time
import urllib.error
import urllib.request

from mock_upstreams import Reply, anthropic_stream_events, chat_completion

MSG = [{"role": "user", "content": "hi"}]


def cfg(openai, anthropic, limits):
    return f"""
upstreams:
  openai: {{base_url: {openai.base_url}, format: openai-chat, api_key: sk-up-openai-1111}}
  anthropic: {{base_url: {anthropic.base_url}, format: anthropic, api_key: sk-up-anthropic-2222}}
clients:
  - name: alice
    key_env: ALICE_KEY
    limits: {limits}
  - name: bob
    key_env: BOB_KEY
routes:
  - {{match: "claude*", upstream: anthropic}}
  - {{match: "*", upstream: openai}}
"""


ENV = {"ALICE_KEY": "alice-key-0001", "BOB_KEY": "bob-key-0002", "PROXY_API_KEY": "admin-all-0003"}


def call(proxy, fmt, key, model=None, stream=False):
    if fmt == "anthropic":
        path, body = "/v1/messages", {"model": model or "claude-x", "max_tokens": 5, "messages": MSG, "stream": stream}
        headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    else:
        path, body = "/v1/chat/completions", {"model": model or "gpt-x", "messages": MSG, "stream": stream}
        headers = {"authorization": "Bearer " + key}
    req = urllib.request.Request(proxy.url + path, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def lower(h):
    return {k.lower(): v for k, v in h.items()}


def test_clients_need_a_known_key(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{}"), env=ENV).wait_ready()
    assert call(p, "openai", "nobody")[0] == 401
    assert call(p, "openai", "alice-key-0001")[0] == 200
    assert call(p, "openai", "bob-key-0002")[0] == 200
    assert call(p, "openai", "admin-all-0003")[0] == 200  # PROXY_API_KEY still works, unlimited


def test_requests_per_minute_anthropic_client(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{requests_per_minute: 2}"), env=ENV).wait_ready()
    assert call(p, "anthropic", "alice-key-0001")[0] == 200
    assert call(p, "anthropic", "alice-key-0001")[0] == 200
    status, headers, body = call(p, "anthropic", "alice-key-0001")
    assert status == 429
    h = lower(headers)
    err = json.loads(body)
    assert err["type"] == "error" and err["error"]["type"] == "rate_limit_error", err
    assert 1 <= int(h["retry-after"]) <= 30
    assert h["anthropic-ratelimit-requests-limit"] == "2"
    assert h["anthropic-ratelimit-requests-remaining"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h["anthropic-ratelimit-requests-reset"])
    assert len(anthropic_mock.requests) == 2  # the refused one never reached the upstream
    # other clients are not affected; PROXY_API_KEY is unlimited
    assert call(p, "anthropic", "bob-key-0002")[0] == 200
    assert call(p, "anthropic", "admin-all-0003")[0] == 200
    metrics = urllib.request.urlopen(urllib.request.Request(p.url + "/metrics", headers={"x-api-key": "bob-key-0002"})).read().decode()
    assert 'apxlate_client_limited_total{client="alice",limit="requests_per_minute"} 1' in metrics


def test_requests_per_minute_openai_client(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{requests_per_minute: 1}"), env=ENV).wait_ready()
    assert call(p, "openai", "alice-key-0001")[0] == 200
    status, headers, body = call(p, "openai", "alice-key-0001")
    assert status == 429
    h = lower(headers)
    err = json.loads(body)["error"]
    assert err["type"] in ("rate_limit_error", "rate_limit_exceeded", "requests"), err
    assert "requests per minute" in err["message"]
    assert int(h["retry-after"]) >= 1
    assert h["x-ratelimit-limit-requests"] == "1"
    assert h["x-ratelimit-remaining-requests"] == "0"
    assert re.fullmatch(r"\d+(ms|s)|\d+m\d+s", h["x-ratelimit-reset-requests"])


def test_tokens_per_minute(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{tokens_per_minute: 100}"), env=ENV).wait_ready()
    openai_mock.queue(Reply(body=chat_completion(prompt_tokens=90, completion_tokens=30)))
    assert call(p, "openai", "alice-key-0001")[0] == 200  # 120 tokens metered: the bucket is in debt
    status, headers, body = call(p, "openai", "alice-key-0001")
    assert status == 429, body
    h = lower(headers)
    assert h["x-ratelimit-limit-tokens"] == "100"
    assert h["x-ratelimit-remaining-tokens"] == "0"
    assert int(h["retry-after"]) >= 1
    assert b"tokens per minute" in body


def _open_stream(port, key):
    body = json.dumps({"model": "claude-x", "max_tokens": 10, "stream": True, "messages": MSG}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nx-api-key: %s\r\n"
              b"anthropic-version: 2023-06-01\r\ncontent-length: %d\r\n\r\n%s" % (key.encode(), len(body), body))
    return s


def test_concurrent_streams(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{concurrent_streams: 1}"), env=ENV).wait_ready()
    anthropic_mock.queue(Reply(events=anthropic_stream_events(), gap=0.2))
    s = _open_stream(p.port, "alice-key-0001")
    first = b""
    while b"message_start" not in first:
        first += s.recv(65536)
    status, headers, body = call(p, "anthropic", "alice-key-0001", stream=True)
    assert status == 429, body
    assert json.loads(body)["error"]["type"] == "rate_limit_error"
    assert "retry-after" in lower(headers)
    assert b"concurrent streams" in body
    while b"message_stop" not in first:
        first += s.recv(65536)
    s.close()
    time.sleep(0.2)
    # the stream ended: its slot is free again; non-streaming requests never needed one
    status, _, body = call(p, "anthropic", "alice-key-0001", stream=True)
    assert status == 200, body


def test_requests_per_minute_responses_client(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(cfg(openai_mock, anthropic_mock, "{requests_per_minute: 1}"), env=ENV).wait_ready()

    def responses_call():
        req = urllib.request.Request(p.url + "/v1/responses", data=json.dumps({"model": "gpt-x", "input": "hi"}).encode(),
                                     headers={"content-type": "application/json", "authorization": "Bearer alice-key-0001"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    assert responses_call()[0] == 200
    status, headers, body = responses_call()
    assert status == 429, body
    h = lower(headers)
    assert "requests per minute" in json.loads(body)["error"]["message"]
    assert h["x-ratelimit-limit-requests"] == "1" and h["x-ratelimit-remaining-requests"] == "0"
    assert int(h["retry-after"]) >= 1
