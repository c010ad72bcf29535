"""One SDK request answered through an upstream of another format: what the in-process
transports (apxlate.httpx) do between reading the SDK's request and handing it a response.
No I/O here: the transports send `Call.url/headers/body` and feed back what comes.
"""

from __future__ import annotations

import json
import re
from typing import List, Mapping, Optional, Tuple, Union

from ._translator import Exchange, Format, Stream, Translator, build_error
from .errors import ApxError, ArgumentError

#: Upstream response headers handed to the SDK with an error (its retry logic reads them).
_RETRY_HEADERS = ("retry-after", "retry-after-ms", "x-should-retry")

#: apx_status codes that mean the client's request is at fault (400), not apxlate (500).
_CLIENT_STATUSES = frozenset((1, 2, 3, 4, 5, 6))

Headers = List[Tuple[str, str]]


def key_mask(key: Optional[str]) -> "Optional[re.Pattern[bytes]]":
    """A pattern of the upstream key however JSON spells it (each character literal or escaped
    as a backslash-u sequence, `/` also as backslash-slash), so that bytes bound for the SDK never
    carry it (the proxy does the same); None for no key, or one too short to mask safely."""
    if not key or len(key) < 8:
        return None
    parts = []
    for ch in key:
        alts = [re.escape(ch.encode("utf-8"))]
        if ord(ch) < 0x10000:
            hexes = "".join("[%s%s]" % (d, d.upper()) if d.isalpha() else d for d in "%04x" % ord(ch))
            alts.append(b"\\\\u" + hexes.encode())
        if ch == "/":
            alts.append(b"\\\\/")
        parts.append(b"(?:" + b"|".join(alts) + b")")
    return re.compile(b"".join(parts))


def masked(pattern: "Optional[re.Pattern[bytes]]", data: bytes) -> bytes:
    return pattern.sub(b"***", data) if pattern is not None and data else data


class Answer:
    """A response the transport gives the SDK without streaming: status, headers, body."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, body: bytes, headers: Optional[Headers] = None) -> None:
        self.status = status
        self.body = body
        self.headers: Headers = [("content-type", "application/json")] + list(headers or [])


def client_format_of(path: str) -> Optional[Format]:
    """The client's format from the request path (None: not a path apxlate translates)."""
    p = path.rstrip("/")
    if p.endswith("/messages") or p.endswith("/messages/count_tokens"):
        return Format.ANTHROPIC
    if p.endswith("/chat/completions"):
        return Format.OPENAI_CHAT
    if p.endswith("/responses"):
        return Format.OPENAI_RESPONSES
    return None


def _guess_format(path: str, headers: Mapping[str, str]) -> Format:
    """The format to answer an untranslated path in: Anthropic when the client looks like one."""
    if "/messages" in path or "anthropic-version" in headers or "x-api-key" in headers:
        return Format.ANTHROPIC
    if "/responses" in path:
        return Format.OPENAI_RESPONSES
    return Format.OPENAI_CHAT


def local_error(fmt: Union[Format, str], status: int, message: str) -> Answer:
    """An error in the client's format for a failure apxlate itself saw."""
    code, body = build_error(fmt, status, message)
    return Answer(code or status, bytes(body))


class Upstream:
    """Where the transports send: base URL, format, key, extra headers, translator."""

    def __init__(self, url: str, format: Union[Format, str], api_key: Optional[str],
                 headers: Optional[Mapping[str, str]], translator: Translator) -> None:
        try:
            self.format = Format(format)
        except ValueError:
            raise ArgumentError("unknown upstream_format %r: expected one of %s"
                                % (format, ", ".join(f.value for f in Format))) from None
        base = url.rstrip("/")
        if self.format is Format.ANTHROPIC:
            self.endpoint = base + ("/messages" if base.endswith("/v1") else "/v1/messages")
        elif self.format is Format.OPENAI_CHAT:
            self.endpoint = base + "/chat/completions"
        else:
            self.endpoint = base + "/responses"
        self.api_key = api_key
        self.mask = key_mask(api_key)
        self.extra_headers: Headers = list((headers or {}).items())
        self.translator = translator

    def headers(self, client_format: Format, client_headers: Mapping[str, str], stream: bool) -> Headers:
        """The upstream request's headers: the client's key is replaced by the upstream's."""
        h: Headers = [("content-type", "application/json"),
                      ("accept", "text/event-stream" if stream else "application/json")]
        if self.format is Format.ANTHROPIC:
            if self.api_key:
                h.append(("x-api-key", self.api_key))
            version = client_headers.get("anthropic-version") if client_format is Format.ANTHROPIC else None
            h.append(("anthropic-version", version or "2023-06-01"))
            beta = client_headers.get("anthropic-beta") if client_format is Format.ANTHROPIC else None
            if beta:
                h.append(("anthropic-beta", beta))
        elif self.api_key:
            h.append(("authorization", "Bearer " + self.api_key))
        return h + self.extra_headers


