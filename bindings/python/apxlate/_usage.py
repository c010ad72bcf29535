"""apx_usage: the token usage and model an upstream reported (apx_response_usage,
apx_stream_usage)."""

import collections
import ctypes


class ApxUsageStruct(ctypes.Structure):
    """struct apx_usage"""

    _fields_ = [
        ("input_tokens", ctypes.c_int64),
        ("output_tokens", ctypes.c_int64),
        ("cache_read_tokens", ctypes.c_int64),
        ("cache_write_tokens", ctypes.c_int64),
        ("reasoning_tokens", ctypes.c_int64),
        ("model", ctypes.c_char * 256),
    ]


class Usage(collections.namedtuple(
        "Usage", "input_tokens output_tokens cache_read_tokens cache_write_tokens reasoning_tokens model")):
    """What the upstream reported: token counts (None where it said nothing; input_tokens is the
    whole prompt, cached tokens included; output_tokens includes reasoning_tokens) and the model
    it named (None when none)."""

    __slots__ = ()

    @classmethod
    def _from_struct(cls, u):
        def known(n):
            return None if n < 0 else n
        model = u.model.decode("utf-8", "replace")
        return cls(known(u.input_tokens), known(u.output_tokens), known(u.cache_read_tokens),
                   known(u.cache_write_tokens), known(u.reasoning_tokens), model or None)


def declare(lib, sigs, P, ERR, OUT):
    """Adds the signatures of the usage/model functions (added after 0.1.0: only when present)."""
    c = ctypes
    if hasattr(lib, "apx_request_model"):
        sigs["apx_request_model"] = (c.c_int32, [P, c.c_int32, c.c_char_p, c.c_size_t, OUT, ERR])
        sigs["apx_response_usage"] = (
            c.c_int32, [P, c.c_int32, c.c_char_p, c.c_size_t, c.POINTER(ApxUsageStruct), ERR])
        sigs["apx_stream_usage"] = (c.c_int32, [P, c.POINTER(ApxUsageStruct), ERR])
