// Package disclosure is the domain core of gongkai: agencies, the audit trail, and the one error type every layer
// returns. It depends on the standard library only.
package disclosure

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps them to HTTP statuses; the CLI prints the message.
const (
	EInvalid      = "invalid"      // the input breaks a rule; the message says what to fix
	ENotFound     = "not_found"    // the thing asked for does not exist
	EConflict     = "conflict"     // the change clashes with existing data (a duplicate, a newer schema)
	EForbidden    = "forbidden"    // the actor may not do this
	EUnauthorized = "unauthorized" // the caller is not signed in, or its credential is unknown or expired
	EInternal     = "internal"     // anything unexpected; never shown to users beyond "系统内部错误"
)

// Error is an error meant for users: a stable code (one of the E* constants) and a Chinese message that says what
// to fix. Every layer returns it for anything a user can act on; anything else is internal.
type Error struct {
	Code    string
	Message string
}

// Error returns the Chinese message, so that wrapping with fmt.Errorf keeps it readable in logs.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted Chinese message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: its *Error's code, or EInternal for any other error, or "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message users may see: an *Error's message, or "系统内部错误" for anything else, so that
// driver and library text never reaches them.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "系统内部错误"
}
