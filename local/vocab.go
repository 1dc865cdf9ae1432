package local

import (
	"fmt"
	"sort"
	"strings"
)

// hanoiFirstPrev is how maker's Hanoi task writes the previous move of its
// first step. The models read it as the vocabulary's "none": the prompt
// template can only print the field as the task gives it.
const hanoiFirstPrev = "none (this is the first move)"

// tokenizer reads text as the longest vocabulary tokens, left to right.
type tokenizer struct {
	vocab []string
	byLen []int // ids of the ordinary tokens, longest first
}

func newTokenizer(n *Net) *tokenizer {
	t := &tokenizer{vocab: n.vocab}
	for id := range n.vocab {
		if id == n.pad || id == n.bos || id == n.sep || id == n.eos {
			continue
		}
		t.byLen = append(t.byLen, id)
	}
	sort.SliceStable(t.byLen, func(i, j int) bool { return len(n.vocab[t.byLen[i]]) > len(n.vocab[t.byLen[j]]) })
	return t
}

// encode turns a user prompt into token ids. Surrounding white space is
// dropped (a template file ends with a newline), and Hanoi's wording of no
// previous move reads as "none". Text that no token matches is an error
// that shows where, since the model can read nothing else.
func (t *tokenizer) encode(text string) ([]int, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, hanoiFirstPrev, "none"))
	ids := make([]int, 0, len(text)/2+2)
	for i := 0; i < len(text); {
		best := -1
		for _, id := range t.byLen {
			if strings.HasPrefix(text[i:], t.vocab[id]) {
				best = id
				break
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("the prompt does not tokenise at byte %d (%q): the model reads only its vocabulary, such as 9|[1, 0, 2]|[[9, 8], [], []] (use --prompt-file models/hanoitiny/prompt.tmpl)", i, clipText(text[i:], 24))
		}
		ids = append(ids, best)
		i += len(t.vocab[best])
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the prompt is empty")
	}
	return ids, nil
}

// decode writes tokens as text.
func (t *tokenizer) decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(t.vocab[id])
	}
	return b.String()
}

// clipText is s cut to n characters.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
