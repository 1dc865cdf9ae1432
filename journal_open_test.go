package maker

import (
	"strings"
	"testing"
)

func TestJournalScheme(t *testing.T) {
	tests := []struct{ location, scheme string }{
		{"maker.db", ""},
		{"/var/lib/maker/maker.db", ""},
		{"./a:b.db", ""},
		{`C:\maker\maker.db`, ""},
		{"file:maker.db", "file"},
		{"sqlite:///tmp/m.db", "sqlite"},
		{"postgres://u:p@h/db", "postgres"},
		{"PostgreSQL://h/db", "postgresql"},
		{"my dir:x", ""},
	}
	for _, tt := range tests {
		if got := JournalScheme(tt.location); got != tt.scheme {
			t.Errorf("JournalScheme(%q) = %q, want %q", tt.location, got, tt.scheme)
		}
	}
}

func TestRedactLocation(t *testing.T) {
	tests := []struct{ location, secret string }{
		{"postgres://maker:s3cret@db.example:5432/maker?sslmode=disable", "s3cret"},
		{"postgres://db.example/maker?user=maker&password=s3cret", "s3cret"},
		{"postgres://maker:s3cret@db.example:5432/maker%zz", "s3cret"},
	}
	for _, tt := range tests {
		got := RedactLocation(tt.location)
		if strings.Contains(got, tt.secret) || !strings.HasPrefix(got, "postgres://") {
			t.Errorf("RedactLocation(%q) = %q", tt.location, got)
		}
	}
	if got := RedactLocation("/home/me/maker.db"); got != "/home/me/maker.db" {
		t.Errorf("a path was changed to %q", got)
	}
}

func TestParseKeep(t *testing.T) {
	for _, s := range []string{"none", "flagged", "all"} {
		if _, err := ParseKeep(s); err != nil {
			t.Errorf("ParseKeep(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "some", "ALL"} {
		if _, err := ParseKeep(s); err == nil {
			t.Errorf("ParseKeep(%q) accepted", s)
		}
	}
}

func TestOpenJournalKeywords(t *testing.T) {
	for _, loc := range []string{"host=db user=maker password=s3cret dbname=maker", "password=s3cret"} {
		_, err := OpenJournal(t.Context(), loc, false)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("OpenJournal(%q): %v", loc, err)
		}
	}
	if looksLikeKeywords("/home/me/maker.db") || looksLikeKeywords("runs/host-a.db") {
		t.Error("a path was taken for a key=value string")
	}
}
