package apxlate

/*
#include "apxlate.h"
*/
import "C"

import "unsafe"

// Usage is the token usage and model an upstream reported (apx_usage). A count is -1 when the
// upstream said nothing about it; InputTokens is the whole prompt, cached tokens included;
// OutputTokens includes ReasoningTokens. Counts saturate at 2^48.
type Usage struct {
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
	ReasoningTokens  int64
	// Model is the model the upstream named in its answer ("" when none).
	Model string
}

func usageFrom(u *C.apx_usage) Usage {
	return Usage{
		InputTokens:      int64(u.input_tokens),
		OutputTokens:     int64(u.output_tokens),
		CacheReadTokens:  int64(u.cache_read_tokens),
		CacheWriteTokens: int64(u.cache_write_tokens),
		ReasoningTokens:  int64(u.reasoning_tokens),
		Model:            C.GoString((*C.char)(unsafe.Pointer(&u.model[0]))),
	}
}

// RequestModel is the model a request body in format names, read by the library (to choose a
// route before translating). A body that is not JSON, not an object, or without a string
// `model` is an *Error saying where (CodeJSON with the offset, CodeInvalid with path "model").
func (t *Translator) RequestModel(format Format, body []byte) (string, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return "", errClosed("Translator")
	}
	var e C.apx_error
	var o C.apx_output
	if st := C.apx_request_model(t.p, C.apx_format(format), bytesPtr(body), C.size_t(len(body)), &o, &e); st != C.APX_OK {
		return "", errorFrom(st, &e)
	}
	return string(takeOutput(&o).Body), nil
}

// ResponseUsage is the usage and model a one-shot response body in format reports: give the
// upstream's body and format (for metering and logs).
func (t *Translator) ResponseUsage(format Format, body []byte) (Usage, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return Usage{}, errClosed("Translator")
	}
	var e C.apx_error
	var u C.apx_usage
	if st := C.apx_response_usage(t.p, C.apx_format(format), bytesPtr(body), C.size_t(len(body)), &u, &e); st != C.APX_OK {
		return Usage{}, errorFrom(st, &e)
	}
	return usageFrom(&u), nil
}

// Usage is the usage and model the upstream reported on this stream so far (complete once the
// stream ended). After Close it is the usage at the close.
func (s *Stream) Usage() (Usage, error) {
	if s.p == nil {
		if s.final != nil {
			return *s.final, nil
		}
		return Usage{}, errClosed("Stream")
	}
	var e C.apx_error
	var u C.apx_usage
	if st := C.apx_stream_usage(s.p, &u, &e); st != C.APX_OK {
		return Usage{}, errorFrom(st, &e)
	}
	return usageFrom(&u), nil
}
