// Package strictjson decodes the JSON that clients and files give maker,
// strictly: a field name must match its Go field's JSON name exactly, a
// name given twice in one object is an error, an unknown field is an
// error, and nothing but white space may follow the value. encoding/json
// alone matches names case-insensitively and lets the last of two equal
// names win, so {"kind":"hanoi","KIND":"cube"} would run a cube: a
// request must mean one thing.
//
// Apart from that, values decode as encoding/json decodes them (the
// decoder is github.com/go-json-experiment/json with its v1 options), so
// the types maker decodes need no change. The journal's own records are
// not read here: maker wrote them.
package strictjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// options are encoding/json's semantics with exact names, no duplicate
// names and no unknown fields; errors stop decoding at the first, so the
// one reported is where the input first goes wrong.
var options = json.JoinOptions(
	jsonv1.DefaultOptionsV1(),
	jsonv1.ReportErrorsWithLegacySemantics(false),
	json.MatchCaseInsensitiveNames(false),
	json.RejectUnknownMembers(true),
	jsontext.AllowDuplicateNames(false),
)

// ErrTrailing is wrapped by the error of an input with something after
// its JSON value: a second value, or text that is not JSON.
var ErrTrailing = errors.New("data after the JSON value")

// Error is a JSON input that cannot be decoded as asked. Its text is one
// line: the field's path, if the fault is in one, then what is wrong,
// without Go's package or type names.
type Error struct {
	// Field is the path of the member at fault, as params.disks or
	// items[2].name; empty when the fault is in the value as a whole.
	Field string
	// Msg says what is wrong, e.g. "unknown field", "duplicate field",
	// "want int, got JSON string".
	Msg string
	// Err is the decoder's error: io.EOF for an empty input, or the
	// reader's error (an *http.MaxBytesError for a body over its limit).
	Err error
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Decode reads one JSON value from r into v strictly (see the package
// documentation). Only white space may follow it in r. An empty input is
// an *Error that wraps io.EOF; every other error is an *Error too.
func Decode(r io.Reader, v any) error {
	dec := jsontext.NewDecoder(r, options)
	if err := json.UnmarshalDecode(dec, v, options); err != nil {
		return explain(err)
	}
	switch _, err := dec.ReadToken(); {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil || isSyntax(err):
		return &Error{Msg: ErrTrailing.Error(), Err: ErrTrailing}
	default:
		return explain(err)
	}
}

// Unmarshal is [Decode] of b.
func Unmarshal(b []byte, v any) error {
	return Decode(bytes.NewReader(b), v)
}

func isSyntax(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se)
}

// explain turns a decoder's error into an *Error naming the field.
func explain(err error) error {
	var (
		se  *json.SemanticError
		syn *jsontext.SyntacticError
	)
	switch {
	case errors.Is(err, io.EOF) && !errors.As(err, &syn) && !errors.As(err, &se):
		return &Error{Msg: "empty: want a JSON value", Err: io.EOF}
	case errors.Is(err, io.ErrUnexpectedEOF):
		field := ""
		if errors.As(err, &syn) {
			field = path(syn.JSONPointer)
		}
		return &Error{Field: field, Msg: "not JSON: cut short before the value's end", Err: err}
	case errors.As(err, &syn):
		field := path(syn.JSONPointer)
		if errors.Is(syn.Err, jsontext.ErrDuplicateName) {
			return &Error{Field: field, Msg: "duplicate field: a name may appear once in an object", Err: err}
		}
		msg := strings.TrimPrefix(syn.Err.Error(), "jsontext: ")
		return &Error{Field: field, Msg: fmt.Sprintf("not JSON: %s (byte %d)", msg, syn.ByteOffset+1), Err: err}
	case errors.As(err, &se):
		field := path(se.JSONPointer)
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return &Error{Field: field, Msg: "unknown field", Err: err}
		case se.GoType != nil && se.JSONKind != 0 && (se.Err == nil || isNumber(se.Err)):
			got := "JSON " + kindName(se.JSONKind)
			if se.JSONKind == '0' && len(se.JSONValue) > 0 && len(se.JSONValue) <= 40 {
				got += " " + string(se.JSONValue)
			}
			msg := fmt.Sprintf("want %s, got %s", goKind(se.GoType), got)
			if isRange(se.Err) {
				msg += " (out of range)"
			}
			return &Error{Field: field, Msg: msg, Err: err}
		case se.Err != nil:
			// A type's own decoding refused the value: its words.
			return &Error{Field: field, Msg: strings.TrimPrefix(se.Err.Error(), "json: "), Err: err}
		}
		return &Error{Field: field, Msg: "cannot be decoded here", Err: err}
	}
	// The reader failed (a body over its limit, a closed connection).
	return &Error{Msg: fmt.Sprintf("reading JSON: %v", unwrapIO(err)), Err: err}
}

// unwrapIO is the reader's own error inside the decoder's wrapping.
func unwrapIO(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// isNumber: a JSON number that the Go number type cannot hold.
func isNumber(err error) bool {
	return errors.Is(err, strconv.ErrSyntax) || isRange(err)
}

func isRange(err error) bool { return errors.Is(err, strconv.ErrRange) }

// path writes a JSON pointer as a field path: /params/disks as
// params.disks, /items/2/name as items[2].name.
func path(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{', '}':
		return "object"
	case '[', ']':
		return "array"
	}
	return "value"
}

// goKind names a Go type by what JSON value it takes, without its
// package: int, string, object, array.
func goKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Interface:
		return "value"
	}
	return t.Kind().String()
}
