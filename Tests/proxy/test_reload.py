"""Config reload (SIGHUP, POST /admin/reload): new requests take the new routes and keys at
once, streams in flight finish on the old ones, an invalid config is refused (logged with its key
path) and the old one stays; apxlate_config_reloads_total counts both."""
import json
import os
import re
import signal
import socket
import threading
import time
import urllib.error
import urllib.request

from conftest import free_port
from mock_upstreams import Reply, anthropic_stream_events, chat_completion

MSG = [{"role": "user", "content": "hi"}]
ADMIN = "admin-secret-9999"


def config(openai, model, key_env="UP_KEY", extra=""):
    return f"""
env_file: {{ENV_FILE}}
admin: {{key_env: ADMIN_KEY}}
upstreams:
  openai:
    base_url: {openai.base_url}
    format: openai-chat
    api_key_env: {key_env}
routes:
  - match: "*"
    upstream: openai
    model: {model}
{extra}"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class Setup:
    def __init__(self, make_proxy, openai, model="model-one", env_lines=f"UP_KEY=key-one-1234\nADMIN_KEY={ADMIN}\n"):
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="apxlate-reload-")
        self.env_file = os.path.join(self.dir, "keys.env")
        write(self.env_file, env_lines)
        self.openai = openai
        self.proxy = make_proxy(config(openai, model).replace("{ENV_FILE}", self.env_file)).wait_ready()
        self.config_path = os.path.join(self.proxy.dir, "config.yaml")

    def rewrite(self, model, env_lines=None, raw=None):
        if env_lines is not None:
            write(self.env_file, env_lines)
        write(self.config_path, raw if raw is not None else config(self.openai, model).replace("{ENV_FILE}", self.env_file))

    def hup(self):
        n = reloads(self.proxy)
        os.kill(self.proxy.proc.pid, signal.SIGHUP)
        deadline = time.time() + 5
        while sum(reloads(self.proxy).values()) == sum(n.values()) and time.time() < deadline:
            time.sleep(0.02)


def post(proxy, path, body, key=None, timeout=10):
    req = urllib.request.Request(proxy.url + path, data=json.dumps(body).encode() if body is not None else b"",
                                 headers={"content-type": "application/json", **({"authorization": "Bearer " + key} if key else {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def chat(proxy, model="anything"):
    return post(proxy, "/v1/chat/completions", {"model": model, "messages": MSG})


def reloads(proxy):
    with urllib.request.urlopen(proxy.url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'apxlate_config_reloads_total\{result="(\w+)"\} (\d+)', text)}


def test_sighup_switches_routes_and_keys(make_proxy, openai_mock):
    s = Setup(make_proxy, openai_mock)
    assert chat(s.proxy)[0] == 200
    assert openai_mock.requests[-1].json["model"] == "model-one"
    assert openai_mock.requests[-1].headers["authorization"] == "Bearer key-one-1234"
    s.rewrite("model-two", env_lines=f"UP_KEY=key-two-5678\nADMIN_KEY={ADMIN}\n")
    s.hup()
    assert reloads(s.proxy) == {"ok": 1, "error": 0}
    assert chat(s.proxy)[0] == 200
    assert openai_mock.requests[-1].json["model"] == "model-two"
    assert openai_mock.requests[-1].headers["authorization"] == "Bearer key-two-5678"
    assert "key-two-5678" not in s.proxy.logs()


def test_invalid_reload_keeps_the_old_config(make_proxy, openai_mock):
    s = Setup(make_proxy, openai_mock)
    good = open(s.config_path).read()
    s.rewrite(None, raw=good.replace("    model: model-one", "    model: model-one\n    fallbacks: [{upstream: nowhere}]"))
    s.hup()
    assert reloads(s.proxy) == {"ok": 0, "error": 1}
    logs = s.proxy.logs()
    assert "config reload refused" in logs
    assert re.search(r"config\.yaml:\d+:\d+: routes\[0\]\.fallbacks\[0\]\.upstream: no upstream named `nowhere`", logs), logs
    assert chat(s.proxy)[0] == 200
    assert openai_mock.requests[-1].json["model"] == "model-one"
    # the admin key the config names, gone from the env file: refused too, naming the key path
    s.rewrite("model-two", env_lines="UP_KEY=key-one-1234\n")
    s.hup()
    assert reloads(s.proxy) == {"ok": 0, "error": 2}
    assert re.search(r"config\.yaml:\d+:\d+: admin: ADMIN_KEY \(admin\.key_env\) is not set", s.proxy.logs())
    assert chat(s.proxy)[0] == 200 and openai_mock.requests[-1].json["model"] == "model-one"


def test_admin_reload_endpoint(make_proxy, openai_mock):
    s = Setup(make_proxy, openai_mock)
    s.rewrite("model-two")
    assert post(s.proxy, "/admin/reload", None)[0] == 401
    assert post(s.proxy, "/admin/reload", None, key="wrong")[0] == 401
    assert chat(s.proxy)[0] == 200 and openai_mock.requests[-1].json["model"] == "model-one"
    status, body = post(s.proxy, "/admin/reload", None, key=ADMIN)
    assert status == 200, body
    assert chat(s.proxy)[0] == 200 and openai_mock.requests[-1].json["model"] == "model-two"
    s.rewrite(None, raw="upstreams: {}\n")
    status, body = post(s.proxy, "/admin/reload", None, key=ADMIN)
    assert status == 422, body
    assert b"upstreams" in body and b"at least one upstream" in body
    assert chat(s.proxy)[0] == 200 and openai_mock.requests[-1].json["model"] == "model-two"
    assert reloads(s.proxy) == {"ok": 1, "error": 1}


def test_no_admin_endpoint_without_admin_key(make_proxy, openai_mock):
    p = make_proxy(f"upstreams:\n  o: {{base_url: {openai_mock.base_url}, format: openai-chat}}\n"
                   "routes:\n  - {match: '*', upstream: o}\n").wait_ready()
    assert post(p, "/admin/reload", None)[0] == 404


def _stream_request(port, model):
    body = json.dumps({"model": model, "max_tokens": 10, "stream": True, "messages": MSG}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
              b"anthropic-version: 2023-06-01\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
    return s


def test_reload_during_50_streams_loses_none(make_proxy, anthropic_mock, openai_mock):
    import tempfile
    d = tempfile.mkdtemp(prefix="apxlate-reload-")
    env_file = os.path.join(d, "keys.env")
    write(env_file, "A=1\n")

    def cfg(model):
        return f"""
