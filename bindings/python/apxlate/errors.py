"""Exceptions raised by apxlate: one class per status code of include/apxlate.h."""

from typing import Optional


class ApxError(Exception):
    """A failure reported by libapxlate.

    Attributes:
        status:  the apx_status code (int, e.g. 2 for invalid JSON)
        message: the library's message
        path:    JSON path of the offending value ("messages[3].content[1]"), "" when not applicable
        offset:  byte offset into the input where the problem was found, or None
    """

    status: int = -1

    def __init__(self, message: str, status: Optional[int] = None, path: str = "",
                 offset: Optional[int] = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.path = path
        self.offset = offset

    def __repr__(self):
        return "%s(%r, status=%d, path=%r, offset=%r)" % (
            type(self).__name__, self.message, self.status, self.path, self.offset)


class ArgumentError(ApxError, ValueError):
    """APX_ERR_ARGUMENT: a bad argument (unknown format, formats not those of the exchange, ...)."""
    status = 1


class JSONError(ApxError, ValueError):
    """APX_ERR_JSON: the input is not valid JSON; `offset` says where."""
    status = 2


class InvalidRequestError(ApxError, ValueError):
    """APX_ERR_INVALID: valid JSON but not a valid document of the format; `path` says where.
    Also raised for invalid responses (alias InvalidDocumentError)."""
    status = 3


InvalidDocumentError = InvalidRequestError


class UnsupportedError(ApxError):
    """APX_ERR_UNSUPPORTED: the input says something the target format cannot express."""
    status = 4


class ConfigError(ApxError, ValueError):
    """APX_ERR_CONFIG: the translator configuration is invalid."""
    status = 5


class LimitError(ApxError):
    """APX_ERR_LIMIT: nesting depth or size limit exceeded."""
    status = 6


class StreamError(ApxError):
    """APX_ERR_STREAM: malformed upstream stream (bad SSE or event sequence)."""
    status = 7


class StreamStateError(ApxError):
    """APX_ERR_STATE: the stream was used after an error or after its end without reset()."""
    status = 8


class OutOfMemoryError(ApxError, MemoryError):
    """APX_ERR_NOMEM: an allocation failed."""
    status = 9


class InternalError(ApxError):
    """APX_ERR_INTERNAL: a bug in apxlate; please report it."""
    status = 10


_BY_STATUS = {cls.status: cls for cls in (
    ArgumentError, JSONError, InvalidRequestError, UnsupportedError, ConfigError, LimitError,
    StreamError, StreamStateError, OutOfMemoryError, InternalError)}


def error_for_status(status: int, message: str, path: str = "", offset: Optional[int] = None) -> ApxError:
    """The exception instance for a status code (ApxError for a code this binding does not know)."""
    cls = _BY_STATUS.get(status, ApxError)
    return cls(message, status=status, path=path, offset=offset)
