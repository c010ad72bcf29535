"""What a client cannot do to the proxy: send token counts that overflow its metrics, make it hold
bodies it has not authenticated, hold connections open with slow or idle sockets, open more
connections than it can serve, or run it out of file descriptors."""
import functools
import json
import os
import re
import resource
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import Proxy, config_for
from mock_upstreams import Reply, anthropic_stream_events, chat_completion

KEY = "proxy-secret-limits-4444"
MSG = [{"role": "user", "content": "hi"}]


def body_of(model="pass-anthropic", stream=False):
    return json.dumps({"model": model, "max_tokens": 10, "stream": stream, "messages": MSG}).encode()


def head(path="/v1/messages", key=KEY, length=None, extra=()):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             "anthropic-version: 2023-06-01"]
    if key:
        lines.append(f"x-api-key: {key}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_until_closed(s, limit=5.0):
    """Everything the proxy sends until it closes the connection; None when it is still open after `limit` s."""
    data = b""
    deadline = time.time() + limit
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    return None


def status_of(raw):
    m = re.match(rb"HTTP/1\.1 (\d{3})", raw or b"")
    return int(m.group(1)) if m else None


def json_body(raw):
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(cond, limit=5.0, step=0.05):
    deadline = time.time() + limit
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def metrics(p, key=KEY):
    req = urllib.request.Request(p.url + "/metrics", headers={"x-api-key": key} if key else {})
    return urllib.request.urlopen(req, timeout=5).read().decode()


@pytest.fixture
def keyed(make_proxy, openai_mock, anthropic_mock):
    """A proxy that requires KEY, with short client timeouts."""
    return make_proxy(config_for(openai_mock, anthropic_mock), env={"PROXY_API_KEY": KEY},
                      args=["--client-header-timeout", "1", "--client-body-timeout", "1",
                            "--client-idle-timeout", "1"]).wait_ready()


# ---- metrics ----------------------------------------------------------------------------------

def test_huge_token_counts_are_pinned_in_the_metrics(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock)).wait_ready()
    big = 999999999999999999
    for _ in range(12):
        openai_mock.queue(Reply(body=chat_completion(prompt_tokens=big, completion_tokens=big)))
    for _ in range(12):  # passthrough: the client gets the upstream's figures as they are
        req = urllib.request.Request(p.url + "/v1/chat/completions", data=json.dumps(
            {"model": "gpt-4o", "messages": MSG}).encode(), headers={"content-type": "application/json"})
        assert json.loads(urllib.request.urlopen(req, timeout=10).read())["usage"]["prompt_tokens"] == big
    assert p.proc.poll() is None, p.logs()[-2000:]
    text = metrics(p, key=None)
    # The library reads each count pinned at 2^48 (apx_response_usage); the counters add them
    # (and would saturate at 2^63 - 1 rather than wrap).
    assert f'apxlate_tokens_total{{upstream="openai",direction="in"}} {12 * 2 ** 48}' in text
    assert f'apxlate_tokens_total{{upstream="openai",direction="out"}} {12 * 2 ** 48}' in text
    assert 'apxlate_requests_total{route="/v1/chat/completions",status="200"} 12' in text


# ---- authentication and size on the request head ---------------------------------------------

def test_wrong_key_is_refused_before_the_body(keyed, anthropic_mock):
    s = connect(keyed.port)
    s.sendall(head(key="wrong", length=30 * 1024 * 1024))  # announces 30 MB, sends none of it
    raw = read_until_closed(s, 3)
    assert raw is not None, "the proxy waited for the body of an unauthenticated request"
    assert status_of(raw) == 401
    assert json_body(raw)["error"]["type"] == "authentication_error"
    assert b"connection: close" in raw.lower()
    s.close()
    # OpenAI clients get theirs in the OpenAI shape.
    s = connect(keyed.port)
    s.sendall(head(path="/v1/chat/completions", key=None, length=1000))
    raw = read_until_closed(s, 3)
    assert status_of(raw) == 401 and "message" in json_body(raw)["error"] and "type" not in json_body(raw)
    s.close()
    assert len(anthropic_mock.requests) == 0


