// Package fault defines the few kinds of error that tuphap's packages return, so that the
// web layer can map every failure to an HTTP status and a user message in one place.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	Internal         Kind = iota // a bug or an unreachable dependency: logged, never shown in detail
	Invalid                      // the input is wrong; Fields says where
	NotFound                     // the thing does not exist (or is out of the caller's jurisdiction)
	Conflict                     // the input is fine but clashes with what is stored
	Forbidden                    // the caller is known but may not do this
	Unauthorized                 // the caller is not known (no or bad credentials)
	TooMany                      // the caller must wait (login lock-out, rate limits)
	MethodNotAllowed             // the resource exists but not for this HTTP method
	Unavailable                  // the database is out of reach for now (a restart, a failover): try again shortly
)

// Error is a classified error. Code is a message-catalogue key, so the web layer can show it in
// the user's language; Fields maps a field name to a message key for per-field validation.
type Error struct {
	Kind   Kind
	Code   string
	Fields map[string]string
	Args   []any
	Err    error
}

func (e *Error) Error() string {
	msg := e.Code
	if len(e.Fields) > 0 {
		msg += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a catalogue code.
func New(k Kind, code string, args ...any) *Error { return &Error{Kind: k, Code: code, Args: args} }

// Wrap classifies err without losing it.
func Wrap(k Kind, code string, err error) *Error { return &Error{Kind: k, Code: code, Err: err} }

// KindOf reports the kind of err, Internal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// As returns the classified error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Validation collects per-field problems so that a form can show all of them at once.
type Validation struct{ fields map[string]string }

// Add records a problem with field (a catalogue key as msg). The first problem per field wins.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Check adds msg for field when ok is false.
func (v *Validation) Check(ok bool, field, msg string) {
	if !ok {
		v.Add(field, msg)
	}
}

// Include adds the field problems of err, another check's Validation, to v, so that a form
// shows them all at once. Any other error is returned, for the caller to stop on.
func (v *Validation) Include(err error) error {
	e, ok := As(err)
	if err == nil || !ok || len(e.Fields) == 0 {
		return err
	}
	for f, m := range e.Fields {
		v.Add(f, m)
	}
	return nil
}

// Err returns nil when there were no problems, otherwise an Invalid error listing them.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "error.invalid", Fields: v.fields}
}
