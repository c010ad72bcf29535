"""Strict loopback upstreams for the transport tests: the proxy suite's mocks (Tests/proxy/
mock_upstreams.py), but every request is checked first (path, key, headers, body shape) and a
malformed one gets a 400 in the upstream's format instead of the scripted reply."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "proxy"))

from mock_upstreams import (  # noqa: E402,F401  (re-exported for the tests)
    MockAnthropic, MockOpenAI, MockResponses, Reply, anthropic_message, anthropic_stream_events,
    chat_completion, chat_stream_events, responses_object, responses_stream_events)

UPSTREAM_KEY = "sk-upstream-SECRET-4444"
CLIENT_KEY = "sk-client-key-not-for-upstream"


def _problems(kind, rec):
    """What is wrong with a request to a `kind` upstream ([] when it is well-formed)."""
    h, body, bad = rec.headers, rec.json, []
    if CLIENT_KEY in json.dumps(h):
        bad.append("the client's key reached the upstream")
    if not isinstance(body, dict):
        return bad + ["body is not a JSON object"]
    if not isinstance(body.get("model"), str) or not body["model"]:
        bad.append("model missing")
    if h.get("content-type", "").split(";")[0] != "application/json":
        bad.append("content-type is not application/json")
    if body.get("stream") and h.get("accept") != "text/event-stream":
        bad.append("stream without accept: text/event-stream")
    if kind == "anthropic":
        if rec.path != "/v1/messages":
            bad.append("path " + rec.path)
        if h.get("x-api-key") != UPSTREAM_KEY or "authorization" in h:
            bad.append("auth headers")
        if not h.get("anthropic-version"):
            bad.append("anthropic-version missing")
        if not isinstance(body.get("max_tokens"), int):
            bad.append("max_tokens missing")
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs or any(m.get("role") not in ("user", "assistant") for m in msgs):
            bad.append("messages")
    else:
        if h.get("authorization") != "Bearer " + UPSTREAM_KEY or "x-api-key" in h:
            bad.append("auth headers")
        if kind == "openai":
            if rec.path != "/v1/chat/completions":
                bad.append("path " + rec.path)
            msgs = body.get("messages")
            if not isinstance(msgs, list) or not msgs or any(
                    m.get("role") not in ("system", "developer", "user", "assistant", "tool") for m in msgs):
                bad.append("messages")
            if "max_tokens" in body:
                bad.append("max_tokens sent (this upstream takes max_completion_tokens)")
        else:
            if rec.path != "/v1/responses":
                bad.append("path " + rec.path)
            if "input" not in body or "messages" in body:
                bad.append("input")
    return bad


def strict(cls):
    """A subclass of a mock upstream that rejects malformed requests before any scripted reply."""

    class Strict(cls):
        def __init__(self):
            super().__init__()
            self.rejected = []
            handler = self.server.RequestHandlerClass
            mock = self
            plain = handler.do_POST

            def do_POST(h):
                n = int(h.headers.get("content-length") or 0)
                raw = h.rfile.read(n) if n else b""
                from mock_upstreams import Recorded
                rec = Recorded("POST", h.path, {k.lower(): v for k, v in h.headers.items()}, raw)
                bad = _problems(cls.kind, rec)
                if bad:
                    with mock.lock:
                        mock.rejected.append(bad)
                    err = {"type": "error", "error": {"type": "invalid_request_error", "message": "; ".join(bad)}} \
                        if cls.kind == "anthropic" else {"error": {"message": "; ".join(bad), "type": "invalid_request_error"}}
                    return mock.send(h, Reply(400, body=err))
                rest, h.rfile = h.rfile, _Replay(raw, h.rfile)
                try:
                    return plain(h)
                finally:
                    h.rfile = rest

            handler.do_POST = do_POST

    Strict.__name__ = "Strict" + cls.__name__
    return Strict


class _Replay:
    """The body already read, handed again to the plain handler."""

    def __init__(self, data, rest):
        self.data, self.rest = data, rest

    def read(self, n=-1):
        out, self.data = self.data[:n] if n >= 0 else self.data, self.data[n:] if n >= 0 else b""
        return out

    def __getattr__(self, name):
        return getattr(self.rest, name)


StrictOpenAI = strict(MockOpenAI)
StrictAnthropic = strict(MockAnthropic)
StrictResponses = strict(MockResponses)
