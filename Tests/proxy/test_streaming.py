"""Streaming mechanics: chunks reach the client as they arrive, and a slow client slows the
upstream down (backpressure through CURL_WRITEFUNC_PAUSE) instead of filling memory."""
import json
import socket
import time

from mock_upstreams import Reply, anthropic_stream_events


def _request(model, stream=True):
    body = json.dumps({"model": model, "max_tokens": 10, "stream": stream,
                       "messages": [{"role": "user", "content": "hi"}]}).encode()
    return (b"POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            b"anthropic-version: 2023-06-01\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))


def _rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_events_are_forwarded_as_they_arrive(proxy, anthropic_mock):
    anthropic_mock.queue(Reply(events=anthropic_stream_events(text="one two three four five six"), gap=0.3))
    s = socket.create_connection(("127.0.0.1", proxy.port))
    s.sendall(_request("pass-anthropic"))
    t0 = time.time()
    got = b""
    while b"message_start" not in got:
        got += s.recv(65536)
    first = time.time() - t0
    while b"message_stop" not in got:
        got += s.recv(65536)
    total = time.time() - t0
    s.close()
    deadline = time.time() + 5
    while anthropic_mock.streams_completed == 0 and time.time() < deadline:
        time.sleep(0.02)
    assert first < 0.25, first          # the first event did not wait for the rest
    assert total > 1.5, total           # ~9 events 0.3 s apart


def test_slow_client_pauses_the_upstream(proxy, anthropic_mock):
    big = "x" * 10000
    events = anthropic_stream_events(text="")[:1]
    events += [("content_block_start", json.dumps({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}))]
    events += [("content_block_delta", json.dumps({"type": "content_block_delta", "index": 0,
                                                   "delta": {"type": "text_delta", "text": big}}))] * 4000
    events += anthropic_stream_events(text="")[-3:]
    events.insert(-2, ("content_block_stop", json.dumps({"type": "content_block_stop", "index": 0})))
    anthropic_mock.queue(Reply(events=events))
    s = socket.create_connection(("127.0.0.1", proxy.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.sendall(_request("pass-anthropic"))
    got = s.recv(65536)
    rss_before = _rss_kb(proxy.proc.pid)
    time.sleep(2.0)  # a slow client: ~40 MB are waiting upstream
    grown_mb = (_rss_kb(proxy.proc.pid) - rss_before) / 1024
    # Kernel socket buffers may hold part of the 40 MB; the proxy itself must not.
    assert grown_mb < 8, f"the proxy buffered {grown_mb:.1f} MB for a client that reads nothing"
    total = len(got)
    tail = got[-64:]
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        total += len(chunk)
        tail = (tail + chunk)[-64:]
        if b"message_stop" in tail:
            break
    s.close()
    assert total > 40_000_000
    deadline = time.time() + 5
    while anthropic_mock.streams_completed == 0 and time.time() < deadline:
        time.sleep(0.05)
    assert anthropic_mock.streams_completed == 1
