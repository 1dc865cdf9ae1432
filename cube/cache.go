package cube

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/maker-go/maker/internal/fileio"
)

// The table file format: a fixed header followed by the payload, all
// little-endian. The payload is the tables in the order of
// (*tables).sections; its layout is fixed by tableVersion, which must be
// bumped whenever coordinates, move numbering or table order change, so that
// stale files are rebuilt instead of silently misread.
const (
	tableMagic   = "MKCUBE2P"
	tableVersion = 1
	tableFile    = "twophase-v1.tables"
	headerSize   = len(tableMagic) + 4 + 8 + 4 // magic, version, payload length, CRC-32C
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// TableInfo describes where the solver's tables came from, so that callers
// and tests can tell a cache hit from a rebuild and see what it cost.
type TableInfo struct {
	Path     string        // cache file used, or "" if none could be used
	Loaded   bool          // tables were read from Path rather than built
	Duration time.Duration // time to load or build (and write) the tables
	CacheErr error         // why the cache could not be read or written, if it matters
}

// DefaultCacheDir returns the directory used when NewSolver is given "":
// os.UserCacheDir()/maker/cube, so tables are shared by every program of the
// user and survive between runs.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "maker", "cube"), nil
}

// loadTables reads the tables from dir or builds and stores them there.
// With explicit == false (the default directory) cache problems are only
// reported in the returned info; with an explicit directory a failure to
// write is also returned as an error, since the caller asked for it.
func loadTables(dir string, explicit bool) (*tables, TableInfo, error) {
	start := time.Now()
	info := TableInfo{}
	if dir == "" {
		t := buildTables()
		info.Duration = time.Since(start)
		info.CacheErr = errors.New("cube: no cache directory")
		return t, info, nil
	}
	info.Path = filepath.Join(dir, tableFile)
	if data, err := fileio.ReadCapped(context.Background(), info.Path, int64(headerSize+payloadSize())); err == nil {
		t, err := decodeTables(data)
		if err == nil {
			info.Loaded = true
			info.Duration = time.Since(start)
			return t, info, nil
		}
		info.CacheErr = err // corrupt or stale: rebuild below
	}
	t := buildTables()
	if err := writeTables(dir, info.Path, t); err != nil {
		info.CacheErr = err
		info.Duration = time.Since(start)
		if explicit {
			return t, info, err
		}
		return t, info, nil
	}
	info.Duration = time.Since(start)
	return t, info, nil
}

// sections lists the tables in file order, as pointers so decoding can fill
// them; each entry carries the length the current version expects.
func (t *tables) sections() (u16 []*[]uint16, u16len []int, u8 []*[]uint8, u8len []int) {
	u16 = []*[]uint16{&t.twistMove, &t.flipMove, &t.sliceMove, &t.cornMove, &t.edgeMove, &t.slicePermMove}
	u16len = []int{nTwist * NumMoves, nFlip * NumMoves, nSlice * NumMoves,
		nCornPerm * nMoves2, nEdgePerm * nMoves2, nSlicePerm * nMoves2}
	u8 = []*[]uint8{&t.twistSlicePrune, &t.flipSlicePrune, &t.cornSlicePrune, &t.edgeSlicePrune}
	u8len = []int{nTwist * nSlice, nFlip * nSlice, nCornPerm * nSlicePerm, nEdgePerm * nSlicePerm}
	return
}

func payloadSize() int {
	var t tables
	_, l16, _, l8 := t.sections()
	n := 0
	for _, l := range l16 {
		n += 2 * l
	}
	for _, l := range l8 {
		n += l
	}
	return n
}

func encodeTables(t *tables) []byte {
	u16, _, u8, _ := t.sections()
	buf := make([]byte, headerSize, headerSize+payloadSize())
	for _, s := range u16 {
		for _, v := range *s {
			buf = binary.LittleEndian.AppendUint16(buf, v)
		}
	}
	for _, s := range u8 {
		buf = append(buf, *s...)
	}
	payload := buf[headerSize:]
	h := buf[len(tableMagic):headerSize]
	copy(buf, tableMagic)
	binary.LittleEndian.PutUint32(h, tableVersion)
	binary.LittleEndian.PutUint64(h[4:], uint64(len(payload)))
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(payload, crcTable))
	return buf
}

// decodeTables validates the header (magic, version, length, checksum) and
// unpacks the payload. Any mismatch is an error, which makes the caller
// rebuild rather than trust a truncated, corrupted or outdated file.
func decodeTables(data []byte) (*tables, error) {
	if len(data) < headerSize || string(data[:len(tableMagic)]) != tableMagic {
		return nil, errors.New("cube: table file has no valid header")
	}
	h := data[len(tableMagic):]
	if v := binary.LittleEndian.Uint32(h); v != tableVersion {
		return nil, fmt.Errorf("cube: table file version %d, want %d", v, tableVersion)
	}
	n := binary.LittleEndian.Uint64(h[4:])
	sum := binary.LittleEndian.Uint32(h[12:])
	payload := data[headerSize:]
	if n != uint64(payloadSize()) || uint64(len(payload)) != n {
		return nil, fmt.Errorf("cube: table file payload is %d bytes (header says %d), want %d",
			len(payload), n, payloadSize())
	}
	if crc32.Checksum(payload, crcTable) != sum {
		return nil, errors.New("cube: table file checksum mismatch")
	}
	t := &tables{}
	u16, l16, u8, l8 := t.sections()
	for i, s := range u16 {
		v := make([]uint16, l16[i])
		for k := range v {
			v[k] = binary.LittleEndian.Uint16(payload[2*k:])
		}
		payload = payload[2*len(v):]
		*s = v
	}
	for i, s := range u8 {
		*s = append([]uint8(nil), payload[:l8[i]]...)
		payload = payload[l8[i]:]
	}
	return t, nil
}

// writeTables stores the tables via a temporary file and a rename, so a
// concurrent reader or a crash never sees a half-written file.
func writeTables(dir, path string, t *tables) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cube: creating table cache: %w", err)
	}
	f, err := os.CreateTemp(dir, tableFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("cube: writing table cache: %w", err)
	}
	_, werr := f.Write(encodeTables(t))
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cube: writing table cache: %w", werr)
	}
	return nil
}
