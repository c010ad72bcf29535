"""In-process httpx transports: an SDK of one API talks to an upstream of another, no proxy.

    import anthropic, httpx2, apxlate.httpx
    client = anthropic.Anthropic(
        api_key="unused", base_url="http://apxlate.invalid",
        http_client=httpx2.Client(transport=apxlate.httpx.Transport(
            upstream="https://api.openai.com/v1", upstream_format="openai-chat",
            api_key="sk-...", config={"models": {"default": "gpt-4o"}})))

Each POST to .../messages, .../chat/completions or .../responses is translated into the upstream's
format and sent there by an inner httpx transport; the answer (JSON, SSE stream translated chunk by
chunk as it arrives, or error) comes back in the SDK's own format, so the SDK raises its own
exceptions (upstream errors translated, connection failures as the SDK's connection error).
.../messages/count_tokens is answered locally (the library's estimate). The client's own key is
never sent: the upstream gets `api_key` (x-api-key toward Anthropic, Bearer otherwise).

Works with `httpx` and `httpx2` (whichever module the client's requests come from).
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any, AsyncIterator, Dict, Iterator, Mapping, Optional, Tuple, Union

from ._sdk_call import Answer, Call, Pump, Upstream, local_error, start
from ._translator import Format, JSONBody, Stream, Translator
from .errors import ApxError

__all__ = ["Transport", "AsyncTransport"]

_SSE_HEADERS = [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")]


def _module_of(request: Any) -> ModuleType:
    """The httpx-like module the request belongs to (httpx or httpx2)."""
    return sys.modules[type(request).__module__.split(".", 1)[0]]


def _answer(mod: ModuleType, answer: Answer) -> Any:
    return mod.Response(answer.status, headers=answer.headers, content=answer.body)


class _Base:
    """What both transports share: the translator, the upstream and the inner transport."""

    def __init__(self, upstream: str, upstream_format: Union[Format, str] = Format.OPENAI_CHAT,
                 api_key: Optional[str] = None, config: Optional[JSONBody] = None, *,
                 headers: Optional[Mapping[str, str]] = None, transport: Any = None,
                 translator: Optional[Translator] = None) -> None:
        """`upstream`: the upstream's base URL (".../v1" for OpenAI-compatible servers; Anthropic's
        with or without /v1); `upstream_format`: "openai-chat", "openai-responses" or "anthropic";
        `api_key`: sent upstream in place of the client's key (none sent when None); `config`: the
        translator configuration (apx_translator_new: models, upstream quirks, limits);
        `headers`: extra headers for every upstream request; `transport`: the inner httpx
        transport doing the upstream I/O (default: a new HTTPTransport/AsyncHTTPTransport of the
        client's httpx module, closed with this one); `translator`: share one instead of `config`."""
        self._owns_translator = translator is None
        self.translator = translator if translator is not None else Translator(config)
        self.upstream = Upstream(upstream, upstream_format, api_key, headers, self.translator)
        self._inner = transport
        self._lock = threading.Lock()

    def _inner_for(self, mod: ModuleType, name: str) -> Any:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    self._inner = getattr(mod, name)()
        return self._inner

    def _prepare(self, mod: ModuleType, request: Any, body: bytes) -> Union[Answer, Tuple[Call, Any, Optional[Stream]]]:
        """The local answer, or (call, upstream request, stream translator)."""
        plan = start(self.upstream, request.method, request.url.path, request.headers, body)
        if isinstance(plan, Answer):
            return plan
        stream = None
        if plan.stream:
            try:
                stream = plan.new_stream()
            except ApxError as e:
                plan.close()
                return local_error(plan.client_format, 501, "cannot stream %s to %s: %s"
                                   % (plan.upstream.format, plan.client_format, e.message))
        up = mod.Request("POST", plan.url, headers=plan.headers, content=plan.body,
                         extensions=dict(request.extensions))
        return plan, up, stream

    def __repr__(self) -> str:
        return "<apxlate.httpx.%s %s %s>" % (type(self).__name__, self.upstream.format, self.upstream.endpoint)


def _failure(mod: ModuleType, e: BaseException) -> Tuple[int, str]:
    """(status, message) for Stream.fail when the upstream broke off mid-stream."""
    status = 504 if isinstance(e, mod.TimeoutException) else 502
    return status, "the upstream failed mid-stream: %s" % (str(e) or type(e).__name__)


class _SyncBody:
    """The SDK's response body: the upstream's SSE, translated as each chunk arrives."""

    def __init__(self, mod: ModuleType, call: Call, response: Any, pump: Pump) -> None:
        self._mod, self._call, self._response, self._pump = mod, call, response, pump
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        pump = self._pump
        try:
            try:
                for chunk in self._response.iter_bytes():
                    out = pump.feed(chunk)
                    if out:
                        yield out
                    if pump.done:
                        return
            except self._mod.TransportError as e:
                if pump.stream is None:
                    raise
                out = pump.fail(*_failure(self._mod, e))
            else:
                out = pump.finish()
            if out:
                yield out
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._response.close()
        finally:
            self._pump.close()
            self._call.close()


class _AsyncBody:
    """_SyncBody for async clients."""

    def __init__(self, mod: ModuleType, call: Call, response: Any, pump: Pump) -> None:
        self._mod, self._call, self._response, self._pump = mod, call, response, pump
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pump = self._pump
        try:
            try:
                async for chunk in self._response.aiter_bytes():
                    out = pump.feed(chunk)
                    if out:
                        yield out
                    if pump.done:
                        return
            except self._mod.TransportError as e:
                if pump.stream is None:
                    raise
                out = pump.fail(*_failure(self._mod, e))
            else:
                out = pump.finish()
            if out:
                yield out
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._response.aclose()
        finally:
            self._pump.close()
            self._call.close()


_BODY_CLASSES: Dict[Tuple[str, bool], type] = {}


def _body(mod: ModuleType, is_async: bool, *args: Any) -> Any:
    """A body of the module's own stream type (httpx checks isinstance(response.stream, ...))."""
    key = (mod.__name__, is_async)
    cls = _BODY_CLASSES.get(key)
    if cls is None:
        base = mod.AsyncByteStream if is_async else mod.SyncByteStream
        cls = type("TranslatedStream", (_AsyncBody if is_async else _SyncBody, base), {})
        _BODY_CLASSES[key] = cls
    return cls(mod, *args)


class Transport(_Base):
    """An httpx (or httpx2) transport for `Client(transport=...)`: see the module doc."""

    def handle_request(self, request: Any) -> Any:
        mod = _module_of(request)
        prepared = self._prepare(mod, request, request.read())
        if isinstance(prepared, Answer):
            return _answer(mod, prepared)
        call, up, stream = prepared
        try:
            response = self._inner_for(mod, "HTTPTransport").handle_request(up)
            response.request = up
        except BaseException:
            call.close()
            if stream is not None:
                stream.close()
            raise
        if call.stream and 200 <= response.status_code < 300:
            return mod.Response(200, headers=_SSE_HEADERS, stream=_body(mod, False, call, response, Pump(stream, call.upstream.mask)))
        try:
            body = response.read()
            return _answer(mod, call.response(response.status_code, body, response.headers))
        finally:
            response.close()
            call.close()
            if stream is not None:
                stream.close()

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
        if self._owns_translator:
            self.translator.close()

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncTransport(_Base):
    """An httpx (or httpx2) transport for `AsyncClient(transport=...)`: see the module doc."""

    async def handle_async_request(self, request: Any) -> Any:
        mod = _module_of(request)
        prepared = self._prepare(mod, request, await request.aread())
        if isinstance(prepared, Answer):
            return _answer(mod, prepared)
        call, up, stream = prepared
        try:
            response = await self._inner_for(mod, "AsyncHTTPTransport").handle_async_request(up)
            response.request = up
        except BaseException:
            call.close()
            if stream is not None:
                stream.close()
            raise
        if call.stream and 200 <= response.status_code < 300:
            return mod.Response(200, headers=_SSE_HEADERS, stream=_body(mod, True, call, response, Pump(stream, call.upstream.mask)))
        try:
            body = await response.aread()
            return _answer(mod, call.response(response.status_code, body, response.headers))
        finally:
            await response.aclose()
            call.close()
            if stream is not None:
                stream.close()

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
        if self._owns_translator:
            self.translator.close()

    async def __aenter__(self) -> "AsyncTransport":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()
