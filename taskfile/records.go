package taskfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/maker-go/maker/internal/strictjson"
)

// Record is one per-step input: a line of a JSON Lines or CSV file, a line
// of a plain file, or an item of an inline list. In a template,
// {{.Input}} writes the record as the file has it and {{.Input.name}} one
// of its fields (JSON Lines and CSV records, and inline mappings, have
// fields; plain lines do not).
type Record struct {
	// Text is the record as written: the line, or an inline item.
	Text string
	// Fields are the record's named values, nil for a plain line.
	Fields map[string]any
	// Line is where the record starts in its file, 0 for an inline item.
	Line int
}

// String is what {{.Input}} writes.
func (r Record) String() string { return r.Text }

// Input formats.
const (
	formatJSONL = "jsonl"
	formatCSV   = "csv"
	formatLines = "lines"
)

// maxRecord bounds one record of a data file (a line, or a CSV record,
// which may span lines), so a file without line breaks cannot make a
// step's prompt, or the reader, unbounded. A field is at most a record.
const maxRecord = 1 << 20

// maxFields bounds the fields of one record (a CSV file's columns, a JSON
// object's keys, an inline mapping's), so that a record and the messages
// that list its fields stay small.
const maxFields = 1000

// bom is the UTF-8 byte-order mark some editors write at the start of a
// file: it is not part of the first record.
const bom = "\ufeff"

// recordError is a problem at a line of an input file.
type recordError struct {
	line int
	msg  string
}

func (e *recordError) Error() string { return e.msg }

// recordReader reads records one at a time, holding only the current one.
type recordReader interface {
	// next returns the next record, or io.EOF after the last.
	next() (Record, error)
}

// newRecordReader reads the given format from r, after a byte-order mark
// if the file starts with one.
func newRecordReader(format string, r io.Reader) (recordReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(len(bom)); string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	switch format {
	case formatJSONL:
		return &jsonlReader{lines: &lineReader{r: br}}, nil
	case formatLines:
		return &plainReader{lines: &lineReader{r: br}}, nil
	case formatCSV:
		return newCSVReader(br)
	}
	return nil, fmt.Errorf("unknown input format %q (want jsonl, csv or lines)", format)
}

// lineReader reads lines of at most maxRecord bytes, counting them.
type lineReader struct {
	r    *bufio.Reader
	line int // of the line last returned
}

// nextLine returns the next line that is not blank, without its line end.
func (l *lineReader) nextLine() (string, error) {
	for {
		var buf []byte
		for {
			chunk, err := l.r.ReadSlice('\n')
			buf = append(buf, chunk...)
			if len(buf) > maxRecord+2 {
				l.line++
				return "", &recordError{l.line, fmt.Sprintf("line longer than %d bytes", maxRecord)}
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return "", err
			}
			if len(buf) == 0 && err != nil {
				return "", io.EOF
			}
			break
		}
		l.line++
		s := strings.TrimRight(string(buf), "\r\n")
		if !utf8.ValidString(s) {
			return "", &recordError{l.line, "not valid UTF-8"}
		}
		if strings.TrimSpace(s) != "" {
			return s, nil
		}
	}
}

type plainReader struct{ lines *lineReader }

func (p *plainReader) next() (Record, error) {
	s, err := p.lines.nextLine()
	if err != nil {
		return Record{}, err
	}
	return Record{Text: s, Line: p.lines.line}, nil
}

type jsonlReader struct{ lines *lineReader }

func (j *jsonlReader) next() (Record, error) {
	s, err := j.lines.nextLine()
	if err != nil {
		return Record{}, err
	}
	fields, err := jsonObject(s)
	if err != nil {
		return Record{}, &recordError{j.lines.line, err.Error()}
	}
	return Record{Text: s, Fields: fields, Line: j.lines.line}, nil
}

// jsonObject reads one JSON object. Numbers keep their written form, and a
// nested object or list is kept as its compact JSON text, so that every
// field prints in a template as the file has it.
func jsonObject(s string) (map[string]any, error) {
	// Read strictly: a field given twice is an error, not a value the
	// last one silently replaces.
	var raw map[string]json.RawMessage
	if err := strictjson.Unmarshal([]byte(s), &raw); err != nil {
		if errors.Is(err, strictjson.ErrTrailing) {
			return nil, errors.New("more than one JSON value on the line")
		}
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if raw == nil {
		return nil, errors.New("not a JSON object: null")
	}
	if len(raw) > maxFields {
		return nil, fmt.Errorf("%d fields, over the %d a record may have", len(raw), maxFields)
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		var val any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&val); err != nil {
			return nil, fmt.Errorf("field %s: %v", quote(k), err)
		}
		switch val.(type) {
		case map[string]any, []any:
			var b bytes.Buffer
			if err := json.Compact(&b, v); err != nil {
				return nil, fmt.Errorf("field %s: %v", quote(k), err)
			}
			val = rawJSON(b.String())
		case nil:
			val = ""
		}
		out[k] = val
	}
	return out, nil
}

