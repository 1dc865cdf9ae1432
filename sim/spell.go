package sim

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
)

// Real models write one answer many ways. With [Config.Spellings] the
// simulator does too: a right answer is sometimes written in another
// spelling that means the same, so that a task's vote key is tested
// against what real models send, not against byte-identical text.
//
// The spellings change form only, never meaning:
//   - an answer (or a string inside it) that is a JSON object or array is
//     written again with its object keys in another order, compact,
//     spaced or indented, and numbers that have a fraction with one or two
//     trailing zeros (1.5 as 1.50);
//   - in other text, numbers that have a fraction get the trailing zeros.
//
// With [Config.BadJSON], a right answer that is a JSON object is
// sometimes broken the ways models break JSON (a trailing comma, a brace
// missing, single quotes), which red-flagging must catch.

// respell writes text in another spelling that means the same.
func respell(text string, rng *rand.Rand) string {
	trimmed := strings.TrimSpace(text)
	if v, ok := jsonValue(trimmed); ok {
		return spellJSON(v, rng, rng.IntN(3))
	}
	return fractionZeros(text, rng)
}

// jsonValue decodes text when it is one JSON object or array.
func jsonValue(text string) (any, bool) {
	if text == "" || text[0] != '{' && text[0] != '[' {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// spellJSON writes v with its keys shuffled, in one of three layouts: 0
// compact, 1 spaced on one line, 2 indented.
func spellJSON(v any, rng *rand.Rand, layout int) string {
	var b strings.Builder
	writeValue(&b, v, rng, layout, 0)
	return b.String()
}

func writeValue(b *strings.Builder, v any, rng *rand.Rand, layout, depth int) {
	sep, colon := ",", ":"
	switch layout {
	case 1:
		sep, colon = ", ", ": "
	case 2:
		colon = ": "
	}
	newline := func(d int) {
		if layout == 2 {
			b.WriteString("\n" + strings.Repeat("  ", d))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		// Sorted first, so the shuffle depends on the seed alone.
		slices.Sort(keys)
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(depth + 1)
			spellString(b, k)
			b.WriteString(colon)
			writeValue(b, x[k], rng, layout, depth+1)
		}
		if len(keys) > 0 {
			newline(depth)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(depth + 1)
			writeValue(b, e, rng, layout, depth+1)
		}
		if len(x) > 0 {
			newline(depth)
		}
		b.WriteByte(']')
	case json.Number:
		b.WriteString(fractionZeros(string(x), rng))
	case string:
		// A string that holds JSON (a state kept as text) is respelled too.
		if inner, ok := jsonValue(strings.TrimSpace(x)); ok {
			x = spellJSON(inner, rng, rng.IntN(2))
		}
		spellString(b, x)
	default:
		enc, _ := json.Marshal(x)
		b.Write(enc)
	}
}

func spellString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// fraction is a number with a fraction, standing alone.
var fraction = regexp.MustCompile(`(^|[^0-9A-Za-z_.])(-?[0-9]+\.[0-9]+)($|[^0-9A-Za-z_.])`)

// fractionZeros gives each number that has a fraction (and no exponent)
// one or two trailing zeros, or none.
func fractionZeros(text string, rng *rand.Rand) string {
	if !strings.Contains(text, ".") {
		return text
	}
	return fraction.ReplaceAllStringFunc(text, func(m string) string {
		sub := fraction.FindStringSubmatch(m)
		return sub[1] + sub[2] + strings.Repeat("0", rng.IntN(3)) + sub[3]
	})
}

// breakJSON breaks a JSON answer the ways models do. Each way leaves text
// that no JSON parser accepts.
func breakJSON(text string, rng *rand.Rand) string {
	t := strings.TrimSpace(text)
	switch rng.IntN(3) {
	case 0:
		// A trailing comma before the closing brace.
		return strings.TrimSuffix(t, "}") + ",}"
	case 1:
		// The closing brace missing.
		return strings.TrimSuffix(t, "}")
	default:
		// Single quotes for double quotes.
		return strings.ReplaceAll(t, `"`, `'`)
	}
}
