"""Loading libapxlate and declaring its C functions (include/apxlate.h) for ctypes.

The library is looked up, in order:
  1. the path in the environment variable APXLATE_LIBRARY (when set, only there),
  2. libapxlate.so next to this package (apxlate/libapxlate.so),
  3. the system search path (ctypes.util.find_library("apxlate"), then "libapxlate.so").
"""

import ctypes
import ctypes.util
import os
import sys

#: The ABI version this binding was written for (APX_ABI_VERSION in apxlate.h).
ABI_VERSION = 1

#: apx_stream_translate taking addresses (ints) for its pointers; set by load().
stream_translate_addr = None

_LIB_NAME = "libapxlate.dylib" if sys.platform == "darwin" else "libapxlate.so"


class ApxErrorStruct(ctypes.Structure):
    """struct apx_error"""

    _fields_ = [
        ("code", ctypes.c_int32),
        ("offset", ctypes.c_int64),
        ("message", ctypes.c_char * 512),
        ("path", ctypes.c_char * 256),
    ]


class ApxOutputStruct(ctypes.Structure):
    """struct apx_output (pointers kept as integers so ctypes never copies them implicitly)"""

    _fields_ = [
        ("data", ctypes.c_void_p),
        ("len", ctypes.c_size_t),
        ("warnings", ctypes.c_void_p),
        ("warnings_len", ctypes.c_size_t),
        ("http_status", ctypes.c_int32),
    ]


class ApxInStruct(ctypes.Structure):
    """struct apx_in (src is a c_char_p: assigning bytes keeps them alive in the struct)"""

    _fields_ = [("src", ctypes.c_char_p), ("size", ctypes.c_size_t), ("pos", ctypes.c_size_t)]


class ApxOutStruct(ctypes.Structure):
    """struct apx_out"""

    _fields_ = [("dst", ctypes.c_void_p), ("size", ctypes.c_size_t), ("pos", ctypes.c_size_t)]


def _candidates():
    env = os.environ.get("APXLATE_LIBRARY")
    if env:
        return [env], True
    found = []
    beside = os.path.join(os.path.dirname(os.path.abspath(__file__)), _LIB_NAME)
    if os.path.exists(beside):
        found.append(beside)
    system = ctypes.util.find_library("apxlate")
    if system:
        found.append(system)
    found.append(_LIB_NAME)
    return found, False


def _open():
    paths, explicit = _candidates()
    failures = []
    for path in paths:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            failures.append("%s: %s" % (path, e))
    hint = (
        "apxlate: cannot load the native library %s.\n  tried: %s\n"
        "Build it with `make lib` (build/lib/%s), then either set APXLATE_LIBRARY to its path, "
        "copy it into the installed package directory (%s), or install it on the system library path."
        % (_LIB_NAME, "\n         ".join(failures), _LIB_NAME, os.path.dirname(os.path.abspath(__file__)))
    )
    if explicit:
        hint = "apxlate: APXLATE_LIBRARY is set but cannot be loaded.\n  " + "\n  ".join(failures)
    raise ImportError(hint)


def _declare(lib):
    c = ctypes
    P = c.c_void_p  # opaque handles
    ERR = c.POINTER(ApxErrorStruct)
    OUT = c.POINTER(ApxOutputStruct)
    sigs = {
        "apx_version_string": (c.c_char_p, []),
        "apx_abi_version": (c.c_uint32, []),
        "apx_status_str": (c.c_char_p, [c.c_int32]),
        "apx_format_from_name": (c.c_int32, [c.c_char_p, c.c_size_t]),
        "apx_format_name": (c.c_char_p, [c.c_int32]),
        "apx_output_free": (None, [OUT]),
        "apx_translator_new": (c.c_int32, [c.c_char_p, c.c_size_t, c.POINTER(P), ERR]),
        "apx_translator_free": (None, [P]),
        "apx_exchange_free": (None, [P]),
        "apx_exchange_client_format": (c.c_int32, [P]),
        "apx_exchange_upstream_format": (c.c_int32, [P]),
        "apx_exchange_stream": (c.c_int32, [P]),
        "apx_exchange_client_model": (c.c_char_p, [P]),
        "apx_exchange_upstream_model": (c.c_char_p, [P]),
        "apx_exchange_input_tokens": (c.c_int64, [P]),
        "apx_request_translate": (
            c.c_int32,
            [P, c.c_int32, c.c_int32, c.c_char_p, c.c_size_t, OUT, c.POINTER(P), ERR],
        ),
        "apx_response_translate": (
            c.c_int32,
            [P, P, c.c_int32, c.c_int32, c.c_char_p, c.c_size_t, OUT, ERR],
        ),
        "apx_error_translate": (
            c.c_int32,
            [P, P, c.c_int32, c.c_int32, c.c_int32, c.c_char_p, c.c_size_t, OUT, ERR],
        ),
        "apx_error_build": (c.c_int32, [c.c_int32, c.c_int32, c.c_char_p, c.c_size_t, OUT, ERR]),
        "apx_count_tokens": (
            c.c_int32,
            [P, c.c_int32, c.c_char_p, c.c_size_t, c.POINTER(c.c_int64), ERR],
        ),
        "apx_stream_new": (c.c_int32, [P, P, c.c_int32, c.c_int32, c.POINTER(P), ERR]),
        "apx_stream_free": (None, [P]),
        "apx_stream_reset": (None, [P]),
        "apx_stream_feed": (c.c_int32, [P, c.c_char_p, c.c_size_t, c.c_int32, OUT, ERR]),
        "apx_stream_translate": (
            c.c_int32,
            [P, c.POINTER(ApxOutStruct), c.POINTER(ApxInStruct), c.c_int32, c.POINTER(c.c_size_t), ERR],
        ),
    }
    # Added after 0.1.0 (compatible): declared when the library has it.
    if hasattr(lib, "apx_stream_fail"):
        sigs["apx_stream_fail"] = (c.c_int32, [P, c.c_int32, c.c_char_p, c.c_size_t, ERR])
    from ._usage import declare as _declare_usage
    _declare_usage(lib, sigs, P, ERR, OUT)
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    # The stream hot path passes plain addresses (about 0.6 us a call cheaper than POINTER args).
    global stream_translate_addr
    stream_translate_addr = c.CFUNCTYPE(c.c_int32, P, P, P, c.c_int32, P, P)(("apx_stream_translate", lib))


def load():
    """Loads the library, checks its ABI version and declares its functions. Raises ImportError."""
    lib, path = _open()
    try:
        abi = lib.apx_abi_version
    except AttributeError:
        raise ImportError("apxlate: %s is not libapxlate (no apx_abi_version symbol)" % path) from None
    abi.restype = ctypes.c_uint32
    abi.argtypes = []
    found = abi()
    if found != ABI_VERSION:
        raise ImportError(
            "apxlate: %s has ABI version %d but this binding needs ABI version %d; "
            "install a matching libapxlate and apxlate Python package" % (path, found, ABI_VERSION)
        )
    try:
        _declare(lib)
    except AttributeError as e:
        raise ImportError("apxlate: %s lacks a function of ABI %d: %s" % (path, ABI_VERSION, e)) from None
    return lib, path


lib, library_path = load()
