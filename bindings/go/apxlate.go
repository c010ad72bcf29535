// Package apxlate translates between the Anthropic Messages API and OpenAI-compatible APIs
// (Chat Completions and Responses) in-process: requests, responses, errors and SSE streams.
//
// It is a thin cgo layer over the C ABI of libapxlate.so (include/apxlate.h). A Translator is
// built once from a JSON configuration and shared by any number of goroutines. Translating a
// request gives an Exchange, which the response, stream and errors of that request use to
// restore the client's model name and tool names. A Stream is an io.WriteCloser: write upstream
// SSE bytes into it, and it writes client SSE bytes to its destination.
//
// Handles (Translator, Exchange, Stream) hold C memory: Close them when done. A finaliser frees
// a forgotten handle when the garbage collector finds it unreachable, as a safety net only.
package apxlate

/*
#include "apxlate.h"
*/
import "C"

import (
	"fmt"
	"sync"
)

// Format is a wire format.
type Format int32

const (
	// FormatNone means "take it from the Exchange" where one is given.
	FormatNone      Format = 0
	Anthropic       Format = 1 // "anthropic": the Messages API
	OpenAIChat      Format = 2 // "openai-chat": Chat Completions
	OpenAIResponses Format = 3 // "openai-responses": the Responses API
)

// ParseFormat returns the format named "anthropic", "openai-chat" or "openai-responses".
func ParseFormat(name string) (Format, error) {
	b := []byte(name)
	f := Format(C.apx_format_from_name(bytesPtr(b), C.size_t(len(b))))
	if f == FormatNone {
		return FormatNone, fmt.Errorf("apxlate: unknown format %q (want anthropic, openai-chat or openai-responses)", name)
	}
	return f, nil
}

// String is the format's name ("anthropic", ...), or "" for FormatNone and unknown values.
func (f Format) String() string { return C.GoString(C.apx_format_name(C.apx_format(f))) }

// Version is the library's version string, e.g. "0.1.0".
func Version() string { return C.GoString(C.apx_version_string()) }

// ABIVersion is the library's ABI version; HeaderABIVersion the one this package was compiled with.
func ABIVersion() uint32 { return uint32(C.apx_abi_version()) }

// HeaderABIVersion is APX_ABI_VERSION of the header this package was built against.
const HeaderABIVersion = C.APX_ABI_VERSION

var (
	abiOnce sync.Once
	abiErr  error
)

// checkABI fails when the loaded library does not implement the header this package was built with.
func checkABI() error {
	abiOnce.Do(func() {
		if lib := ABIVersion(); lib != HeaderABIVersion {
			abiErr = fmt.Errorf("apxlate: libapxlate.so has ABI version %d, this package was built for %d", lib, HeaderABIVersion)
		}
	})
	return abiErr
}

// Output is a translated document.
type Output struct {
	Body []byte
	// Warnings lists what was dropped or approximated, each "path: message".
	Warnings []string
	// HTTPStatus is the status to send the client, for error translation; 0 otherwise.
	HTTPStatus int
}
