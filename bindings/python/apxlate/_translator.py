"""Translator, Exchange and Stream: Python objects over the opaque handles of libapxlate."""

import ctypes
import enum
import json
import sys
import threading

from . import _native
from ._native import ApxErrorStruct, ApxInStruct, ApxOutputStruct, ApxOutStruct, lib
from ._usage import ApxUsageStruct, Usage
from .errors import ArgumentError, error_for_status

_byref = ctypes.byref
_string_at = ctypes.string_at
_c_char = ctypes.c_char


class Format(str, enum.Enum):
    """The wire formats. Members compare equal to their names ("anthropic", ...)."""

    ANTHROPIC = "anthropic"
    OPENAI_CHAT = "openai-chat"
    OPENAI_RESPONSES = "openai-responses"

    def __str__(self):
        return self.value


_FORMAT_CODES = {"anthropic": 1, "openai-chat": 2, "openai-responses": 3}
_FORMAT_BY_CODE = {1: Format.ANTHROPIC, 2: Format.OPENAI_CHAT, 3: Format.OPENAI_RESPONSES}


def _format_code(value, name, optional):
    """The apx_format for a format given as a name, a Format, a code, or None (when optional)."""
    if value is None:
        if optional:
            return 0
        raise ArgumentError("%s format is required (one of %s)" % (name, ", ".join(_FORMAT_CODES)))
    if isinstance(value, str):
        code = _FORMAT_CODES.get(value.value if isinstance(value, Format) else value)
        if code is not None:
            return code
    elif isinstance(value, int) and not isinstance(value, bool) and value in _FORMAT_BY_CODE:
        return value
    raise ArgumentError("unknown %s format %r: expected one of %s" % (name, value, ", ".join(_FORMAT_CODES)))


def _json_bytes(body, what):
    """A JSON body as bytes: bytes-like as is, str as UTF-8, dict/list through json.dumps."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (dict, list)):
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    raise TypeError("%s must be bytes, str, dict or list, not %s" % (what, type(body).__name__))


def _raw_bytes(data, what):
    """Stream input: bytes-like or str (UTF-8)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    raise TypeError("%s must be bytes or str, not %s" % (what, type(data).__name__))


def _exception(status, err):
    """The exception for a failed call, from the filled apx_error."""
    message = err.message.decode("utf-8", "replace")
    if not message:
        message = (lib.apx_status_str(status) or b"").decode("utf-8", "replace")
    offset = err.offset if err.offset >= 0 else None
    return error_for_status(status, message, err.path.decode("utf-8", "replace"), offset)


def _warnings(out):
    if not out.warnings_len:
        return []
    return _string_at(out.warnings, out.warnings_len).decode("utf-8", "replace").split("\n")


class Translated(bytes):
    """Translated bytes that also carry `.warnings`: what was dropped or approximated (a list
    of "path: message" strings), and `.http_status`: 0, or for a response whose upstream reported
    a failed generation (Responses status "failed"/"cancelled") the HTTP status to send with
    these bytes, which are then the client's error body."""

    warnings = ()
    http_status = 0


# A view type over any library buffer: slicing a memoryview of it copies exactly once, and no
# ctypes array type is made per length (`c_char * n` costs ~20 us for each new n).
_ANY_BYTES = _c_char * min(1 << 40, sys.maxsize)


def _take_output(out, cls=Translated):
    """Copies an apx_output into Python objects and frees it."""
    try:
        n = out.len
        data = cls(memoryview(_ANY_BYTES.from_address(out.data))[:n]) if n else cls()
        if cls is Translated:
            data.warnings = _warnings(out)
            if out.http_status:
                data.http_status = out.http_status
        return data
    finally:
        lib.apx_output_free(_byref(out))


# close() of a handle with calls in flight waits here (shared: closing while busy is rare).
_IDLE = threading.Condition(threading.Lock())


