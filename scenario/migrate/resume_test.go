package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// TestKillAndResume runs the real command, kills it with SIGKILL in the
// middle of the migration, shows that the file is at a consistent point
// (intact, with the content of the baseline and a good backup), and then
// resumes it from its own progress table to the end.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the maker command")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := filepath.Join(dir, "maker")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/maker")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "shop.db")
	run := exec.Command(bin, "scenario", "migrate", "--db-file", db, "--size", "3000", "--sim-latency", "25ms", "-q", "--json", "--no-journal")
	var stderr bytes.Buffer
	run.Stderr = &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()

	// Wait until the run is well into the plan, past its first backup.
	var at State
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the run ended before it was killed: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			run.Process.Kill()
			t.Fatalf("no progress after 30 s: %+v\n%s", at, stderr.String())
		}
		if s, _, err := ReadProgress(ctx, db); err == nil {
			at = s
			if s.Backup >= 0 && len(s.Applied) >= 6 {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := run.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	// After the kill: the file opens, passes SQLite's integrity check, its
	// progress names a step of the plan, its content is the baseline's, and
	// the backup it names holds the baseline too.
	task, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	task.DB().QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	cp, err := task.Checkpoint(ctx)
	if err != nil || ok != "ok" {
		t.Fatalf("after the kill: integrity %q, progress %v", ok, err)
	}
	killed := cp.State
	if killed.Verified != "" || len(killed.Applied) < 6 || killed.Backup < 0 {
		t.Fatalf("killed at an unexpected point: %+v", killed)
	}
	sums, err := Checksums(ctx, task.DB())
	if err != nil || !sums.Equal(task.Baseline()) {
		t.Fatalf("content after the kill: %v (%v), baseline %v", sums, err, task.Baseline())
	}
	bs, err := FileChecksums(ctx, task.BackupPath(killed.Backup))
	if err != nil || !bs.Equal(task.Baseline()) {
		t.Fatalf("backup %d after the kill: %v (%v)", killed.Backup, bs, err)
	}
	// The schema agrees with the progress: the migrations recorded as
	// applied are there, the next one is not.
	var cols int
	task.DB().QueryRow(`SELECT count(*) FROM pragma_table_info('customers') WHERE name IN ('first_name', 'last_name')`).Scan(&cols)
	applied := len(killed.Applied)
	if killed.Pending != "" {
		applied++
	}
	if want := map[bool]int{true: 2, false: 0}[applied >= 4]; cols != want {
		t.Fatalf("%d name columns with %d migrations applied", cols, applied)
	}
	task.Close()

	// Resume from the file's own progress table.
	out, err := exec.Command(bin, "scenario", "migrate", "--db-file", db, "--resume", "-q", "--json").Output()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	var sum struct {
		Success        bool   `json:"success"`
		StartStep      int    `json:"start_step"`
		Applied        int    `json:"applied"`
		Verified       string `json:"verified"`
		ChecksumsMatch bool   `json:"checksums_match"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !sum.Success || sum.StartStep != killed.Steps || sum.Applied != len(Plan) || sum.Verified != "intact" || !sum.ChecksumsMatch {
		t.Fatalf("resumed run: %s (killed at step %d)", out, killed.Steps)
	}
	if final, err := FileChecksums(ctx, db); err != nil || !final.Equal(sums) {
		t.Fatalf("final checksums %v (%v)", final, err)
	}
	if _, err := os.Stat(db + ".restore"); err == nil {
		t.Fatal("a restore copy was left behind")
	}
	t.Logf("killed after step %d (%d applied, backup %d), resumed to the end", killed.Steps, len(killed.Applied), killed.Backup)
}

// TestKilledCreateIsRecoverable kills the command while it is still
// creating the database, before the file holds its metadata: neither a
// resumed run nor a new one may then be stuck. A resume says there is
// nothing to resume and how to go on; a new run with the same --db-file
// creates the database and migrates it, leaving no partial file behind.
func TestKilledCreateIsRecoverable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the maker command")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "maker")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/maker").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "shop.db")
	// Millions of rows take seconds to write: the kill comes as soon as
	// the first bytes of the database are on disk.
	run := exec.Command(bin, "scenario", "migrate", "--db-file", db, "--size", "5000000", "-q", "--json", "--no-journal")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for started := false; !started; {
		select {
		case err := <-exited:
			t.Fatalf("the run ended before it was killed: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			run.Process.Kill()
			t.Fatal("no database file after 30 s")
		}
		for _, p := range []string{db, CreatingPath(db)} {
			if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
				started = true
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := run.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	resume := exec.Command(bin, "scenario", "migrate", "--db-file", db, "--resume", "-q", "--json", "--no-journal")
	out, err := resume.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !bytes.Contains(out, []byte("without --resume")) {
		t.Errorf("resume after a killed create: %v: %s; want exit 2 saying to run without --resume", err, out)
	}
	out, err = exec.Command(bin, "scenario", "migrate", "--db-file", db, "--size", "300", "-q", "--json", "--no-journal").Output()
	if err != nil {
		t.Fatalf("a new run after a killed create: %v: %s", err, out)
	}
	var sum struct {
		Success        bool `json:"success"`
		ChecksumsMatch bool `json:"checksums_match"`
	}
	if err := json.Unmarshal(out, &sum); err != nil || !sum.Success || !sum.ChecksumsMatch {
		t.Fatalf("new run: %v %s", err, out)
	}
	if _, err := os.Stat(CreatingPath(db)); err == nil {
		t.Error("the partial file was left behind")
	}
}

// TestCreateLeavesNothingOnFailure: a creation that fails (here, cancelled)
// leaves neither the database nor its partial file.
func TestCreateLeavesNothingOnFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := filepath.Join(t.TempDir(), "shop.db")
	if _, err := Create(ctx, db, newInstance(MinRows, 1)); err == nil {
		t.Fatal("Create with a cancelled context succeeded")
	}
	for _, p := range []string{db, CreatingPath(db), CreatingPath(db) + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
}

// TestExecuteDoesNotRepeatAStep decides again a step the database has
// already carried out, as a run resumed from a journal that had not
// recorded it does: the same decision gets the recorded outcome without
// the action being done twice, another decision is refused, and a file
// reopened keeps its id.
func TestExecuteDoesNotRepeatAStep(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	in, err := Generate(MinRows, 1)
	if err != nil {
		t.Fatal(err)
	}
	task, err := Create(ctx, path, in)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	s0 := task.Initial()
	on, err := task.Execute(ctx, s0, maker.Candidate[State]{Action: "maintenance on"})
	if err != nil {
		t.Fatal(err)
	}
	if rec, action, err := task.Recorded(ctx, 1); err != nil || action != "maintenance on" || rec.MaintSince != on.MaintSince {
		t.Fatalf("recorded step 1: %q %+v %v", action, rec, err)
	}
	time.Sleep(5 * time.Millisecond) // a second switch would record a later time
	again, err := task.Execute(ctx, s0, maker.Candidate[State]{Action: "maintenance on"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, on) {
		t.Errorf("the step decided again: %+v, first %+v", again, on)
	}
	if _, err := task.Execute(ctx, s0, maker.Candidate[State]{Action: "backup 0"}); err == nil || !strings.Contains(err.Error(), `already carried out "maintenance on"`) {
		t.Errorf("another decision for a step the database did: %v", err)
	}
	if _, _, err := task.Recorded(ctx, 2); err == nil {
		t.Error("step 2 is recorded before it was carried out")
	}
	if task.ID() == "" {
		t.Fatal("a new database has no id")
	}
	reopened, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if reopened.ID() != task.ID() {
		t.Errorf("reopened id %q, created %q", reopened.ID(), task.ID())
	}
	other, err := Create(ctx, filepath.Join(t.TempDir(), "shop.db"), in)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.ID() == task.ID() {
		t.Errorf("two databases share the id %q", task.ID())
	}
}