def test_unauthenticated_bodies_are_not_held(keyed):
    """20 clients with the wrong key each push 10 MB (all but the last byte, so that nothing is
    complete): the proxy's memory stays where it was."""
    before = rss_kb(keyed.proc.pid)
    size = 10 * 1024 * 1024
    sent = threading.Barrier(21, timeout=30)
    release = threading.Event()
    statuses = []

    def client():
        s = connect(keyed.port, timeout=10)
        try:
            s.sendall(head(key="wrong", length=size) + b"x" * (size - 1))
        except OSError:
            pass  # the proxy answered and stopped reading: expected
        sent.wait()
        statuses.append(status_of(read_until_closed(s, 10)))
        release.wait(30)
        s.close()

    threads = [threading.Thread(target=client) for _ in range(20)]
    for t in threads:
        t.start()
    sent.wait()
    grown_mb = (rss_kb(keyed.proc.pid) - before) / 1024
    release.set()
    for t in threads:
        t.join(30)
    assert grown_mb < 40, f"RSS grew {grown_mb:.0f} MB for bodies nobody authenticated"
    assert statuses.count(401) >= 18, statuses  # a reset may beat the answer on a few


def test_announced_length_is_not_reserved(keyed):
    """Authenticated clients announcing 30 MB and sending 1 KB: nothing is allocated for the rest."""
    before = rss_kb(keyed.proc.pid, "VmData")
    socks = []
    for _ in range(20):
        s = connect(keyed.port)
        s.sendall(head(length=30 * 1024 * 1024) + b"{" * 1024)
        socks.append(s)
    time.sleep(0.3)
    grown_mb = (rss_kb(keyed.proc.pid, "VmData") - before) / 1024
    for s in socks:
        s.close()
    assert grown_mb < 200, f"{grown_mb:.0f} MB reserved for 20 announced 30 MB bodies"


def test_expect_100_continue_over_the_limit_gets_413_at_once(keyed, anthropic_mock):
    s = connect(keyed.port)
    s.sendall(head(length=64 * 1024 * 1024, extra=["Expect: 100-continue"]))
    raw = read_until_closed(s, 3)
    assert raw is not None and status_of(raw) == 413, raw
    assert b" 100 " not in raw.split(b"\r\n", 1)[0]
    assert json_body(raw)["error"]["type"] == "request_too_large"
    s.close()
    # With a wrong key the answer is 401, still without a 100 Continue.
    s = connect(keyed.port)
    s.sendall(head(key="wrong", length=100, extra=["Expect: 100-continue"]))
    raw = read_until_closed(s, 3)
    assert raw is not None and status_of(raw) == 401, raw
    s.close()
    # Within the limit and with the key: 100 Continue, then the answer.
    body = body_of()
    s = connect(keyed.port)
    s.sendall(head(length=len(body), extra=["Expect: 100-continue"]))
    s.settimeout(3)
    assert s.recv(4096).startswith(b"HTTP/1.1 100 Continue")
    s.sendall(body)
    first = s.recv(65536)
    assert status_of(first) == 200
    s.close()
    assert len(anthropic_mock.requests) == 1


def test_chunked_body_over_the_limit_is_refused_as_it_arrives(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), args=["--max-body-bytes", "100000"]).wait_ready()
    s = connect(p.port)
    s.sendall(head(key=None, extra=["Transfer-Encoding: chunked"]))
    chunk = b"x" * 60000
    s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2)  # 120 KB and no end
    raw = read_until_closed(s, 3)
    assert raw is not None and status_of(raw) == 413, raw
    s.close()
    assert len(anthropic_mock.requests) == 0


# ---- slow and idle clients -------------------------------------------------------------------