class _Handle:
    """An opaque handle shared by threads: calls hold it (acquire/release), close() waits for the
    calls in flight, then frees it exactly once."""

    __slots__ = ("_h", "_free", "_lock", "_busy", "_what")

    def __init__(self, handle, free, what):
        self._h = handle
        self._free = free
        self._lock = threading.Lock()
        self._busy = 0
        self._what = what

    def acquire(self):
        with self._lock:
            if self._h is None:
                raise ValueError("%s is closed" % self._what)
            self._busy += 1
            return self._h

    def release(self):
        with self._lock:
            self._busy -= 1
            wake = self._busy == 0 and self._h is None
        if wake:
            with _IDLE:
                _IDLE.notify_all()

    @property
    def closed(self):
        return self._h is None

    def close(self):
        with self._lock:
            h, self._h = self._h, None  # no new calls from here on
        if h is None:
            return
        with _IDLE:  # release() notifies under _IDLE, so no wake-up is lost between check and wait
            while self._busy:
                _IDLE.wait()
        self._free(h)


class Exchange:
    """What the response, stream and errors of one request need (formats, models, tool-name map).
    Returned by Translator.translate_request; immutable and shareable between threads.
    Free it with close() (or a `with` block); the garbage collector frees it otherwise."""

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, handle):
        self._handle = _Handle(handle, lib.apx_exchange_free, "exchange")

    def _get(self, fn):
        h = self._handle.acquire()
        try:
            return fn(h)
        finally:
            self._handle.release()

    @property
    def client_model(self):
        """The model name the client asked for."""
        return (self._get(lib.apx_exchange_client_model) or b"").decode("utf-8", "replace")

    @property
    def upstream_model(self):
        """The model name sent upstream (after the configured mapping)."""
        return (self._get(lib.apx_exchange_upstream_model) or b"").decode("utf-8", "replace")

    @property
    def stream(self):
        """True when the client asked for a stream."""
        return self._get(lib.apx_exchange_stream) != 0

    @property
    def client_format(self):
        """The client's format (a Format, equal to its name)."""
        return _FORMAT_BY_CODE.get(self._get(lib.apx_exchange_client_format))

    @property
    def upstream_format(self):
        """The upstream's format."""
        return _FORMAT_BY_CODE.get(self._get(lib.apx_exchange_upstream_format))

    @property
    def input_tokens(self):
        """Estimated input tokens of the request."""
        return self._get(lib.apx_exchange_input_tokens)

    @property
    def closed(self):
        return self._handle.closed

    def close(self):
        """Frees the native exchange now (idempotent)."""
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self._handle.close()
        except Exception:
            pass

    def __repr__(self):
        if self.closed:
            return "<apxlate.Exchange closed>"
        return "<apxlate.Exchange %s %r -> %s %r>" % (
            self.client_format, self.client_model, self.upstream_format, self.upstream_model)


class RequestResult(tuple):
    """The result of translate_request: unpacks as (output, exchange); also `.output`,
    `.exchange` and `.warnings`."""

    __slots__ = ()

    def __new__(cls, output, exchange):
        return tuple.__new__(cls, (output, exchange))

    @property
    def output(self):
        return self[0]

    @property
    def exchange(self):
        return self[1]

    @property
    def warnings(self):
        return self[0].warnings


class ErrorResult(tuple):
    """The result of translate_error / build_error: unpacks as (status, body); also `.status`,
    `.body` and `.warnings`."""

    __slots__ = ()

    def __new__(cls, status, body):
        return tuple.__new__(cls, (status, body))

    @property
    def status(self):
        return self[0]

    @property
    def body(self):
        return self[1]

    @property
    def warnings(self):
        return self[1].warnings


