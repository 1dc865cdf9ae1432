package maker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Vote-key normalisers. A task's [Task.Key] must give two answers that mean
// the same thing one key, or a right answer's votes split across its
// spellings and every step costs more samples; and it must never give two
// answers that differ one key, or a wrong answer borrows a right one's
// votes. These functions do the first without the second: each maps one
// answer's text to a spelling that depends only on its value, and sees
// nothing else (never the expected answer, never the other votes).

// CanonicalJSON writes the JSON value in text in one spelling: object keys
// sorted (by their UTF-8 bytes), no blank space outside strings, strings
// with the fewest escapes, and every number as [CanonicalNumber] writes it.
// `{"b": 1.50, "a": [1, 2]}` and `{"a":[1,2],"b":1.5}` are one key.
//
// Text that is not exactly one JSON value, or an object that gives a key
// twice (whose meaning depends on the reader), is an error.
func CanonicalJSON(text string) (string, error) {
	return canonicalJSON(text, CanonicalNumber)
}

// CanonicalNumber writes a decimal number in one spelling, exactly: 1.5,
// 1.50, +1.5, 15e-1 and 0.15E1 are all 1.5; -0 is 0. Nothing is rounded,
// so numbers that differ in any digit (9007199254740993 and
// 9007199254740992, which a float64 cannot tell apart) keep different
// spellings. Numbers from 1e-6 to 1e21 are written without an exponent,
// others as 1.5e-7 or 1e21.
func CanonicalNumber(lit string) (string, error) {
	d, err := parseDecimal(lit)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// NumberGrid keys numbers by rounding them to a grid of a given spacing,
// the tolerance. Being within a tolerance of each other is not an
// equivalence (0.00 is near 0.006, which is near 0.012, which is not near
// 0.00), so it cannot be a vote key; the nearest grid point is. The edge:
// two numbers closer than the tolerance can still round to neighbouring
// points (0.0049 and 0.0051 on a grid of 0.01 are 0 and 0.01), but two
// numbers a whole tolerance or more apart never share a key.
type NumberGrid struct {
	step     *big.Rat
	decimals int // fraction digits that a multiple of step needs
}

// NewNumberGrid returns the grid of spacing tolerance, a positive decimal
// number such as 0.01 or 5e-3, from 1e-30 to 1e30.
func NewNumberGrid(tolerance string) (*NumberGrid, error) {
	d, err := parseDecimal(tolerance)
	if err != nil {
		return nil, fmt.Errorf("tolerance: %w", err)
	}
	if d.neg || d.digits == "" {
		return nil, fmt.Errorf("tolerance %s: want a number above 0", tolerance)
	}
	if e := d.exp + len(d.digits); e < -29 || e > 31 {
		return nil, fmt.Errorf("tolerance %s: want a number from 1e-30 to 1e30", tolerance)
	}
	r, ok := new(big.Rat).SetString(d.String())
	if !ok {
		return nil, fmt.Errorf("tolerance %s: not a number", tolerance)
	}
	return &NumberGrid{step: r, decimals: max(0, -d.exp)}, nil
}

// Key rounds the number lit to the nearest point of the grid (halves away
// from zero) and writes it as [CanonicalNumber] does. A number too large
// for the grid to matter (over 1e1000) is written exactly; one too small to
// matter is 0.
func (g *NumberGrid) Key(lit string) (string, error) {
	d, err := parseDecimal(lit)
	if err != nil {
		return "", err
	}
	if d.digits == "" {
		return "0", nil
	}
	switch mag := d.exp + len(d.digits); {
	case mag > 1000:
		return d.String(), nil
	case mag < -1000:
		return "0", nil
	}
	v, ok := new(big.Rat).SetString(d.String())
	if !ok {
		return "", fmt.Errorf("%q is not a number", lit)
	}
	q := new(big.Rat).Quo(v, g.step)
	// Round half away from zero: n = floor(|q| + 1/2), signed.
	half := big.NewRat(1, 2)
	abs := new(big.Rat).Abs(q)
	abs.Add(abs, half)
	n := new(big.Int).Quo(abs.Num(), abs.Denom())
	if q.Sign() < 0 {
		n.Neg(n)
	}
	out := new(big.Rat).Mul(new(big.Rat).SetInt(n), g.step)
	return CanonicalNumber(out.FloatString(g.decimals))
}

// numberInText is a decimal number as text writes it; [ReplaceNumbers]
// checks what stands around it.
var numberInText = regexp.MustCompile(`[-+]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?`)

// ReplaceNumbers rewrites every number that stands alone in text (not part
// of a word, a version such as v1.2.3 or a longer run of digits and dots)
// with key, such as [CanonicalNumber] or a [NumberGrid]'s Key. A number
// key cannot read is left as it is.
func ReplaceNumbers(text string, key func(string) (string, error)) string {
	locs := numberInText.FindAllStringIndex(text, -1)
	if locs == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		start, end := l[0], l[1]
		if start > 0 && wordByte(text[start-1]) || end < len(text) && (wordByte(text[end]) || text[end] == '.' && end+1 < len(text) && isDigit(text[end+1])) {
			continue
		}
		if start > 0 && text[start-1] == '.' {
			continue // the tail of 1.2.3
		}
		k, err := key(text[start:end])
		if err != nil {
			continue
		}
		b.WriteString(text[last:start])
		b.WriteString(k)
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func wordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// CanonicalJSONNumbers is [CanonicalJSON] with every number written by key
// instead, such as a [NumberGrid]'s Key.
func CanonicalJSONNumbers(text string, key func(string) (string, error)) (string, error) {
	return canonicalJSON(text, key)
}

// errDuplicateKey is an object that gives a key twice.
var errDuplicateKey = errors.New("an object gives a key twice")

func canonicalJSON(text string, num func(string) (string, error)) (string, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var b bytes.Buffer
	if err := writeCanonical(dec, &b, num); err != nil {
		return "", err
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", errors.New("more than one JSON value")
	}
	return b.String(), nil
}

// writeCanonical writes the next value of dec in canonical form.
func writeCanonical(dec *json.Decoder, b *bytes.Buffer, num func(string) (string, error)) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[':
			b.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := writeCanonical(dec, b, num); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			b.WriteByte(']')
		case '{':
			type member struct{ key, value string }
			var members []member
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				var vb bytes.Buffer
				if err := writeCanonical(dec, &vb, num); err != nil {
					return err
				}
				members = append(members, member{key, vb.String()})
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
			b.WriteByte('{')
			for i, m := range members {
				if i > 0 {
					if members[i-1].key == m.key {
						return errDuplicateKey
					}
					b.WriteByte(',')
				}
				writeString(b, m.key)
				b.WriteByte(':')
				b.WriteString(m.value)
			}
			b.WriteByte('}')
		default:
			return fmt.Errorf("unexpected %q", v)
		}
	case string:
		writeString(b, v)
	case json.Number:
		s, err := num(string(v))
		if err != nil {
			return err
		}
		b.WriteString(s)
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	}
	return nil
}

