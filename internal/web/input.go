package web

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"tuphap/internal/fault"
)

// maxText is the longest free text a field may hold, in characters: names, addresses and
// reasons are a line or a paragraph; a 900 KB "reason" was stored and copied into the audit log.
const maxText = 2000

// textProblem says what is wrong with one value at the boundary: bytes that are not UTF-8, a NUL
// (PostgreSQL refuses both with an internal error while SQLite stores them), or too much text.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
		return "error.bad_text"
	case utf8.RuneCountInString(s) > maxText:
		return "error.too_long"
	}
	return ""
}

func badText(code string) error {
	return fault.New(fault.Invalid, code, maxText)
}

// checkInput refuses, with 400 and the same answer on both engines, a request whose path, query
// or form carries text the store must never see. JSON bodies are checked as they are decoded
// (decodeJSON), multipart files by what reads them.
func checkInput(r *http.Request) error {
	if p := textProblem(r.URL.Path); p != "" {
		return badText(p)
	}
	for _, vs := range r.URL.Query() {
		for _, v := range vs {
			if p := textProblem(v); p != "" {
				return badText(p)
			}
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return err
			}
			return fault.Wrap(fault.Invalid, "error.bad_text", err) // a body that is not a form
		}
		for _, vs := range r.PostForm {
			for _, v := range vs {
				if p := textProblem(v); p != "" {
					return badText(p)
				}
			}
		}
	}
	return nil
}

// parseMultipart reads a multipart form; a request that is not one (no body, another type) is
// the caller's mistake (400), a body over the limit 413.
func parseMultipart(r *http.Request, memory int64) error {
	err := r.ParseMultipartForm(memory)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	if err != nil {
		return invalidFields(map[string]string{"file": "verify.no_file"})
	}
	// Its text fields and file names reach the store and the audit log like any form's.
	for _, vs := range r.MultipartForm.Value {
		for _, v := range vs {
			if p := textProblem(v); p != "" {
				return badText(p)
			}
		}
	}
	for _, fs := range r.MultipartForm.File {
		for _, f := range fs {
			if p := textProblem(f.Filename); p != "" {
				return badText(p)
			}
		}
	}
	return nil
}

// checkStrings walks a decoded JSON value for strings textProblem refuses.
func checkStrings(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return textProblem(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkStrings(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if p := checkStrings(v.Field(i)); p != "" {
					return p
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p := checkStrings(v.Index(i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := checkStrings(it.Key()); p != "" {
				return p
			}
			if p := checkStrings(it.Value()); p != "" {
				return p
			}
		}
	}
	return ""
}
