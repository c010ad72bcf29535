"""apxlate: translate between the Anthropic Messages API and OpenAI-compatible APIs (Chat
Completions and Responses): requests, responses, errors and SSE streams, in-process, through
libapxlate (ctypes; no compiler needed).

    import apxlate
    t = apxlate.Translator({"models": {"default": "gpt-4o"}})
    body, exchange = t.translate_request(request, "anthropic", "openai-chat")
    client_body = t.translate_response(upstream_body, exchange=exchange)
    with t.stream(exchange) as s:
        for chunk in upstream_chunks:
            send(s.feed(chunk))
        send(s.finish())

The native library is found through the environment variable APXLATE_LIBRARY, then
apxlate/libapxlate.so beside this file, then the system library path.
"""

from ._native import ABI_VERSION, lib as _lib, library_path
from ._translator import (
    ErrorResult,
    Exchange,
    Format,
    RequestResult,
    Stream,
    Translated,
    Translator,
    build_error,
)
from ._usage import Usage
from .errors import (
    ApxError,
    ArgumentError,
    ConfigError,
    InternalError,
    InvalidDocumentError,
    InvalidRequestError,
    JSONError,
    LimitError,
    OutOfMemoryError,
    StreamError,
    StreamStateError,
    UnsupportedError,
)

__version__ = "0.1.0"

#: The version of the loaded libapxlate, e.g. "0.1.0".
library_version = _lib.apx_version_string().decode("ascii", "replace")


def abi_version():
    """The ABI version of the loaded library (equal to ABI_VERSION, or the import failed)."""
    return _lib.apx_abi_version()


__all__ = [
    "ABI_VERSION", "abi_version", "library_path", "library_version",
    "Translator", "Exchange", "Stream", "Format", "RequestResult", "ErrorResult", "Translated",
    "build_error", "Usage",
    "ApxError", "ArgumentError", "JSONError", "InvalidRequestError", "InvalidDocumentError",
    "UnsupportedError", "ConfigError", "LimitError", "StreamError", "StreamStateError",
    "OutOfMemoryError", "InternalError",
]