// writeString writes s as a JSON string, escaping only what JSON requires.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// decimal is a number as sign, digits without leading or trailing zeros
// ("" for zero) and a power of ten: digits × 10^exp.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// maxExponent bounds the exponent a number may be written with, so that no
// answer can make a key of a billion zeros.
const maxExponent = 100_000

func parseDecimal(lit string) (decimal, error) {
	s := lit
	var d decimal
	if s != "" && (s[0] == '-' || s[0] == '+') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) || strings.Count(mant, ".") > 1 {
		return decimal{}, fmt.Errorf("%q is not a number", lit)
	}
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expText)
		if err != nil || expText == "" || expText[0] != '-' && expText[0] != '+' && !isDigit(expText[0]) || e > maxExponent || e < -maxExponent {
			return decimal{}, fmt.Errorf("%q is not a number with an exponent from -%d to %d", lit, maxExponent, maxExponent)
		}
		exp = e
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	d.digits, d.exp = trimmed, exp
	if d.digits == "" {
		d.neg, d.exp = false, 0
	}
	return d, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// String writes the number as [CanonicalNumber] documents.
func (d decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	if d.neg {
		b.WriteByte('-')
	}
	n := len(d.digits)
	point := n + d.exp // digits before the decimal point
	switch {
	case d.exp >= 0 && point <= 21:
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp))
	case d.exp < 0 && point > 0:
		b.WriteString(d.digits[:point])
		b.WriteByte('.')
		b.WriteString(d.digits[point:])
	case d.exp < 0 && point > -6:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(d.digits)
	default:
		b.WriteString(d.digits[:1])
		if n > 1 {
			b.WriteByte('.')
			b.WriteString(d.digits[1:])
		}
		b.WriteByte('e')
		b.WriteString(strconv.Itoa(point - 1))
	}
	return b.String()
}
