"""apxlate serve in front of an upstream that misbehaves: every client format × upstream format.

Each case asserts that the client gets a complete valid answer or a well-formed error in its own
format (strict_sse), and each test that the proxy is still up with its descriptors and in-flight
gauges (requests, streams, upstream transfers) back to the baseline."""
import http.client
import json
import socket
import threading
import time

import anthropic
import openai
import pytest

from canned import CLIENT_PATHS, FORMATS, client_request, json_body, stream_events
from conftest import IDLE_TIMEOUT, SECRET
from fault_upstream import chunked, http_head, json_response, stream_response
from strict_sse import validate_body, validate_stream

PAIRS = [(c, u) for c in FORMATS for u in FORMATS]


def call(proxy, client, model, stream=True, timeout=15):
    c = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=timeout)
    try:
        c.request("POST", CLIENT_PATHS[client], client_request(client, model, stream),
                  {"content-type": "application/json", "anthropic-version": "2023-06-01"})
        r = c.getresponse()
        return r.status, r.getheader("content-type") or "", r.read()
    finally:
        c.close()


def check(client, stream, status, ctype, body):
    """The strict verdict: "complete" or "error" (AssertionError when malformed)."""
    if stream and status == 200:
        assert ctype.startswith("text/event-stream"), ctype
        return validate_stream(client, body)
    return validate_body(client, status, body, ctype)


def run(proxy, upstream, client, up, steps, stream=True, expect=None):
    name = upstream.add(steps, tag=up)
    status, ctype, body = call(proxy, client, name, stream)
    try:
        got = check(client, stream, status, ctype, body)
    except (AssertionError, ValueError, KeyError) as e:
        raise AssertionError("%s → %s %s: %s\n%s" % (up, client, name, e, body[-600:])) from None
    if expect:
        assert got == expect, (name, status, body[-400:])
    return got, status, body, name


