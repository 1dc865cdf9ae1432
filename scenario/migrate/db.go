package migrate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strings"

	"github.com/maker-go/maker/scenario"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// openDB opens a database file with one connection, so that pragmas hold
// for every statement, and a busy timeout for readers beside it.
func openDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(0)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: open %s: %w", path, err)
	}
	return db, nil
}

// populate creates the flat version-1 schema and fills it with the
// instance's seeded content: full names, free-text countries, mixed-case
// e-mails with stray spaces, amounts as text, mixed-case statuses.
func populate(ctx context.Context, db *sql.DB, in Instance) error {
	rng := scenario.Rand(in.Seed, 0x6d6967)
	first := []string{"Ann", "Bob", "Cai", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lea", "Mo", "Ned"}
	last := []string{"Smith", "Ng", "Okafor", "Silva", "Weber", "Kowalski", "Tanaka", "Haddad", "Novak", "Rossi"}
	countries := []string{"DE", "FR", "US", "JP", "BR", "IN", "NG", "PL", "IT", "CA", "KE", "NZ"}
	statuses := []string{"new", "Paid", "SHIPPED", "cancelled", "paid", "New"}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, email TEXT NOT NULL, country TEXT NOT NULL, created TEXT NOT NULL)`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, amount TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	ci, err := tx.PrepareContext(ctx, `INSERT INTO customers VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	nc := in.Customers()
	for id := 1; id <= nc; id++ {
		f, l := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		email := fmt.Sprintf("%s.%s%d@Example.com", f, l, id)
		if rng.IntN(4) == 0 {
			email = "  " + email + " "
		}
		created := fmt.Sprintf("2024-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		if _, err := ci.ExecContext(ctx, id, f+" "+l, email, countries[rng.IntN(len(countries))], created); err != nil {
			return err
		}
	}
	oi, err := tx.PrepareContext(ctx, `INSERT INTO orders VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for id := 1; id <= in.Orders(); id++ {
		amount := fmt.Sprintf("%d.%02d", rng.IntN(500), rng.IntN(100))
		created := fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		if _, err := oi.ExecContext(ctx, id, 1+rng.IntN(nc), amount, statuses[rng.IntN(len(statuses))], created); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`CREATE TABLE _migration_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
		`CREATE TABLE _migration_progress (step INTEGER PRIMARY KEY, action TEXT NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Sum is a table's row count and a checksum of its content.
type Sum struct {
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// Sums are the checksums of the two content tables.
type Sums map[string]Sum

// contentQuery is the query that reads a table's content in a form every
// schema version shares (full name, normalised e-mail, country code;
// amount in cents, upper-case status), ordered by id: equal content gives
// an equal checksum whatever the migration has reached.
func contentQuery(ctx context.Context, q querier, table string) (string, error) {
	cols := map[string]bool{}
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return "", err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return "", err
		}
		cols[c] = true
	}
	rows.Close()
	if len(cols) == 0 {
		return "", fmt.Errorf("table %s is missing", table)
	}
	pick := func(have, a, b string) string {
		if cols[have] {
			return a
		}
		return b
	}
	switch table {
	case "customers":
		return fmt.Sprintf(`SELECT id, %s, lower(trim(email)), %s, created FROM customers ORDER BY id`,
			pick("full_name", "full_name", "first_name || ' ' || last_name"), pick("country", "country", "country_code")), nil
	case "orders":
		return fmt.Sprintf(`SELECT id, customer_id, %s, upper(status), created FROM orders ORDER BY id`,
			pick("amount", "CAST(round(CAST(amount AS REAL) * 100) AS INTEGER)", "amount_cents")), nil
	}
	return "", fmt.Errorf("no content query for table %s", table)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Checksums reads both content tables and hashes them (FNV-1a 64 over
// every field of every row, in id order).
func Checksums(ctx context.Context, db querier) (Sums, error) {
	out := Sums{}
	for _, table := range []string{"customers", "orders"} {
		q, err := contentQuery(ctx, db, table)
		if err != nil {
			return nil, err
		}
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		h := fnv.New64a()
		var n int64
		vals := make([]sql.RawBytes, 5)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			for _, v := range vals {
				h.Write(v)
				h.Write([]byte{0})
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[table] = Sum{Rows: n, Checksum: fmt.Sprintf("%016x", h.Sum64())}
	}
	return out, nil
}

// FileChecksums opens a database file read-only-in-spirit and returns its
// content checksums, for tests and for checking backups.
func FileChecksums(ctx context.Context, path string) (Sums, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return Checksums(ctx, db)
}

// Equal reports whether two checksum sets match.
func (s Sums) Equal(o Sums) bool {
	if len(s) != len(o) {
		return false
	}
	for k, v := range s {
		if o[k] != v {
			return false
		}
	}
	return true
}

// String renders the sums in table order.
func (s Sums) String() string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d rows %s", k, s[k].Rows, s[k].Checksum)
	}
	return strings.Join(parts, ", ")
}

// errNoStep is returned by recorded for a step the progress table does
// not hold.
var errNoStep = errors.New("no such step")

// errNoMeta is returned by getMeta for a key the file does not hold.
var errNoMeta = errors.New("no such metadata")

// meta reads and writes the JSON values of _migration_meta.
func getMeta(ctx context.Context, db querier, key string, v any) error {
	rows, err := db.QueryContext(ctx, `SELECT value FROM _migration_meta WHERE key = ?`, key)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return fmt.Errorf("no %s recorded: %w", key, errNoMeta)
	}
	var s string
	if err := rows.Scan(&s); err != nil {
		return err
	}
	return json.Unmarshal([]byte(s), v)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func putMeta(ctx context.Context, db execer, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT OR REPLACE INTO _migration_meta (key, value) VALUES (?, ?)`, key, string(b))
	return err
}