class Translator:
    """A translator built from a configuration (dict, JSON str or bytes; None or {} for the
    defaults; see apx_translator_new in apxlate.h for the keys). Immutable and thread-safe:
    share one between threads. Free it with close() or a `with` block (the garbage collector
    frees it otherwise)."""

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, config=None):
        data = b"" if config is None else _json_bytes(config, "config")
        h = ctypes.c_void_p()
        err = ApxErrorStruct()
        status = lib.apx_translator_new(data, len(data), _byref(h), _byref(err))
        if status:
            raise _exception(status, err)
        self._handle = _Handle(h.value, lib.apx_translator_free, "translator")

    def translate_request(self, body, source, target):
        """Translates a request body from the client's format `source` to the upstream's `target`.
        Returns RequestResult: `output, exchange = ...`; `.warnings` lists what was dropped."""
        src = _format_code(source, "source", False)
        dst = _format_code(target, "target", False)
        data = _json_bytes(body, "body")
        out = ApxOutputStruct()
        ex = ctypes.c_void_p()
        err = ApxErrorStruct()
        h = self._handle.acquire()
        try:
            status = lib.apx_request_translate(h, src, dst, data, len(data), _byref(out), _byref(ex), _byref(err))
        finally:
            self._handle.release()
        if status:
            raise _exception(status, err)
        exchange = Exchange(ex.value)
        return RequestResult(_take_output(out), exchange)

    def translate_response(self, body, source=None, target=None, exchange=None):
        """Translates a non-streaming response body (upstream format `source` to client format
        `target`; with an exchange both default to the exchange's). Returns Translated bytes;
        when their `.http_status` is nonzero the upstream reported a failed generation and the
        bytes are the client's error body: send them with that status."""
        src = _format_code(source, "source", True)
        dst = _format_code(target, "target", True)
        data = _json_bytes(body, "body")
        out = ApxOutputStruct()
        err = ApxErrorStruct()
        with _Using(self._handle, exchange) as (h, eh):
            status = lib.apx_response_translate(h, eh, src, dst, data, len(data), _byref(out), _byref(err))
        if status:
            raise _exception(status, err)
        return _take_output(out)

    def translate_error(self, status, body, source=None, target=None, exchange=None):
        """Translates an upstream error (HTTP status and body, which may be anything) into the
        client's error. Returns ErrorResult: `status, body = ...`."""
        src = _format_code(source, "source", True)
        dst = _format_code(target, "target", True)
        data = _raw_bytes(body, "body") if not isinstance(body, (dict, list)) else _json_bytes(body, "body")
        out = ApxOutputStruct()
        err = ApxErrorStruct()
        with _Using(self._handle, exchange) as (h, eh):
            st = lib.apx_error_translate(h, eh, src, dst, _status_arg(status), data, len(data), _byref(out), _byref(err))
        if st:
            raise _exception(st, err)
        code = out.http_status
        return ErrorResult(code, _take_output(out))

    def count_tokens(self, body, format):
        """A local estimate of the input tokens of a request in `format`."""
        fmt = _format_code(format, "request", False)
        data = _json_bytes(body, "body")
        tokens = ctypes.c_int64()
        err = ApxErrorStruct()
        h = self._handle.acquire()
        try:
            status = lib.apx_count_tokens(h, fmt, data, len(data), _byref(tokens), _byref(err))
        finally:
            self._handle.release()
        if status:
            raise _exception(status, err)
        return tokens.value

    def request_model(self, body, format):
        """The `model` a request body in `format` names (to pick a route before translating).
        Raises JSONError / InvalidDocumentError (no `model`, or not a string) like a translation."""
        fmt = _format_code(format, "request", False)
        data = _json_bytes(body, "body")
        out = ApxOutputStruct()
        err = ApxErrorStruct()
        _need("apx_request_model")
        h = self._handle.acquire()
        try:
            status = lib.apx_request_model(h, fmt, data, len(data), _byref(out), _byref(err))
        finally:
            self._handle.release()
        if status:
            raise _exception(status, err)
        return bytes(_take_output(out)).decode("utf-8", "replace")

    def response_usage(self, body, format):
        """The Usage (token counts and model) a response body in `format` reports: give the
        upstream's body and format, for metering and logs."""
        fmt = _format_code(format, "response", False)
        data = _json_bytes(body, "body")
        u = ApxUsageStruct()
        err = ApxErrorStruct()
        _need("apx_response_usage")
        h = self._handle.acquire()
        try:
            status = lib.apx_response_usage(h, fmt, data, len(data), _byref(u), _byref(err))
        finally:
            self._handle.release()
        if status:
            raise _exception(status, err)
        return Usage._from_struct(u)

    def stream(self, exchange=None, source=None, target=None):
        """A Stream translating upstream SSE (`source`) to client SSE (`target`); with an
        exchange both default to the exchange's. The exchange may be closed afterwards."""
        src = _format_code(source, "source", True)
        dst = _format_code(target, "target", True)
        s = ctypes.c_void_p()
        err = ApxErrorStruct()
        with _Using(self._handle, exchange) as (h, eh):
            status = lib.apx_stream_new(h, eh, src, dst, _byref(s), _byref(err))
        if status:
            raise _exception(status, err)
        return Stream(s.value)

    @property
    def closed(self):
        return self._handle.closed

    def close(self):
        """Frees the native translator now, after the calls in flight (idempotent). Streams
        already made keep working."""
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self._handle.close()
        except Exception:
            pass

    def __repr__(self):
        return "<apxlate.Translator%s>" % (" closed" if self.closed else "")


