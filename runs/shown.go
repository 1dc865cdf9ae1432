package runs

import (
	"bytes"
	"encoding/json"

	"github.com/maker-go/maker"
)

// shown is run as front ends show it: a task file's params without the
// text of the data files sent with it (params.files), which may be
// megabytes and which a dashboard polling the run would fetch again every
// time, and without the rules a service accepted a client's task file
// under (params.client: its allowed directories, which its errors never
// name either); params.data still names each file with its SHA-256. The
// journal keeps both: the run resumes from them.
func shown(run *maker.RunRecord) *maker.RunRecord {
	if !bytes.Contains(run.Params, []byte(`"files"`)) && !bytes.Contains(run.Params, []byte(`"client"`)) {
		return run
	}
	var p map[string]json.RawMessage
	if len(run.Params) == 0 || run.Params[0] != '{' || json.Unmarshal(run.Params, &p) != nil {
		return run
	}
	_, files := p["files"]
	_, client := p["client"]
	if !files && !client {
		return run
	}
	delete(p, "files")
	delete(p, "client")
	b, err := json.Marshal(p)
	if err != nil {
		return run
	}
	out := *run
	out.Params = b
	return &out
}
