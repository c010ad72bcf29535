package apxlate

/*
#include "apxlate.h"
*/
import "C"

import "fmt"

// Code is a library status code (apx_status). The numbers are pinned: they never change.
type Code int32

// Status codes, as in apxlate.h.
const (
	CodeOK          Code = 0
	CodeArgument    Code = 1  // a nil handle, an unknown format, a bad operation
	CodeJSON        Code = 2  // the input is not valid JSON; Offset is set
	CodeInvalid     Code = 3  // valid JSON but not a valid document of the format; Path is set
	CodeUnsupported Code = 4  // the input says something the target format cannot express
	CodeConfig      Code = 5  // the translator configuration is invalid; Path is set
	CodeLimit       Code = 6  // nesting depth or size limit exceeded
	CodeStream      Code = 7  // malformed stream (bad SSE or event sequence)
	CodeState       Code = 8  // stream used after an error or after its end
	CodeNoMem       Code = 9  // allocation failed
	CodeInternal    Code = 10 // a bug in apxlate
	// CodeClosed is not a library code: the Go handle was used after Close.
	CodeClosed Code = -1
)

// String is the library's short description of the code ("invalid JSON", ...).
func (c Code) String() string {
	if c == CodeClosed {
		return "used after Close"
	}
	return C.GoString(C.apx_status_str(C.apx_status(c)))
}

// Error is a failed translation: the library's code, its message, and where the problem is
// (a JSON path such as "messages[3].content[1]" and/or a byte offset into the input, -1 if none).
// Use errors.As(err, &e) to read it.
type Error struct {
	Code    Code
	Message string
	Path    string
	Offset  int64
}

func (e *Error) Error() string {
	s := "apxlate: " + e.Code.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Path != "" {
		s += " at " + e.Path
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf(" (byte %d)", e.Offset)
	}
	return s
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &apxlate.Error{Code: apxlate.CodeInvalid}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func errClosed(what string) error {
	return &Error{Code: CodeClosed, Message: what + " used after Close", Offset: -1}
}
