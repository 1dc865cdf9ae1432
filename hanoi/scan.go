package hanoi

// The answer lines are found by hand for ASCII text, which is every answer a
// model writes in the exact format: the regular expressions in parse.go are
// the definition, and these scanners find the same last match several times
// faster. Text with any other byte goes to the regular expressions, whose
// case folding also knows the non-ASCII letters that fold to ASCII ones.
//
// Matches of either pattern cannot overlap (a list holds no bracket), so the
// last match FindAll returns is the match that starts rightmost: the
// scanners try the start positions from the end.

// asciiOnly reports whether text has no byte above 0x7f.
func asciiOnly(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isWordByte is \w in ASCII, what \b looks at.
func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// skipSpace skips \s, which is [\t\n\f\r ].
func skipSpace(text string, i int) int {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\f', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// foldedAt reports whether text holds word (lower case ASCII) at i, in any
// case, as a whole word on its left.
func foldedAt(text string, i int, word string) bool {
	if i > 0 && isWordByte(text[i-1]) {
		return false
	}
	for j := 0; j < len(word); j++ {
		c := text[i+j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[j] {
			return false
		}
	}
	return true
}

// assignAt matches `word\b\s*=\s*` at i and returns where the value starts.
func assignAt(text string, i int, word string) (int, bool) {
	if !foldedAt(text, i, word) {
		return 0, false
	}
	j := skipSpace(text, i+len(word))
	if j >= len(text) || text[j] != '=' {
		return 0, false
	}
	return skipSpace(text, j+1), true
}

// listAt matches `\[[^\[\]]*\]` at i and returns the index after it.
func listAt(text string, i int) (int, bool) {
	if i >= len(text) || text[i] != '[' {
		return 0, false
	}
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case ']':
			return j + 1, true
		case '[':
			return 0, false
		}
	}
	return 0, false
}

// lastMoveList is moveRe's last match's group: the move's list.
func lastMoveList(text string) (string, bool) {
	const word = "move"
	for i := len(text) - len(word); i >= 0; i-- {
		if text[i]|0x20 != word[0] {
			continue
		}
		v, ok := assignAt(text, i, word)
		if !ok {
			continue
		}
		if end, ok := listAt(text, v); ok {
			return text[v:end], true
		}
	}
	return "", false
}

// lastStatePegs is stateRe's last match: the three peg lists, brackets
// included.
func lastStatePegs(text string) ([3]string, bool) {
	const word = "next_state"
	for i := len(text) - len(word); i >= 0; i-- {
		if text[i]|0x20 != word[0] {
			continue
		}
		v, ok := assignAt(text, i, word)
		if !ok {
			continue
		}
		if pegs, ok := stateAt(text, v); ok {
			return pegs, true
		}
	}
	return [3]string{}, false
}

// stateAt matches `\[\s*L\s*,\s*L\s*,\s*L\s*\]` at i, L a list.
func stateAt(text string, i int) ([3]string, bool) {
	var pegs [3]string
	if i >= len(text) || text[i] != '[' {
		return pegs, false
	}
	j := i + 1
	for p := range pegs {
		if p > 0 {
			if j >= len(text) || text[j] != ',' {
				return pegs, false
			}
			j++
		}
		j = skipSpace(text, j)
		end, ok := listAt(text, j)
		if !ok {
			return pegs, false
		}
		pegs[p] = text[j:end]
		j = skipSpace(text, end)
	}
	if j >= len(text) || text[j] != ']' {
		return pegs, false
	}
	return pegs, true
}
