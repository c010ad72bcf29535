package apxlate

/*
#include "apxlate.h"
*/
import "C"

import (
	"runtime"
	"sync"
)

// Translator is an immutable translator built from a configuration. It is safe for concurrent
// use by any number of goroutines. Close frees it; calls after Close fail with CodeClosed.
type Translator struct {
	mu sync.RWMutex // read-held during calls, so that Close never frees a handle in use
	p  *C.apx_translator
}

// NewTranslator builds a translator from a JSON configuration (nil or "{}" for the defaults;
// keys are described in apxlate.h: "models" for the model map, "upstream" and "client" quirks).
func NewTranslator(config []byte) (*Translator, error) {
	if err := checkABI(); err != nil {
		return nil, err
	}
	var e C.apx_error
	var p *C.apx_translator
	if st := C.apx_translator_new(bytesPtr(config), C.size_t(len(config)), &p, &e); st != C.APX_OK {
		return nil, errorFrom(st, &e)
	}
	t := &Translator{p: p}
	runtime.SetFinalizer(t, (*Translator).Close)
	return t, nil
}

// Close frees the translator. Exchanges and streams made from it stay valid. Idempotent.
func (t *Translator) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.p != nil {
		C.apx_translator_free(t.p)
		t.p = nil
		runtime.SetFinalizer(t, nil)
	}
	return nil
}

// TranslateRequest translates a client request body from one format to another. The Exchange
// it returns carries what the response, stream and errors of this request need; Close it when
// the exchange is over. from == to is a passthrough that only maps the model name.
func (t *Translator) TranslateRequest(from, to Format, body []byte) (Output, *Exchange, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return Output{}, nil, errClosed("Translator")
	}
	var e C.apx_error
	var o C.apx_output
	var x *C.apx_exchange
	st := C.apx_request_translate(t.p, C.apx_format(from), C.apx_format(to), bytesPtr(body), C.size_t(len(body)), &o, &x, &e)
	if st != C.APX_OK {
		return Output{}, nil, errorFrom(st, &e)
	}
	return takeOutput(&o), newExchange(x), nil
}

// TranslateResponse translates a non-streaming upstream response body to the client's format.
// With an exchange, from and to may be FormatNone (taken from it) and the client's model name
// and tool names are restored; without one (nil), both formats are required.
func (t *Translator) TranslateResponse(ex *Exchange, from, to Format, body []byte) (Output, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return Output{}, errClosed("Translator")
	}
	xp, unlock, err := ex.use()
	if err != nil {
		return Output{}, err
	}
	defer unlock()
	var e C.apx_error
	var o C.apx_output
	st := C.apx_response_translate(t.p, xp, C.apx_format(from), C.apx_format(to), bytesPtr(body), C.size_t(len(body)), &o, &e)
	if st != C.APX_OK {
		return Output{}, errorFrom(st, &e)
	}
	return takeOutput(&o), nil
}

// TranslateError translates an upstream error (its HTTP status and body, which may be anything,
// even empty or not JSON) into the client's error body; Output.HTTPStatus is the client's status.
// Formats as for TranslateResponse.
func (t *Translator) TranslateError(ex *Exchange, from, to Format, status int, body []byte) (Output, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return Output{}, errClosed("Translator")
	}
	xp, unlock, err := ex.use()
	if err != nil {
		return Output{}, err
	}
	defer unlock()
	var e C.apx_error
	var o C.apx_output
	st := C.apx_error_translate(t.p, xp, C.apx_format(from), C.apx_format(to), C.int32_t(clampStatus(status)), bytesPtr(body), C.size_t(len(body)), &o, &e)
	if st != C.APX_OK {
		return Output{}, errorFrom(st, &e)
	}
	return takeOutput(&o), nil
}

// CountTokens is a local estimate of the input tokens of a request in format (about 4 bytes a token).
func (t *Translator) CountTokens(format Format, body []byte) (int64, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.p == nil {
		return 0, errClosed("Translator")
	}
	var e C.apx_error
	var n C.int64_t
	if st := C.apx_count_tokens(t.p, C.apx_format(format), bytesPtr(body), C.size_t(len(body)), &n, &e); st != C.APX_OK {
		return 0, errorFrom(st, &e)
	}
	return int64(n), nil
}

// BuildError builds an error body in format for a failure outside any upstream (a proxy's own
// 400, 502, 504, ...). Output.HTTPStatus is status.
func BuildError(format Format, status int, message string) (Output, error) {
	m := []byte(message)
	var e C.apx_error
	var o C.apx_output
	if st := C.apx_error_build(C.apx_format(format), C.int32_t(clampStatus(status)), bytesPtr(m), C.size_t(len(m)), &o, &e); st != C.APX_OK {
		return Output{}, errorFrom(st, &e)
	}
	return takeOutput(&o), nil
}

// clampStatus keeps an int status within int32 (real HTTP statuses are 100..599).
func clampStatus(s int) int32 {
	if s < 0 {
		return 0
	}
	if s > 999 {
		return 999
	}
	return int32(s)
}