env_file: {env_file}
upstreams:
  anthropic: {{base_url: {anthropic_mock.base_url}, format: anthropic, api_key: k-anthropic-0000}}
routes:
  - {{match: "*", upstream: anthropic, model: {model}}}
"""
    p = make_proxy(cfg("claude-old")).wait_ready()
    path = os.path.join(p.dir, "config.yaml")
    n = 50
    # every stream: 12 events 0.1 s apart (~1.5 s), so the reload lands in the middle of all of them
    anthropic_mock.queue(*[Reply(events=anthropic_stream_events(text="x" * 50), gap=0.1) for _ in range(n)])
    socks = [_stream_request(p.port, "m") for _ in range(n)]
    time.sleep(0.4)
    write(path, cfg("claude-new"))
    os.kill(p.proc.pid, signal.SIGHUP)
    results = [None] * n

    def read(i):
        data = b""
        s = socks[i]
        while b"message_stop" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        results[i] = data

    threads = [threading.Thread(target=read, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(r is not None and r.startswith(b"HTTP/1.1 200") and b"event: message_stop" in r for r in results), \
        [r[-200:] if r else r for r in results if not (r and b"message_stop" in r)]
    assert all(rec.json["model"] == "claude-old" for rec in anthropic_mock.requests[:n])
    assert reloads(p)["ok"] == 1
    # and the next request takes the new config
    anthropic_mock.reset()
    status, _ = post(p, "/v1/messages", {"model": "m", "max_tokens": 5, "messages": MSG})
    assert status == 200
    assert anthropic_mock.requests[-1].json["model"] == "claude-new"
