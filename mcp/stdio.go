package mcp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// MaxLine is the longest line `maker mcp` reads on its input, in bytes,
// its end of line not counted: one JSON-RPC message a line, as the stdio
// transport frames them. It holds four of the largest request /mcp takes
// over HTTP ([MaxBody]). A longer line is read past without being kept
// and answered with a parse error.
const MaxLine = 4 << 20

// StdioTransport is the transport of `maker mcp`: newline-delimited
// JSON-RPC on r and w, as the SDK's IOTransport, except that a bad line
// does not end the session. The SDK ends it at the first line it cannot
// read; here such a line is answered, and the next one read:
//
//   - not JSON, or longer than [MaxLine]: error -32700 (parse error), id null;
//   - JSON but not one JSON-RPC message (a batch, a number, a message
//     without "jsonrpc":"2.0" or with an id that is neither a string nor a
//     number): error -32600 (invalid request), with the message's id when
//     it has a usable one, else null.
//
// Blank lines are skipped. r and w stay open when the session ends: they
// belong to the caller.
func StdioTransport(r io.Reader, w io.Writer) sdk.Transport {
	out := &lineWriter{w: w}
	return &sdk.IOTransport{
		Reader: &lineFilter{src: bufio.NewReaderSize(r, 64<<10), out: out, max: MaxLine},
		Writer: out,
		// lineFilter bounds every line the SDK sees.
		MaxLineLength: -1,
	}
}

// lineWriter writes the SDK's messages and the filter's answers one whole
// line at a time: the SDK writes each message with one Write, and the
// filter answers from the SDK's reading goroutine, concurrently.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (*lineWriter) Close() error { return nil }

// lineFilter hands the SDK only the lines that are one JSON-RPC message
// each, and answers the others itself.
type lineFilter struct {
	src     *bufio.Reader
	out     io.Writer
	max     int
	line    []byte // the line being read, reused
	pending []byte // what is left of a good line for the SDK
	err     error  // the input's end or failure, after pending
}

func (f *lineFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.pending, f.err = f.next()
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

func (*lineFilter) Close() error { return nil }

// next reads one line: it returns it, with its end of line, when it is a
// message for the SDK, or nil once it has answered it or skipped it
// blank. err is the input's end or failure after the line.
func (f *lineFilter) next() ([]byte, error) {
	f.line = f.line[:0]
	long := false
	for {
		chunk, err := f.src.ReadSlice('\n')
		if !long {
			if len(f.line)+len(bytes.TrimRight(chunk, "\r\n")) > f.max {
				long, f.line = true, f.line[:0]
			} else {
				f.line = append(f.line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && len(f.line) == 0 && !long {
			return nil, err // the input ended between lines
		}
		if long {
			return nil, f.answer(nil, jsonrpc.CodeParseError, fmt.Sprintf("Parse error: line longer than %d bytes", f.max), err)
		}
		msg := bytes.TrimSpace(f.line)
		if len(msg) == 0 {
			return nil, err
		}
		if id, code, why := check(msg); code != 0 {
			return nil, f.answer(id, code, why, err)
		}
		if f.line[len(f.line)-1] != '\n' {
			f.line = append(f.line, '\n')
		}
		return f.line, err
	}
}

// check says whether msg is one JSON-RPC message the SDK can read, and if
// not, the error code and message to answer it with, and the id to answer
// to (nil for null).
func check(msg []byte) (id json.RawMessage, code int64, why string) {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return nil, jsonrpc.CodeParseError, "Parse error: " + err.Error()
	}
	if _, ok := v.(map[string]any); !ok {
		if _, batch := v.([]any); batch {
			return nil, jsonrpc.CodeInvalidRequest, "Invalid Request: batches are not supported; send one message a line"
		}
		return nil, jsonrpc.CodeInvalidRequest, "Invalid Request: want a JSON-RPC message (an object)"
	}
	if _, err := jsonrpc.DecodeMessage(msg); err != nil {
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		_ = json.Unmarshal(msg, &m)
		if len(m.ID) == 0 || (m.ID[0] != '"' && (m.ID[0] < '0' || m.ID[0] > '9') && m.ID[0] != '-') {
			m.ID = nil
		}
		return m.ID, jsonrpc.CodeInvalidRequest, "Invalid Request: " + err.Error()
	}
	return nil, 0, ""
}

// answer writes a JSON-RPC error answer; it returns err, or the write's
// error: with the output gone, the session is over.
func (f *lineFilter) answer(id json.RawMessage, code int64, message string, err error) error {
	if id == nil {
		id = json.RawMessage("null")
	}
	b, merr := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int64  `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: "2.0", ID: id, Error: struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	}{code, message}})
	if merr != nil {
		return merr
	}
	if _, werr := f.out.Write(append(b, '\n')); werr != nil {
		return werr
	}
	return err
}
