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

// maxRecord bounds one line of an input file, so a file without line
// breaks cannot make a step's prompt, or the reader, unbounded.
const maxRecord = 1 << 20

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

// newRecordReader reads the given format from r.
func newRecordReader(format string, r io.Reader) (recordReader, error) {
	switch format {
	case formatJSONL:
		return &jsonlReader{lines: newLineReader(r)}, nil
	case formatLines:
		return &plainReader{lines: newLineReader(r)}, nil
	case formatCSV:
		return newCSVReader(r)
	}
	return nil, fmt.Errorf("unknown input format %q (want jsonl, csv or lines)", format)
}

// lineReader reads lines of at most maxRecord bytes, counting them.
type lineReader struct {
	r    *bufio.Reader
	line int // of the line last returned
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
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
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if raw == nil {
		return nil, errors.New("not a JSON object: null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value on the line")
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		var val any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&val); err != nil {
			return nil, fmt.Errorf("field %q: %v", k, err)
		}
		switch val.(type) {
		case map[string]any, []any:
			var b bytes.Buffer
			if err := json.Compact(&b, v); err != nil {
				return nil, fmt.Errorf("field %q: %v", k, err)
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
// must have one value per field.
type csvReader struct {
	r      *csv.Reader
	header []string
}

func newCSVReader(r io.Reader) (*csvReader, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &recordError{1, "empty CSV file: the first row must name the fields"}
	}
	if err != nil {
		return nil, csvErr(err)
	}
	c := &csvReader{r: cr, header: append([]string(nil), header...)}
	seen := map[string]bool{}
	for i, h := range c.header {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, &recordError{1, fmt.Sprintf("header column %d has no name", i+1)}
		}
		if seen[h] {
			return nil, &recordError{1, fmt.Sprintf("header names %q twice", h)}
		}
		seen[h] = true
		c.header[i] = h
	}
	cr.FieldsPerRecord = len(c.header)
	return c, nil
}

func (c *csvReader) next() (Record, error) {
	row, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok && errors.Is(pe.Err, csv.ErrFieldCount) {
			return Record{}, &recordError{pe.StartLine, fmt.Sprintf("ragged row: %d fields, the header has %d", len(row), len(c.header))}
		}
		return Record{}, csvErr(err)
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