def test_trickled_head_is_cut(keyed):
    s = connect(keyed.port)
    s.sendall(b"POST /v1/messages HTTP/1.1\r\n")
    t0 = time.time()
    closed = False
    for i in range(40):  # one header byte every 0.1 s
        try:
            s.sendall(b"X-Slow-%d: y\r\n" % i if i % 10 == 0 else b"")
            s.sendall(b"a")
        except OSError:
            closed = True
            break
        time.sleep(0.1)
        if read_until_closed(s, 0.001) is not None:
            closed = True
            break
    assert closed, "a head trickled for 4 s kept its connection"
    assert time.time() - t0 < 2.5
    s.close()


def test_trickled_body_gets_408(keyed):
    s = connect(keyed.port)
    s.sendall(head(length=1000))
    t0 = time.time()
    raw = None
    for _ in range(40):
        try:
            s.sendall(b" ")
        except OSError:
            break
        time.sleep(0.1)
        raw = read_until_closed(s, 0.001)
        if raw is not None:
            break
    assert raw is not None, "a body trickled for 4 s kept its connection"
    assert time.time() - t0 < 2.5
    if raw:
        assert status_of(raw) == 408 and json_body(raw)["type"] == "error"
    s.close()


def test_idle_connections_are_closed(keyed):
    # A connection that never sends anything: the header timeout.
    s = connect(keyed.port)
    assert read_until_closed(s, 3) == b""
    s.close()
    # A kept-alive connection after its answer: the idle timeout.
    s = connect(keyed.port)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(3)
    assert status_of(s.recv(4096)) == 200
    t0 = time.time()
    assert read_until_closed(s, 3) == b""
    assert 0.7 < time.time() - t0 < 2.5
    s.close()


def test_kept_alive_connection_serves_requests_within_the_idle_timeout(keyed):
    s = connect(keyed.port)
    for _ in range(4):
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(3)
        assert status_of(s.recv(4096)) == 200
        time.sleep(0.6)  # below the 1 s idle timeout each time, above it in total
    s.close()


def test_slowloris_connections_do_not_stay(keyed):
    base = fd_count(keyed.proc.pid)
    socks = []
    for i in range(200):
        s = connect(keyed.port)
        s.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\n" if i % 2 else head(length=500))
        socks.append(s)
    time.sleep(0.3)
    assert fd_count(keyed.proc.pid) >= base + 150
    for _ in range(10):  # keep trickling on every connection
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
        time.sleep(0.2)
    assert wait_for(lambda: fd_count(keyed.proc.pid) <= base + 2, 3), (base, fd_count(keyed.proc.pid))
    for s in socks:
        s.close()
    with urllib.request.urlopen(keyed.url + "/health", timeout=5) as r:
        assert r.status == 200


def test_client_that_never_reads_its_stream_is_closed(keyed, anthropic_mock):
    big = "x" * 10000
    events = anthropic_stream_events(text="")[:1]
    events += [("content_block_start", json.dumps({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}))]
    events += [("content_block_delta", json.dumps({"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": big}}))] * 3000
    anthropic_mock.queue(Reply(events=events))
    s = connect(keyed.port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    body = body_of(stream=True)
    s.sendall(head(length=len(body)) + body)
    # Reads nothing: after the idle timeout the proxy gives up on it and aborts the upstream.
    assert wait_for(lambda: anthropic_mock.disconnects == 1, 6)
    assert wait_for(lambda: "apxlate_streams_in_flight 0" in metrics(keyed), 3)
    s.close()


# ---- connection cap and file descriptors -----------------------------------------------------

def test_connection_cap_answers_503(make_proxy, openai_mock, anthropic_mock):
    p = make_proxy(config_for(openai_mock, anthropic_mock), args=["--max-connections", "5"]).wait_ready()
    assert wait_for(lambda: "apxlate_client_connections 1\n" in metrics(p, key=None), 3)  # the scrape itself
    held = [connect(p.port) for _ in range(5)]
    time.sleep(0.2)
    s = connect(p.port)
    t0 = time.time()
    raw = read_until_closed(s, 3)
    assert raw is not None and time.time() - t0 < 1.5
    assert status_of(raw) == 503
    err = json_body(raw)["error"]
    assert err["type"] == "overloaded_error" and "connection limit (5)" in err["message"]
    s.close()
    held.pop().close()
    assert wait_for(lambda: status_of(_get(p, "/health")) == 200, 3)
    for h in held:
        h.close()
    # At least the one refused above (a /health probe that raced the freed slot may add more).
    refused = re.search(r"^apxlate_client_connections_refused_total (\d+)$", metrics(p, key=None), re.M)
    assert refused and int(refused.group(1)) >= 1


def _get(p, path):
    try:
        s = connect(p.port)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        raw = read_until_closed(s, 3)
        s.close()
        return raw
    except OSError:
        return None


def _with_nofile(monkeypatch, soft, hard):
    """Makes the next proxy start with RLIMIT_NOFILE = (soft, hard)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    monkeypatch.setattr(subprocess, "Popen", functools.partial(subprocess.Popen, preexec_fn=limit))


def test_open_file_limit_is_raised_and_logged(make_proxy, openai_mock, anthropic_mock, monkeypatch):
    _with_nofile(monkeypatch, 256, 4096)
    p = make_proxy(config_for(openai_mock, anthropic_mock)).wait_ready()
    monkeypatch.undo()
    with open(f"/proc/{p.proc.pid}/limits") as f:
        line = [l for l in f if l.startswith("Max open files")][0]
    assert line.split()[3:5] == ["4096", "4096"], line
    assert "open-file limit 4096 (was 256): up to 1888 client connections" in p.logs()


def test_out_of_descriptors_gets_503_without_spinning(make_proxy, openai_mock, anthropic_mock, monkeypatch):
    _with_nofile(monkeypatch, 64, 64)
    p = make_proxy(config_for(openai_mock, anthropic_mock),
                   args=["--max-connections", "1000", "--client-header-timeout", "30"]).wait_ready()
    monkeypatch.undo()
    held = []
    for _ in range(70):  # more than the descriptors the proxy has left
        held.append(connect(p.port))
    time.sleep(0.5)
    assert fd_count(p.proc.pid) >= 60
    # A new client now: a 503 (or at least a close) at once, not a hang.
    t0 = time.time()
    s = connect(p.port)
    raw = read_until_closed(s, 3)
    s.close()
    assert raw is not None, "a client waited on a proxy out of descriptors"
    assert time.time() - t0 < 1.5
    assert raw == b"" or status_of(raw) == 503, raw
    # The proxy does not spin on accept meanwhile.
    cpu0 = cpu_seconds(p.proc.pid)
    extra = [connect(p.port) for _ in range(5)]
    time.sleep(1.0)
    assert cpu_seconds(p.proc.pid) - cpu0 < 0.3
    for s in extra + held:
        s.close()
    # ...and serves again once descriptors are free.
    assert wait_for(lambda: status_of(_get(p, "/health")) == 200, 5)
    assert p.proc.poll() is None
    assert "out of file descriptors" in p.logs()


# ---- loopback ----------------------------------------------------------------------------------

@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.10.20.30", True), ("::1", True), ("localhost", True),
    ("127.0.0.1.example.com", False), ("127.evil.example", False), ("127.0.0.256", False),
    ("0.0.0.0", False), ("1270.0.0.1", False),
])
def test_only_real_loopback_addresses_skip_the_key(host, loopback, tmp_path):
    # A config file that does not exist: the run stops before any name is resolved or bound.
    from conftest import BINARY
    r = subprocess.run([BINARY, "serve", "--host", host, "--port", "1", "--config", str(tmp_path / "none.yaml")],
                       capture_output=True, text=True, timeout=10,
                       env={k: v for k, v in os.environ.items() if k != "PROXY_API_KEY"})
    assert r.returncode == 2
    assert ("refusing to listen" in r.stderr) != loopback, r.stderr
