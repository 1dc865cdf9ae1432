package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// Two processes opening one new journal at once: the second waits for the
// first's lock (the busy timeout applies from the first statement,
// switching to WAL included) instead of failing with SQLITE_BUSY.
func TestOpenWaitsForALockedJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `CREATE TABLE hold (x); BEGIN EXCLUSIVE; INSERT INTO hold VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		conn.ExecContext(context.Background(), `COMMIT`)
		conn.Close()
	}()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open while another connection holds the lock briefly: %v", err)
	}
	db.Close()
}