def cut_offsets(raw, ends):
    head = raw.index(b"\r\n\r\n") + 4
    return sorted(set([0, 5, head, ends[0] - 5, ends[1], ends[2] - 2, ends[len(ends) // 2], ends[-2] + 3, ends[-1]]))


# ---- connection closed or reset at byte offsets of a stream ------------------------------------

@pytest.mark.parametrize("client,up", PAIRS)
def test_stream_cut_at_offsets(proxy, upstream, baseline, client, up):
    raw, ends = stream_response(stream_events(up))
    head = raw.index(b"\r\n\r\n") + 4
    for how in ("close", "reset"):
        for off in cut_offsets(raw, ends):
            got, status, body, _ = run(proxy, upstream, client, up, [("send", raw[:off]), (how,)])
            if off < head:
                assert got == "error" and status == 502, (off, status, body)
            elif off < ends[-3]:
                assert got == "error", (how, off, body[-300:])
    got, *_ = run(proxy, upstream, client, up, [("send", raw), ("close",)], expect="complete")
    proxy.settle(baseline)


@pytest.mark.parametrize("client,up", PAIRS)
def test_http10_close_delimited(proxy, upstream, baseline, client, up):
    raw, ends = stream_response(stream_events(up), framing="http10")
    run(proxy, upstream, client, up, [("send", raw), ("close",)], expect="complete")
    for off in (ends[0] - 5, ends[2], ends[-4] + 3):
        # A close-delimited body cut short cannot be told from its end: a translated stream is
        # closed well-formed (with a warning) unless the cut left a broken event, a passthrough
        # ends with an error; both are valid.
        run(proxy, upstream, client, up, [("send", raw[:off]), ("close",)])
    raw, ends = stream_response(stream_events(up), framing="length")
    run(proxy, upstream, client, up, [("send", raw[:ends[-4] + 3]), ("close",)], expect="error")
    proxy.settle(baseline)


# ---- one-shot answers: cut JSON, garbage, wrong content-type -----------------------------------

@pytest.mark.parametrize("client,up", PAIRS)
def test_oneshot_bodies(proxy, upstream, baseline, client, up):
    body = json_body(up)
    run(proxy, upstream, client, up, [("send", json_response(body)), ("close",)], stream=False, expect="complete")
    # a JSON body cut short: Content-Length promised more, or close-delimited
    full = json_response(body)
    run(proxy, upstream, client, up, [("send", full[:-20]), ("close",)], stream=False, expect="error")
    run(proxy, upstream, client, up, [("send", http_head(200, "application/json", version="HTTP/1.0", chunked=False) + body[:-20]),
                                      ("close",)], stream=False, expect="error")
    # garbage / binary
    run(proxy, upstream, client, up, [("send", json_response(b"\x00\xff garbage \x8f" * 50)), ("close",)], stream=False, expect="error")
    # a JSON body labelled text/html
    got, *_ = run(proxy, upstream, client, up, [("send", json_response(body, content_type="text/html")), ("close",)], stream=False)
    # an HTML error page
    run(proxy, upstream, client, up, [("send", json_response(b"<html>bad gateway</html>", 502, "text/html")), ("close",)],
        stream=False, expect="error")
    proxy.settle(baseline)


@pytest.mark.parametrize("client,up", PAIRS)
def test_stream_garbage_and_wrong_content_type(proxy, upstream, baseline, client, up):
    garbage = b"\x00\xff\xfe garbage \x01\x8f" * 200
    run(proxy, upstream, client, up, [("send", http_head() + chunked([garbage])), ("close",)], expect="error")
    # garbage after a few good events: lines that are not SSE fields are ignored (WHATWG), so the
    # stream ends where the events stopped (closed well-formed, or an error for a passthrough)
    events = stream_events(up)
    run(proxy, upstream, client, up, [("send", http_head() + chunked(events[:3] + [garbage])), ("close",)])
    if up != client:  # a passthrough forwards whole events as they are, even bad ones
        run(proxy, upstream, client, up, [("send", http_head() + chunked(events[:3] + [b"data: {not json\n\n"])), ("close",)],
            expect="error")
    # the stream labelled application/json: still a well-formed answer or error
    raw = http_head(content_type="application/json") + chunked(events)
    run(proxy, upstream, client, up, [("send", raw), ("close",)])
    # a one-shot JSON answer to a stream request
    run(proxy, upstream, client, up, [("send", json_response(json_body(up))), ("close",)])
    proxy.settle(baseline)


# ---- stalls, trickles, storms --------------------------------------------------------------------

@pytest.mark.parametrize("client", FORMATS)
def test_stalled_upstream_times_out(proxy, upstream, baseline, client):
    for up in ("openai-chat", "anthropic"):
        raw, ends = stream_response(stream_events(up))
        t = time.time()
        got, status, body, name = run(proxy, upstream, client, up, [("send", raw[:ends[3]]), ("sleep", 8)], expect="error")
        assert time.time() - t < IDLE_TIMEOUT + 3
        assert b"timed out" in body
        # before the headers: a 504 in the client's format
        got, status, body, name2 = run(proxy, upstream, client, up, [("sleep", 8)], expect="error")
        assert status == 504, status
        proxy.settle(baseline)
        for n in (name, name2):
            assert upstream.log[n][0]["how"] == "closed-by-peer", upstream.log[n]


def test_trickling_upstream_completes(proxy, upstream, baseline):
    """1 byte per 100 ms (the first 30 bytes of the body; the rest at once): each byte is upstream
    activity, so the 1 s idle timeout never fires and the answer completes. (curl reports header
    lines only whole, so a header line trickled over more than the idle timeout would time out.)
    The three client formats run at once."""
    results = {}

    def one(client, up):
        raw, ends = stream_response(stream_events(up))
        head = raw.index(b"\r\n\r\n") + 4
        got = run(proxy, upstream, client, up, [("send", raw[:head]), ("trickle", raw[head:head + 30], 0.1),
                                                ("send", raw[head + 30:]), ("close",)])
        results[client] = got[0] if got[0] == "complete" else got[2][-300:]

    threads = [threading.Thread(target=one, args=(c, u)) for c, u in zip(FORMATS, ["openai-chat", "anthropic", "openai-responses"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {c: "complete" for c in FORMATS}, results
    proxy.settle(baseline)


@pytest.mark.parametrize("client", FORMATS)
def test_429_storm_retries_then_errors(proxy, upstream, baseline, client):
    up = "openai-chat"
    r429 = [("send", json_response(b'{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}', 429,
                                   extra=["Retry-After: 0.3"])), ("close",)]
    ok = [("send", stream_response(stream_events(up))[0]), ("close",)]
    # two 429s, then an answer: retried after Retry-After each time
    name = upstream.add(r429, r429, ok, tag=up)
    t = time.time()
    status, ctype, body = call(proxy, client, name)
    assert check(client, True, status, ctype, body) == "complete"
    assert upstream.attempts(name) == 3 and time.time() - t >= 0.6
    # a storm longer than the retries: the client gets the 429 in its format
    name = upstream.add(r429, tag=up)
    status, ctype, body = call(proxy, client, name)
    assert status == 429 and check(client, True, status, ctype, body) == "error"
    assert upstream.attempts(name) == 3
    # a Retry-After longer than --retry-max-delay is not waited for
    long = [("send", json_response(b'{"error":{"message":"later"}}', 429, extra=["Retry-After: 60"])), ("close",)]
    name = upstream.add(long, tag=up)
    t = time.time()
    status, ctype, body = call(proxy, client, name)
    assert status == 429 and time.time() - t < 2 and upstream.attempts(name) == 1
    proxy.settle(baseline)


@pytest.mark.parametrize("client", FORMATS)
@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_storm(proxy, upstream, baseline, client, status):
    up = "anthropic"
    for body in (b'{"type":"error","error":{"type":"api_error","message":"boom"}}', b"<html>oops</html>", b""):
        name = upstream.add([("send", json_response(body, status)), ("close",)], tag=up)
        for stream in (True, False):
            st, ctype, out = call(proxy, client, name, stream)
            assert st >= 500 and check(client, stream, st, ctype, out) == "error", (st, out)
    proxy.settle(baseline)


# ---- TLS, DNS ---------------------------------------------------------------------------------

@pytest.mark.parametrize("client", FORMATS)
def test_tls_and_dns_failures(proxy, baseline, client):
    cases = ["tlsgarbage", "nxdomain"] + (["tlsuntrusted"] if proxy.untrusted else [])
    for model in cases:
        for stream in (True, False):
            t = time.time()
            st, ctype, out = call(proxy, client, model, stream)
            assert st == 502 and check(client, stream, st, ctype, out) == "error", (model, st, out)
            assert time.time() - t < 3, model
    proxy.settle(baseline)


# ---- redaction ----------------------------------------------------------------------------------

def escaped(s):
    return "".join("\\u%04x" % ord(c) for c in s)


@pytest.mark.parametrize("client", FORMATS)
def test_upstream_key_never_reaches_the_client(proxy, upstream, baseline, client):
    for up in ("openai-chat", "anthropic"):
        for spelled in (SECRET, escaped(SECRET), SECRET[:3] + escaped(SECRET[3:9]) + SECRET[9:]):
            msg = "Incorrect API key provided: %s" % spelled
            body = ('{"error":{"message":"%s","type":"invalid_request_error","code":"invalid_api_key"}}' % msg).encode()
            if up == "anthropic":
                body = ('{"type":"error","error":{"type":"authentication_error","message":"%s"}}' % msg).encode()
            name = upstream.add([("send", json_response(body, 401)), ("close",)], tag=up)
            st, ctype, out = call(proxy, client, name, False)
            assert st == 401 and check(client, False, st, ctype, out) == "error"
            text = json.dumps(json.loads(out))
            assert SECRET not in json.loads(out).__repr__() and SECRET[3:9] not in text and "***" in text, out
            # mid-stream: an upstream error event that echoes the key
            if up == "anthropic":
                ev = ('event: error\ndata: {"type":"error","error":{"type":"authentication_error","message":"%s"}}\n\n' % msg).encode()
            else:
                ev = ('data: {"error":{"message":"%s","type":"invalid_request_error","code":"invalid_api_key"}}\n\n' % msg).encode()
            events = stream_events(up)
            name = upstream.add([("send", http_head() + chunked(events[:3] + [ev])), ("close",)], tag=up)
            st, ctype, out = call(proxy, client, name)
            assert check(client, True, st, ctype, out) == "error", out
            decoded = "".join(json.dumps(json.loads(line[6:])) for line in out.decode().split("\n") if line.startswith("data: {"))
            assert SECRET not in decoded and SECRET[3:9] not in decoded and "***" in decoded, out
    proxy.settle(baseline)


# ---- clients that hang up -----------------------------------------------------------------------

def raw_client(proxy, client, model, body_too=True):
    s = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
    body = client_request(client, model, True)
    head = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\n"
            "Content-Length: %d\r\n\r\n" % (CLIENT_PATHS[client], len(body))).encode()
    s.sendall(head + (body if body_too else body[:10]))
    return s


@pytest.mark.parametrize("client", FORMATS)
def test_clients_that_hang_up(proxy, upstream, baseline, client):
    up = "openai-chat"
    raw, ends = stream_response(stream_events(up))
    # before sending the whole body
    s = raw_client(proxy, client, "unused", body_too=False)
    s.close()
    # while the proxy waits for the upstream's headers
    name = upstream.add([("sleep", 8)], tag=up)
    s = raw_client(proxy, client, name)
    time.sleep(0.3)
    s.close()
    # mid-stream: the upstream keeps sending slowly
    name2 = upstream.add([("send", raw[:ends[3]]), ("sleep", 0.5), ("send", raw[ends[3]:ends[5]]), ("sleep", 8)], tag=up)
    s = raw_client(proxy, client, name2)
    assert s.recv(100)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    proxy.settle(baseline)
    deadline = time.time() + 3
    while time.time() < deadline and not all(upstream.log[n] and upstream.log[n][0]["end"] for n in (name, name2)):
        time.sleep(0.05)
    for n in (name, name2):
        assert upstream.log[n][0]["how"] == "closed-by-peer", (n, upstream.log[n])


# ---- the official SDKs against the proxy --------------------------------------------------------

def test_sdks_see_clean_errors(proxy, upstream, baseline):
    base = "http://127.0.0.1:%d" % proxy.port
    raw, ends = stream_response(stream_events("openai-chat"))
    cut = [("send", raw[:ends[4] - 5]), ("reset",)]
    a = anthropic.Anthropic(api_key="k", base_url=base, max_retries=0)
    with pytest.raises(anthropic.APIStatusError):
        with a.messages.stream(model=upstream.add(cut, tag="openai-chat"), max_tokens=10,
                               messages=[{"role": "user", "content": "hi"}]) as st:
            st.get_final_message()
    o = openai.OpenAI(api_key="k", base_url=base + "/v1", max_retries=0)
    with pytest.raises(openai.APIError):
        for _ in o.chat.completions.create(model=upstream.add(cut, tag="openai-chat"), stream=True,
                                           messages=[{"role": "user", "content": "hi"}]):
            pass
    types = []
    with o.responses.stream(model=upstream.add(cut, tag="openai-chat"), input="hi") as st:
        types = [ev.type for ev in st]
        with pytest.raises(RuntimeError):
            st.get_final_response()
    assert types[0] == "response.created" and types[-2:] == ["error", "response.failed"], types
    a.close()
    o.close()                                   # their keep-alive connections hold descriptors
    proxy.settle(baseline)
