package maker

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// JournalOpener opens a journal at location (a path or URL whose scheme the
// opener was registered for). readOnly asks for a journal that only reads:
// it creates and migrates nothing, and a location with no journal is an
// error wrapping [ErrNoJournal].
type JournalOpener func(ctx context.Context, location string, readOnly bool) (Journal, error)

var (
	journalsMu sync.RWMutex
	journals   = map[string]JournalOpener{}
)

// RegisterJournal makes a journal backend available to [OpenJournal] for
// locations with the given scheme ("postgres" for postgres://...). The
// scheme "" is the backend for plain file paths. A backend registers once,
// from init, for each scheme it serves, as database/sql drivers do;
// registering a scheme twice, or a nil opener, panics.
func RegisterJournal(scheme string, open JournalOpener) {
	journalsMu.Lock()
	defer journalsMu.Unlock()
	if open == nil {
		panic("maker: RegisterJournal of a nil opener for scheme " + scheme)
	}
	if _, dup := journals[scheme]; dup {
		panic("maker: RegisterJournal called twice for scheme " + scheme)
	}
	journals[scheme] = open
}

// JournalSchemes lists the registered schemes, sorted ("" is plain paths).
func JournalSchemes() []string {
	journalsMu.RLock()
	defer journalsMu.RUnlock()
	out := make([]string, 0, len(journals))
	for s := range journals {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// OpenJournal opens the journal at location with the backend registered for
// its scheme: a plain path (or file: / sqlite:// URL) is the embedded SQLite
// journal, a postgres:// or postgresql:// URL a PostgreSQL one, provided the
// program imports those backends. See [JournalOpener] for readOnly.
func OpenJournal(ctx context.Context, location string, readOnly bool) (Journal, error) {
	if location == "" {
		return nil, errors.New("journal: no location given")
	}
	scheme := JournalScheme(location)
	if scheme == "" && looksLikeKeywords(location) {
		// Opened as a file path, it would become a file named after it,
		// password and all, and be printed as the journal's location.
		return nil, errors.New("journal: the location looks like a PostgreSQL key=value string: give a postgres:// URL, or a file path")
	}
	journalsMu.RLock()
	open, ok := journals[scheme]
	journalsMu.RUnlock()
	if !ok {
		if scheme == "" {
			return nil, fmt.Errorf("journal: no backend for file paths is linked in (import github.com/maker-go/maker/sqlite)")
		}
		return nil, fmt.Errorf("journal: no backend for %q locations (known: %s)", scheme+":", strings.Join(JournalSchemes(), ", "))
	}
	return open(ctx, location, readOnly)
}

// looksLikeKeywords reports whether a location is a libpq key=value
// connection string ("host=db user=maker password=..."), not a path.
func looksLikeKeywords(location string) bool {
	for _, f := range strings.Fields(location) {
		k, _, ok := strings.Cut(f, "=")
		switch strings.ToLower(k) {
		case "host", "hostaddr", "port", "dbname", "user", "password", "sslmode":
			if ok {
				return true
			}
		}
	}
	return false
}

// JournalScheme is the scheme of a journal location, lower case: "" for a
// plain path (including a Windows drive letter such as C:\maker.db).
func JournalScheme(location string) string {
	i := strings.IndexByte(location, ':')
	if i < 2 { // no colon, or a drive letter
		return ""
	}
	s := location[:i]
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return strings.ToLower(s)
}

// RedactLocation is a journal location fit to print: a URL's credentials
// are replaced as [RedactURL] does; a path is unchanged. A location that
// does not parse as a URL but has a scheme is cut to its scheme, since it
// may hold a secret anywhere.
func RedactLocation(location string) string {
	if JournalScheme(location) == "" {
		return location
	}
	if _, err := url.Parse(location); err != nil {
		return JournalScheme(location) + "://(unparsable location)"
	}
	return RedactURL(location)
}
