package apxlate

/*
#include "apxlate.h"
*/
import "C"

import (
	"runtime"
	"sync"
)

// Exchange is what a translated request's response, stream and errors need: the client's model
// name, the tool-name map, the formats, whether the client asked for a stream. It is immutable
// and may be shared by goroutines. Close frees it (streams made from it keep their own copy).
type Exchange struct {
	mu sync.RWMutex
	p  *C.apx_exchange
}

func newExchange(p *C.apx_exchange) *Exchange {
	if p == nil {
		return nil
	}
	x := &Exchange{p: p}
	runtime.SetFinalizer(x, (*Exchange).Close)
	return x
}

// Close frees the exchange. Idempotent; a nil *Exchange is fine.
func (x *Exchange) Close() error {
	if x == nil {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.p != nil {
		C.apx_exchange_free(x.p)
		x.p = nil
		runtime.SetFinalizer(x, nil)
	}
	return nil
}

// use returns the C handle (nil for a nil exchange) read-locked until unlock is called.
func (x *Exchange) use() (*C.apx_exchange, func(), error) {
	if x == nil {
		return nil, func() {}, nil
	}
	x.mu.RLock()
	if x.p == nil {
		x.mu.RUnlock()
		return nil, nil, errClosed("Exchange")
	}
	return x.p, x.mu.RUnlock, nil
}

// ClientFormat is the client's format (the request's from); FormatNone after Close.
func (x *Exchange) ClientFormat() Format {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return FormatNone
	}
	defer unlock()
	return Format(C.apx_exchange_client_format(p))
}

// UpstreamFormat is the upstream's format (the request's to); FormatNone after Close.
func (x *Exchange) UpstreamFormat() Format {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return FormatNone
	}
	defer unlock()
	return Format(C.apx_exchange_upstream_format(p))
}

// Stream reports whether the client asked for a streaming response.
func (x *Exchange) Stream() bool {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return false
	}
	defer unlock()
	return C.apx_exchange_stream(p) != 0
}

// ClientModel is the model name the client asked for.
func (x *Exchange) ClientModel() string {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return ""
	}
	defer unlock()
	return C.GoString(C.apx_exchange_client_model(p))
}

// UpstreamModel is the model name sent upstream (after the configured mapping).
func (x *Exchange) UpstreamModel() string {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return ""
	}
	defer unlock()
	return C.GoString(C.apx_exchange_upstream_model(p))
}

// InputTokens is the estimated input tokens of the request.
func (x *Exchange) InputTokens() int64 {
	p, unlock, err := x.use()
	if err != nil || p == nil {
		return 0
	}
	defer unlock()
	return int64(C.apx_exchange_input_tokens(p))
}
