package apxlate

/*
#include "apxlate.h"

apx_status apxgo_stream_translate(apx_stream *s, uint8_t *dst, size_t dst_size, size_t *dst_pos,
                                  const uint8_t *src, size_t src_size, size_t *src_pos,
                                  apx_stream_op op, size_t *pending, apx_error *error);
*/
import "C"

import (
	"io"
	"runtime"
)

// streamBufSize is the Go output window handed to the library per call; translated bytes that do
// not fit stay pending in the library and are drained by the next call in the same Write.
const streamBufSize = 32 << 10

// Stream translates an upstream SSE stream into the client's SSE stream, shaped like Go's
// streaming writers (compress/gzip): Write upstream bytes in any pieces (split anywhere), and
// the translated client bytes are written to the destination as soon as an event is complete;
// Flush also flushes the destination; Close ends the client stream well-formed and frees the
// stream. A Stream is used by one goroutine at a time. After an error every call returns it.
type Stream struct {
	p    *C.apx_stream
	dst  io.Writer
	buf  []byte
	call *streamCall
	err  error
	// final is the usage when the stream was freed (Usage after Close).
	final *Usage
}

// streamCall holds the out-parameters of one library call; it contains no Go pointers, so its
// fields may be passed to C (each only for the duration of the call).
type streamCall struct {
	dstPos, srcPos, pending C.size_t
	e                       C.apx_error
}

// NewStream starts a stream translation that writes client bytes to dst. With an exchange (from
// TranslateRequest) from and to may be FormatNone; the exchange's data is copied, so the exchange
// may be closed while the stream goes on. Without one (nil), from (the upstream's format) and to
// (the client's) are required.
func (t *Translator) NewStream(ex *Exchange, from, to Format, dst io.Writer) (*Stream, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return nil, errClosed("Translator")
	}
	xp, unlock, err := ex.use()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var e C.apx_error
	var p *C.apx_stream
	if st := C.apx_stream_new(t.p, xp, C.apx_format(from), C.apx_format(to), &p, &e); st != C.APX_OK {
		return nil, errorFrom(st, &e)
	}
	s := &Stream{p: p, dst: dst, buf: make([]byte, streamBufSize), call: new(streamCall)}
	runtime.SetFinalizer(s, (*Stream).free)
	return s, nil
}

// Write feeds upstream bytes and writes every complete translated event to the destination.
// It returns len(p) once the library has taken p, even when an error follows.
func (s *Stream) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.p == nil {
		return 0, errClosed("Stream")
	}
	s.err = s.run(p, C.APX_STREAM_CONTINUE)
	if s.err != nil && s.call.srcPos < C.size_t(len(p)) {
		return int(s.call.srcPos), s.err
	}
	return len(p), s.err
}

// Flush writes everything complete (an incomplete event stays buffered) and then flushes the
// destination when it has a Flush method (http.Flusher, bufio.Writer).
func (s *Stream) Flush() error {
	if s.err != nil {
		return s.err
	}
	if s.p == nil {
		return errClosed("Stream")
	}
	if s.err = s.run(nil, C.APX_STREAM_FLUSH); s.err != nil {
		return s.err
	}
	return s.flushDst()
}

// ReadFrom copies an upstream body into the stream until EOF (io.Copy(stream, resp.Body) uses
// it), flushing the destination after each read so that every complete event reaches an
// http.ResponseWriter at once. It does not Close the stream.
func (s *Stream) ReadFrom(r io.Reader) (int64, error) {
	var n int64
	buf := make([]byte, streamBufSize)
	for {
		m, rerr := r.Read(buf)
		if m > 0 {
			n += int64(m)
			if _, err := s.Write(buf[:m]); err != nil {
				return n, err
			}
			if err := s.flushDst(); err != nil {
				return n, err
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// flushDst flushes the destination when it can be flushed.
func (s *Stream) flushDst() error {
	switch f := s.dst.(type) {
	case interface{ Flush() error }:
		s.err = f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return s.err
}

// Close ends the upstream stream: the client stream is closed well-formed (final events written
// to the destination), then the stream's library object is freed. The destination is not closed.
// It returns the first error the stream met. Calling Close again returns the same.
func (s *Stream) Close() error {
	if s.p == nil {
		return s.err
	}
	if s.err == nil {
		s.err = s.run(nil, C.APX_STREAM_END)
	}
	s.free()
	return s.err
}

// Reset makes the stream new again (clearing any error), writing to dst from now on.
// It does not reopen a closed stream.
func (s *Stream) Reset(dst io.Writer) {
	if s.p == nil {
		return
	}
	C.apx_stream_reset(s.p)
	s.dst = dst
	s.err = nil
}

// Fail ends the client stream with an error in the client's format (Anthropic `error` event,
// Chat error chunk, Responses `error` then `response.failed`), written to the destination after
// anything still pending: for when the upstream broke, timed out, or Write returned an error.
// status picks the error kind (502 upstream broken, 504 timeout, ...). Afterwards the stream
// takes no more input; Close only frees it.
func (s *Stream) Fail(status int, message string) error {
	if s.p == nil {
		return errClosed("Stream")
	}
	msg := []byte(message)
	var e C.apx_error
	if st := C.apx_stream_fail(s.p, C.int32_t(status), bytesPtr(msg), C.size_t(len(msg)), &e); st != C.APX_OK {
		return errorFrom(st, &e)
	}
	runtime.KeepAlive(msg)
	s.err = s.run(nil, C.APX_STREAM_CONTINUE)
	if s.err == nil {
		s.err = s.flushDst()
	}
	return s.err
}

func (s *Stream) free() error {
	if s.p != nil {
		if u, err := s.Usage(); err == nil {
			s.final = &u
		}
		C.apx_stream_free(s.p)
		s.p = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// run passes input through the library until it is consumed and nothing is pending, writing
// output to the destination after each call. Only Go buffers cross, and only per call.
func (s *Stream) run(in []byte, op C.apx_stream_op) error {
	c := s.call
	c.srcPos = 0
	for {
		c.dstPos, c.pending = 0, 0
		before := c.srcPos
		st := C.apxgo_stream_translate(s.p, bytesPtr(s.buf), C.size_t(len(s.buf)), &c.dstPos,
			bytesPtr(in), C.size_t(len(in)), &c.srcPos, op, &c.pending, &c.e)
		if st != C.APX_OK {
			return errorFrom(st, &c.e)
		}
		if c.dstPos > 0 {
			if _, err := s.dst.Write(s.buf[:c.dstPos]); err != nil {
				return err
			}
		}
		if c.pending == 0 && c.srcPos >= C.size_t(len(in)) {
			return nil
		}
		if c.dstPos == 0 && c.srcPos == before {
			return &Error{Code: CodeInternal, Message: "stream made no progress", Offset: -1}
		}
	}
}
