package requirements

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Feature is a candidate feature: from the catalogue or listed by a
// proposer.
type Feature struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Keywords are the words that name the feature in a criterion, so the
	// off-purpose gate can tell when a criterion of another feature reaches
	// into this one. Only catalogue features have them.
	Keywords []string `json:"keywords,omitempty"`
	// Source is "catalogue" or "proposed".
	Source string `json:"source"`
}

// Feature sources.
const (
	SourceCatalogue = "catalogue"
	SourceProposed  = "proposed"
)

// Catalogue is the list of commonly over-built features that every
// definition decides explicitly, each IN or NON-GOAL, so that none of them
// slips in later unasked.
type Catalogue []Feature

//go:embed catalogue.json
var catalogueJSON []byte

// DefaultCatalogue returns the built-in catalogue: authentication variants,
// notifications, webhooks, real-time updates, export, search, permissions,
// rate limiting, caching, internationalisation, analytics, an admin UI and
// an audit log.
func DefaultCatalogue() Catalogue {
	var c Catalogue
	if err := json.Unmarshal(catalogueJSON, &c); err != nil {
		panic(fmt.Sprintf("requirements: built-in catalogue: %v", err))
	}
	for i := range c {
		c[i].Source = SourceCatalogue
	}
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("requirements: built-in catalogue: %v", err))
	}
	return c
}

// idRe is a feature id: lowercase words joined by hyphens.
var idRe = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate reports the first feature with a bad or repeated id, or without
// a name or keywords.
func (c Catalogue) Validate() error {
	seen := map[string]bool{}
	for i, f := range c {
		switch {
		case !idRe.MatchString(f.ID) || len(f.ID) > maxIDLen:
			return fmt.Errorf("catalogue entry %d: bad id %q", i+1, f.ID)
		case seen[f.ID]:
			return fmt.Errorf("catalogue entry %d: id %q repeated", i+1, f.ID)
		case f.Name == "" || f.Description == "":
			return fmt.Errorf("catalogue entry %q: name and description are required", f.ID)
		case len(f.Keywords) == 0:
			return fmt.Errorf("catalogue entry %q: keywords are required", f.ID)
		}
		seen[f.ID] = true
	}
	return nil
}

// Lookup returns the catalogue feature with the id.
func (c Catalogue) Lookup(id string) (Feature, bool) {
	for _, f := range c {
		if f.ID == id {
			return f, true
		}
	}
	return Feature{}, false
}

// mentions returns the first catalogue feature, other than the one with id
// self, that text names by one of its keywords (whole words, any case).
func (c Catalogue) mentions(self, text string) (Feature, string, bool) {
	lower := strings.ToLower(text)
	for _, f := range c {
		if f.ID == self {
			continue
		}
		for _, kw := range f.Keywords {
			if containsWord(lower, strings.ToLower(kw)) {
				return f, kw, true
			}
		}
	}
	return Feature{}, "", false
}

// containsWord reports whether phrase occurs in text with no letter or
// digit right before or after it.
func containsWord(text, phrase string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], phrase)
		if i < 0 {
			return false
		}
		start, end := off+i, off+i+len(phrase)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		off = start + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// humanize turns a feature id into a name: "create-task" is "Create task".
func humanize(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