class Call:
    """A translated request on its way upstream, and how to translate what comes back."""

    def __init__(self, upstream: Upstream, client_format: Format, body: bytes, exchange: Exchange,
                 headers: Headers) -> None:
        self.upstream = upstream
        self.client_format = client_format
        self.url = upstream.endpoint
        self.body = body
        self.headers = headers
        self.exchange = exchange
        self.stream = exchange.stream

    def new_stream(self) -> Optional[Stream]:
        """The stream translator (None for a same-format passthrough). Raises ApxError."""
        if self.client_format == self.upstream.format:
            return None
        return self.upstream.translator.stream(self.exchange)

    def response(self, status: int, body: bytes, headers: Mapping[str, str]) -> Answer:
        """The SDK's answer for a whole upstream response (success or error)."""
        t = self.upstream.translator
        if 200 <= status < 300:
            try:
                out = t.translate_response(body, exchange=self.exchange)
            except ApxError as e:
                return local_error(self.client_format, 502,
                                   "the upstream response could not be translated: %s" % e.message)
            return Answer(out.http_status or 200, masked(self.upstream.mask, bytes(out)))
        keep = [(k, headers[k]) for k in _RETRY_HEADERS if k in headers]
        try:
            code, err = t.translate_error(status, body, exchange=self.exchange)
        except ApxError:
            return local_error(self.client_format, status if status >= 500 else 502, "upstream error %d" % status)
        return Answer(code if code >= 400 else status, masked(self.upstream.mask, bytes(err)), keep)

    def close(self) -> None:
        self.exchange.close()


def start(upstream: Upstream, method: str, path: str, headers: Mapping[str, str],
          body: bytes) -> Union[Call, Answer]:
    """Translates the SDK's request: a Call to send upstream, or an Answer given locally
    (count_tokens, an untranslated path, a request the library rejects)."""
    fmt = client_format_of(path)
    if fmt is None or method != "POST":
        return local_error(_guess_format(path, headers), 404,
                           "apxlate transport: %s %s is not translated (only POST of Messages, "
                           "Chat Completions and Responses requests)" % (method, path))
    t = upstream.translator
    if path.rstrip("/").endswith("/count_tokens"):
        try:
            n = t.count_tokens(body, Format.ANTHROPIC)
        except ApxError as e:
            return _rejected(fmt, e)
        return Answer(200, json.dumps({"input_tokens": n}).encode())
    try:
        translated, exchange = t.translate_request(body, fmt, upstream.format)
    except ApxError as e:
        return _rejected(fmt, e)
    return Call(upstream, fmt, bytes(translated), exchange, upstream.headers(fmt, headers, exchange.stream))


def _rejected(fmt: Format, e: ApxError) -> Answer:
    status = 400 if e.status in _CLIENT_STATUSES else 500
    where = " at %s" % e.path if e.path else ""
    return local_error(fmt, status, "invalid request%s: %s" % (where, e.message))


class Pump:
    """Translates an upstream SSE body chunk by chunk; ends it with Stream.fail when the upstream
    breaks or sends what cannot be translated. `stream` None forwards bytes unchanged. The
    upstream key is masked in what comes out (the library emits whole events, so a key is never
    split between two outputs; a passthrough's chunks are checked one by one)."""

    def __init__(self, stream: Optional[Stream], mask: "Optional[re.Pattern[bytes]]" = None) -> None:
        self.stream = stream
        self.mask = mask
        self.done = False

    def feed(self, chunk: bytes) -> bytes:
        return masked(self.mask, self._feed(chunk))

    def finish(self) -> bytes:
        return masked(self.mask, self._finish())

    def fail(self, status: int, message: str) -> bytes:
        """The client stream's failure ending (b"" once done). Passthrough streams cannot be
        ended well-formed: the caller re-raises instead."""
        return masked(self.mask, self._fail(status, message))

    def _feed(self, chunk: bytes) -> bytes:
        if self.done:
            return b""
        if self.stream is None:
            return chunk
        try:
            return self.stream.feed(chunk)
        except ApxError as e:
            return self._fail(502, "the upstream stream could not be translated: %s" % e.message)

    def _finish(self) -> bytes:
        if self.done:
            return b""
        self.done = True
        if self.stream is None:
            return b""
        try:
            return self.stream.finish()
        except ApxError as e:
            self.done = False
            return self._fail(502, "the upstream stream ended badly: %s" % e.message)

    def _fail(self, status: int, message: str) -> bytes:
        if self.done or self.stream is None:
            self.done = True
            return b""
        self.done = True
        return self.stream.fail(status, message)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()