// record writes the state after a step into the progress table.
func record(ctx context.Context, db execer, action string, s State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT OR REPLACE INTO _migration_progress (step, action, state) VALUES (?, ?, ?)`, s.Steps, action, string(b))
	return err
}

// ErrNoProgress is returned for a file that holds no migration progress.
var ErrNoProgress = errors.New("migrate: the database has no migration progress table")

// latest reads the most recent progress record.
func latest(ctx context.Context, db querier) (State, string, error) {
	rows, err := db.QueryContext(ctx, `SELECT action, state FROM _migration_progress ORDER BY step DESC LIMIT 1`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return State{}, "", ErrNoProgress
		}
		return State{}, "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return State{}, "", ErrNoProgress
	}
	var action, js string
	if err := rows.Scan(&action, &js); err != nil {
		return State{}, "", err
	}
	var s State
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return State{}, "", fmt.Errorf("migrate: progress record: %w", err)
	}
	return s, action, rows.Err()
}

// recorded reads the record of one step.
func recorded(ctx context.Context, db querier, step int) (State, string, error) {
	rows, err := db.QueryContext(ctx, `SELECT action, state FROM _migration_progress WHERE step = ?`, step)
	if err != nil {
		return State{}, "", err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return State{}, "", err
		}
		return State{}, "", fmt.Errorf("migrate: the progress table records no step %d: %w", step, errNoStep)
	}
	var action, js string
	if err := rows.Scan(&action, &js); err != nil {
		return State{}, "", err
	}
	var s State
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return State{}, "", fmt.Errorf("migrate: progress record of step %d: %w", step, err)
	}
	return s, action, nil
}

// first reads the record of step 0, the state before the first action.
func first(ctx context.Context, db querier, s *State) error {
	rows, err := db.QueryContext(ctx, `SELECT state FROM _migration_progress WHERE step = 0`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return ErrNoProgress
	}
	var js string
	if err := rows.Scan(&js); err != nil {
		return err
	}
	return json.Unmarshal([]byte(js), s)
}

// ReadProgress returns the latest recorded state of the migration in the
// database file at path and the action that led to it.
func ReadProgress(ctx context.Context, path string) (State, string, error) {
	if _, err := os.Stat(path); err != nil {
		return State{}, "", err
	}
	db, err := openDB(path)
	if err != nil {
		return State{}, "", err
	}
	defer db.Close()
	return latest(ctx, db)
}

// counts reads the row counts of the content tables.
func counts(ctx context.Context, db querier) (customers, orders int64, err error) {
	for _, c := range []struct {
		table string
		n     *int64
	}{{"customers", &customers}, {"orders", &orders}} {
		rows, err := db.QueryContext(ctx, `SELECT count(*) FROM `+c.table)
		if err != nil {
			return 0, 0, err
		}
		if rows.Next() {
			rows.Scan(c.n)
		}
		rows.Close()
	}
	return customers, orders, nil
}