def _need(name):
    if not hasattr(lib, name):
        raise NotImplementedError("this libapxlate has no " + name)


def _status_arg(status):
    if isinstance(status, bool) or not isinstance(status, int):
        raise TypeError("status must be an int, not %s" % type(status).__name__)
    if not -(2 ** 31) <= status < 2 ** 31:
        raise ArgumentError("status %d is out of range" % status)
    return status


class _Using:
    """Holds a translator handle and an optional exchange's handle for one call."""

    __slots__ = ("_t", "_e")

    def __init__(self, translator_handle, exchange):
        if exchange is not None and not isinstance(exchange, Exchange):
            raise TypeError("exchange must be an apxlate.Exchange, not %s" % type(exchange).__name__)
        self._t = translator_handle
        self._e = exchange._handle if exchange is not None else None

    def __enter__(self):
        h = self._t.acquire()
        if self._e is None:
            return h, None
        try:
            return h, self._e.acquire()
        except BaseException:
            self._t.release()
            raise

    def __exit__(self, *exc):
        if self._e is not None:
            self._e.release()
        self._t.release()


class Stream:
    """Translates one upstream SSE stream into the client's SSE stream.

        with translator.stream(exchange) as s:
            for chunk in upstream_chunks:
                send(s.feed(chunk))
            send(s.finish())

    Input may be split anywhere. After an error (or after finish()) call reset() to reuse it.
    `.warnings` lists what was dropped; it is complete after finish(). One thread at a time
    (calls are serialized)."""

    __slots__ = ("_h", "_lock", "_in", "_out", "_buf", "_pending", "_args", "_feed_out", "_err",
                 "warnings", "__weakref__")

    _BUFFER = 1 << 16

    def __init__(self, handle):
        self._h = handle
        self._lock = threading.Lock()
        self._err = ApxErrorStruct()
        # feed() uses apx_stream_translate with this reusable output window: one native call,
        # no library allocation; finish() uses apx_stream_feed, which also reports the warnings.
        self._buf = ctypes.create_string_buffer(self._BUFFER)
        self._in = ApxInStruct(None, 0, 0)
        self._out = ApxOutStruct(ctypes.addressof(self._buf), self._BUFFER, 0)
        self._pending = ctypes.c_size_t()
        addr = ctypes.addressof
        self._args = (addr(self._out), addr(self._in), 0, addr(self._pending), addr(self._err))
        self._feed_out = ApxOutputStruct()
        self.warnings = []

    def feed(self, data):
        """Feeds upstream bytes; returns the client bytes complete so far (maybe b"")."""
        data = _raw_bytes(data, "data")
        with self._lock:
            h = self._h
            if h is None:
                raise ValueError("stream is closed")
            inp, out = self._in, self._out
            inp.src = data
            inp.size = len(data)
            inp.pos = 0
            out.pos = 0
            status = _stream_translate(h, *self._args)
            if status:
                inp.src = None
                raise _exception(status, self._err)
            result = self._buf[:out.pos]
            if self._pending.value:  # more than one window: drain the rest
                parts = [result]
                while self._pending.value:
                    out.pos = 0
                    status = _stream_translate(h, *self._args)
                    if status:
                        raise _exception(status, self._err)
                    parts.append(self._buf[:out.pos])
                result = b"".join(parts)
            inp.src = None
            return result

    def finish(self):
        """The upstream ended: returns the bytes that close the client stream well-formed."""
        with self._lock:
            return self._drain(self._live(), 1)

    def _live(self):
        h = self._h
        if h is None:
            raise ValueError("stream is closed")
        return h

    def _drain(self, h, end):
        """apx_stream_feed without input: every pending client byte (and the warnings)."""
        out = self._feed_out
        status = lib.apx_stream_feed(h, None, 0, end, _byref(out), _byref(self._err))
        if status:
            raise _exception(status, self._err)
        try:
            n = out.len
            result = _string_at(out.data, n) if n else b""
            if out.warnings_len:
                self.warnings.extend(_warnings(out))
        finally:
            lib.apx_output_free(_byref(out))
        return result

    def fail(self, status, message):
        """The host gives up on the upstream (it broke, timed out, or feed() raised): returns the
        bytes that end the client stream with an error in its format (Anthropic `error` event,
        Chat error chunk, Responses `error` + `response.failed`), after anything still pending.
        `status` picks the error kind (502 upstream broken, 504 timeout, ...). Works in any state;
        a stream that already ended gets b""."""
        message = _raw_bytes(message, "message")
        with self._lock:
            h = self._live()
            if not hasattr(lib, "apx_stream_fail"):
                raise NotImplementedError("this libapxlate has no apx_stream_fail")
            status = lib.apx_stream_fail(h, int(status), message, len(message), _byref(self._err))
            if status:
                raise _exception(status, self._err)
            return self._drain(h, 0)

    @property
    def usage(self):
        """The Usage the upstream reported on this stream so far (complete after finish(); counts
        are None until reported)."""
        with self._lock:
            h = self._live()
            _need("apx_stream_usage")
            u = ApxUsageStruct()
            status = lib.apx_stream_usage(h, _byref(u), _byref(self._err))
            if status:
                raise _exception(status, self._err)
            return Usage._from_struct(u)

    def translate(self, chunks):
        """Yields the translation of each chunk of an iterable, then that of the end."""
        for chunk in chunks:
            out = self.feed(chunk)
            if out:
                yield out
        out = self.finish()
        if out:
            yield out

    def reset(self):
        """Back to the state right after creation (also clears an error and the warnings)."""
        with self._lock:
            if self._h is None:
                raise ValueError("stream is closed")
            lib.apx_stream_reset(self._h)
            self.warnings = []

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Frees the native stream (idempotent)."""
        with self._lock:
            h, self._h = self._h, None
        if h is not None:
            lib.apx_stream_free(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "<apxlate.Stream%s>" % (" closed" if self.closed else "")


_stream_translate = _native.stream_translate_addr


def build_error(format, status, message):
    """An error body in `format` for a failure outside any upstream (the proxy's own 400, 502,
    ...). Returns ErrorResult (status, body)."""
    fmt = _format_code(format, "error", False)
    msg = message.encode("utf-8") if isinstance(message, str) else _raw_bytes(message, "message")
    out = ApxOutputStruct()
    err = ApxErrorStruct()
    st = lib.apx_error_build(fmt, _status_arg(status), msg, len(msg), _byref(out), _byref(err))
    if st:
        raise _exception(st, err)
    code = out.http_status
    return ErrorResult(code, _take_output(out))