// csvReader reads a CSV file whose first row names the fields; every row
// must have one value per field. A record is at most [maxRecord] bytes and
// the header at most [maxFields] columns.
type csvReader struct {
	r      *csv.Reader
	lim    *recordLimit
	header []string
	// nextLine is the line after the last record read: where the next
	// one starts, blank lines aside.
	nextLine int
}

func newCSVReader(r *bufio.Reader) (*csvReader, error) {
	lim := &recordLimit{r: r}
	// Over its own small buffer, so that what the parser may read ahead of
	// a record is known.
	cr := csv.NewReader(bufio.NewReaderSize(lim, csvBuffer))
	cr.ReuseRecord = true
	c := &csvReader{r: cr, lim: lim, nextLine: 1}
	header, err := c.read()
	if errors.Is(err, io.EOF) {
		return nil, &recordError{1, "empty CSV file: the first row must name the fields"}
	}
	if err != nil {
		return nil, err
	}
	if len(header) > maxFields {
		return nil, &recordError{1, fmt.Sprintf("the header has %d columns, over the %d a file may have", len(header), maxFields)}
	}
	c.header = append([]string(nil), header...)
	seen := map[string]bool{}
	for i, h := range c.header {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, &recordError{1, fmt.Sprintf("header column %d has no name", i+1)}
		}
		if seen[h] {
			return nil, &recordError{1, fmt.Sprintf("header names %s twice", quote(h))}
		}
		seen[h] = true
		c.header[i] = h
	}
	cr.FieldsPerRecord = len(c.header)
	return c, nil
}

// csvBuffer is the CSV parser's read-ahead.
const csvBuffer = 4096

// read reads one record of at most maxRecord bytes: the parser may take in
// at most that, and its read-ahead, past the end of the last record.
func (c *csvReader) read() ([]string, error) {
	start := c.r.InputOffset()
	c.lim.left = maxRecord + 2 + csvBuffer - (c.lim.read - start)
	row, err := c.r.Read()
	if errors.Is(err, errRecordLimit) || err == nil && c.r.InputOffset()-start > maxRecord+2 {
		return nil, &recordError{c.nextLine, fmt.Sprintf("record longer than %d bytes", maxRecord)}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok && errors.Is(pe.Err, csv.ErrFieldCount) {
			return nil, &recordError{pe.StartLine, fmt.Sprintf("ragged row: %d fields, the header has %d", len(row), len(c.header))}
		}
		return nil, csvErr(err)
	}
	// The record ends on its last field's line, plus the line breaks in
	// that field.
	last, _ := c.r.FieldPos(len(row) - 1)
	c.nextLine = last + strings.Count(row[len(row)-1], "\n") + 1
	return row, nil
}

func (c *csvReader) next() (Record, error) {
	row, err := c.read()
	if err != nil {
		return Record{}, err
	}
	line, _ := c.r.FieldPos(0)
	fields := make(map[string]any, len(row))
	for i, v := range row {
		if !utf8.ValidString(v) {
			return Record{}, &recordError{line, "not valid UTF-8"}
		}
		fields[c.header[i]] = v
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(row) // into a strings.Builder, which cannot fail
	w.Flush()
	return Record{Text: strings.TrimRight(b.String(), "\n"), Fields: fields, Line: line}, nil
}

// errRecordLimit stops the CSV parser in a record over the limit.
var errRecordLimit = errors.New("record over the limit")

// recordLimit lets the CSV parser read only left more bytes: set before
// each record, it bounds what one record can take whatever the file holds
// (a quoted field that never closes, a line with no end).
type recordLimit struct {
	r    io.Reader
	read int64 // bytes given to the parser so far
	left int64
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errRecordLimit
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	l.left -= int64(n)
	return n, err
}

// csvErr turns the csv package's errors into located ones.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return &recordError{pe.StartLine, "ragged row: the header has a different number of fields"}
		}
		return &recordError{pe.Line, pe.Err.Error()}
	}
	return err
}

// rawJSON is a nested object or list in a JSON Lines record: a template
// writes it as its JSON text, and it marshals as itself.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }
