package apxlate

// The cgo glue. Where the header and library are found: cgo_flags.go (the checkout's build, then
// /usr/local) or, with `-tags apxlate_pkgconfig`, cgo_pkgconfig.go (pkg-config's apxlate.pc).

/*
#include <stdlib.h>
#include "apxlate.h"

// apx_stream_translate with its windows built on the C stack, so that Go never stores a Go
// pointer in memory that C keeps: dst and src are Go buffers that C only sees during the call.
apx_status apxgo_stream_translate(apx_stream *s, uint8_t *dst, size_t dst_size, size_t *dst_pos,
                                  const uint8_t *src, size_t src_size, size_t *src_pos,
                                  apx_stream_op op, size_t *pending, apx_error *error) {
	apx_out out = { dst, dst_size, *dst_pos };
	apx_in in = { src, src_size, *src_pos };
	apx_status st = apx_stream_translate(s, &out, &in, op, pending, error);
	*dst_pos = out.pos;
	*src_pos = in.pos;
	return st;
}
*/
import "C"

import (
	"strings"
	"unsafe"
)

// bytesPtr is the address of b's first byte for the duration of a cgo call, or nil when empty.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// takeOutput copies a library output into Go memory and frees it.
func takeOutput(o *C.apx_output) Output {
	out := Output{HTTPStatus: int(o.http_status)}
	if o.len > 0 && o.data != nil {
		out.Body = append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(o.data)), int(o.len))...)
	} else {
		out.Body = []byte{}
	}
	if o.warnings_len > 0 && o.warnings != nil {
		w := string(unsafe.Slice((*byte)(unsafe.Pointer(o.warnings)), int(o.warnings_len)))
		out.Warnings = strings.Split(w, "\n")
	}
	C.apx_output_free(o)
	return out
}

// errorFrom converts a failed call's status and details into an *Error.
func errorFrom(st C.apx_status, e *C.apx_error) error {
	return &Error{
		Code:    Code(st),
		Message: C.GoString(&e.message[0]),
		Path:    C.GoString(&e.path[0]),
		Offset:  int64(e.offset),
	}
}
