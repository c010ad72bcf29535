"""Several keys per upstream (`api_keys_env`): used in turn; a key refused with 401/403 is set
aside (logged by its id, the variable's name, never the key) and the request goes again with
the next key before anything reaches the client; a key throttled with 429 rests for its
Retry-After; when no key is left the client gets its format's error."""
import json
import urllib.error
import urllib.request

from mock_upstreams import Reply, chat_completion

MSG = [{"role": "user", "content": "hi"}]
KEYS = {"KEY_A": "sk-key-aaaa-1111", "KEY_B": "sk-key-bbbb-2222", "KEY_C": "sk-key-cccc-3333"}


def cfg(openai, names=("KEY_A", "KEY_B", "KEY_C")):
    return f"""
upstreams:
  openai:
    base_url: {openai.base_url}
    format: openai-chat
    api_keys_env: [{", ".join(names)}]
routes:
  - {{match: "*", upstream: openai}}
"""


def call(proxy, fmt="openai"):
    if fmt == "anthropic":
        path, body, headers = "/v1/messages", {"model": "m", "max_tokens": 5, "messages": MSG}, {"anthropic-version": "2023-06-01"}
    else:
        path, body, headers = "/v1/chat/completions", {"model": "m", "messages": MSG}, {}
    req = urllib.request.Request(proxy.url + path, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def key_of(rec):
    return rec.headers["authorization"].removeprefix("Bearer ")


def refusing(*bad, status=401, headers=None):
    def reply(rec):
        if key_of(rec) in bad:
            return Reply(status, body={"error": {"message": "invalid api key " + key_of(rec), "type": "invalid_request_error"}},
                         headers=headers or {})
        return Reply(body=chat_completion())
    return reply


def test_keys_in_turn(make_proxy, openai_mock):
    p = make_proxy(cfg(openai_mock), env=KEYS).wait_ready()
    for _ in range(6):
        assert call(p)[0] == 200
    used = [key_of(r) for r in openai_mock.requests]
    assert used == [KEYS["KEY_A"], KEYS["KEY_B"], KEYS["KEY_C"]] * 2


def test_revoked_key_is_set_aside_and_the_next_serves(make_proxy, openai_mock, monkeypatch):
    monkeypatch.setattr(openai_mock, "default_reply", refusing(KEYS["KEY_A"]))
    p = make_proxy(cfg(openai_mock), env=KEYS).wait_ready()
    status, body = call(p)
    assert status == 200, body
    assert [key_of(r) for r in openai_mock.requests] == [KEYS["KEY_A"], KEYS["KEY_B"]]
    for _ in range(4):
        assert call(p, "anthropic")[0] == 200
    # KEY_A is never tried again
    assert KEYS["KEY_A"] not in [key_of(r) for r in openai_mock.requests[2:]]
    logs = p.logs()
    assert "KEY_A" in logs and "set aside" in logs
    assert all(v not in logs for v in KEYS.values())
    metrics = urllib.request.urlopen(p.url + "/metrics").read().decode()
    assert 'apxlate_upstream_key_events_total{upstream="openai",key="KEY_A",event="set_aside"} 1' in metrics


def test_forbidden_key_too(make_proxy, openai_mock, monkeypatch):
    monkeypatch.setattr(openai_mock, "default_reply", refusing(KEYS["KEY_A"], status=403))
    p = make_proxy(cfg(openai_mock, ("KEY_A", "KEY_B")), env=KEYS).wait_ready()
    assert call(p)[0] == 200
    assert [key_of(r) for r in openai_mock.requests] == [KEYS["KEY_A"], KEYS["KEY_B"]]


def test_throttled_key_rests(make_proxy, openai_mock, monkeypatch):
    monkeypatch.setattr(openai_mock, "default_reply", refusing(KEYS["KEY_A"], status=429, headers={"retry-after": "30"}))
    p = make_proxy(cfg(openai_mock, ("KEY_A", "KEY_B")), env=KEYS).wait_ready()
    status, _ = call(p)
    assert status == 200
    assert [key_of(r) for r in openai_mock.requests] == [KEYS["KEY_A"], KEYS["KEY_B"]]  # no 30 s wait: the next key
    for _ in range(3):
        assert call(p)[0] == 200
    assert [key_of(r) for r in openai_mock.requests[2:]] == [KEYS["KEY_B"]] * 3
    metrics = urllib.request.urlopen(p.url + "/metrics").read().decode()
    assert 'apxlate_upstream_key_events_total{upstream="openai",key="KEY_A",event="rested"} 1' in metrics


def test_all_keys_revoked_gives_the_client_format_error(make_proxy, openai_mock, monkeypatch):
    monkeypatch.setattr(openai_mock, "default_reply", refusing(KEYS["KEY_A"], KEYS["KEY_B"]))
    p = make_proxy(cfg(openai_mock, ("KEY_A", "KEY_B")), env=KEYS).wait_ready()
    status, body = call(p, "anthropic")
    assert status == 401, body
    err = json.loads(body)
    assert err["type"] == "error" and err["error"]["type"] == "authentication_error", err
    assert all(v.encode() not in body for v in KEYS.values())
    n = len(openai_mock.requests)
    assert n == 2
    # nothing usable left: answered without asking the upstream
    status, body = call(p)
    assert status in (401, 503), body
    assert "error" in json.loads(body)
    assert len(openai_mock.requests) == n
