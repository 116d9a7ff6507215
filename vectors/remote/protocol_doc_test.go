//go:build unix

package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/internal/docexamples"
	"github.com/dualoffline/dualoffline/vectors"
)

// protocolDoc is the adapter protocol's document, whose examples the
// verifier must accept.
const protocolDoc = "../../conformance/adapter/PROTOCOL.md"

// TestProtocolDocExamples checks every example of PROTOCOL.md against the
// harness and the vectors: requests decode as the harness's own and a
// verify request is exactly the case the harness sends for its tcId;
// answers pass the harness's checks, and an answer to an example request
// is the right verdict for that vector; the vendor config loads and each
// disabled entry matches a published case; device operations match the
// devices schema. A stale example fails here.
func TestProtocolDocExamples(t *testing.T) {
	blocks, err := docexamples.Read(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	files, err := vectors.Files()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]vectors.Case{}
	tests := map[string]*vectors.Test{}
	for _, f := range files {
		for _, tc := range f.Tests() {
			cases[tc.TcID], tests[tc.TcID] = f.Case(tc), tc
		}
	}
	type example struct {
		where string
		raw   json.RawMessage
	}
	var all []example
	for _, b := range docexamples.Lang(blocks, "json") {
		vs, err := docexamples.JSON(b)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, v := range vs {
			all = append(all, example{b.Where(), v})
		}
	}
	if len(all) == 0 {
		t.Fatal("no json examples")
	}
	// The vendor config first: answers of §2 use its names.
	var cfg *adapter.VendorConfig
	for _, ex := range all {
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(ex.raw, &probe)
		if _, isMsg := probe["id"]; isMsg {
			continue
		}
		c, err := adapter.ParseConfig(bytes.NewReader(ex.raw))
		if err != nil {
			t.Errorf("%s: vendor config: %v", ex.where, err)
			continue
		}
		for _, d := range c.Disabled {
			found := false
			for id := range cases {
				if ok, _ := path.Match(d.TcID, id); ok {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: vendor config disables %q, which matches no vector", ex.where, d.TcID)
			}
		}
		if cfg == nil {
			cfg = c // §5's; later configs (the changelog's) are only checked
		}
	}
	if cfg == nil {
		t.Error("no vendor config example")
	}
	v := &Verifier{Config: cfg}
	methods := map[uint64]string{}
	sent := map[uint64]vectors.Case{}
	for _, ex := range all {
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(ex.raw, &probe)
		if _, isMsg := probe["id"]; !isMsg {
			continue
		}
		if _, isReq := probe["method"]; isReq {
			var req struct {
				ID     uint64          `json:"id"`
				Method string          `json:"method"`
				Params json.RawMessage `json:"params"`
			}
			if err := adapter.StrictUnmarshal(ex.raw, &req); err != nil || req.ID == 0 {
				t.Errorf("%s: request: %v", ex.where, err)
				continue
			}
			methods[req.ID] = req.Method
			switch {
			case req.Method == adapter.MethodHello:
				var hp adapter.HelloParams
				if err := adapter.StrictUnmarshal(req.Params, &hp); err != nil || hp.Protocol != adapter.ProtocolVersion {
					t.Errorf("%s: hello params %s: %v", ex.where, req.Params, err)
				}
			case req.Method == adapter.MethodVerify:
				var c vectors.Case
				if err := adapter.StrictUnmarshal(req.Params, &c); err != nil {
					t.Errorf("%s: verify params: %v", ex.where, err)
					continue
				}
				want, ok := cases[c.TcID]
				if !ok {
					t.Errorf("%s: verify example names %q, which is no vector", ex.where, c.TcID)
					continue
				}
				wantJSON, _ := json.Marshal(want)
				if diff := cmp.Diff(jsonValue(t, wantJSON), jsonValue(t, req.Params)); diff != "" {
					t.Errorf("%s: verify example is not what the harness sends for %s (-want +got):\n%s", ex.where, c.TcID, diff)
				}
				sent[req.ID] = want
			case strings.Contains(req.Method, "."):
				if err := adapter.ValidateDevice(req.Method, "params", req.Params); err != nil {
					t.Errorf("%s: %v", ex.where, err)
				}
			case req.Method == adapter.MethodShutdown:
			default:
				t.Errorf("%s: unknown method %q", ex.where, req.Method)
			}
			continue
		}
		var r adapter.Response
		if err := adapter.StrictUnmarshal(ex.raw, &r); err != nil || r.ID == nil {
			t.Errorf("%s: answer: %v", ex.where, err)
			continue
		}
		hasResult := len(r.Result) > 0
		if hasResult == (r.Error != nil) || r.Error != nil && r.Error.Code == "" {
			t.Errorf("%s: an answer has exactly one of result and error, an error a code: %s", ex.where, ex.raw)
			continue
		}
		if r.Error != nil {
			continue
		}
		method, ok := methods[*r.ID]
		if !ok {
			method = adapter.MethodVerify // the verdict examples of §2.2
		}
		switch {
		case method == adapter.MethodHello:
			var h adapter.Hello
			if err := adapter.StrictUnmarshal(r.Result, &h); err != nil {
				t.Errorf("%s: hello result: %v", ex.where, err)
			} else if err := adapter.CheckHello(&h); err != nil {
				t.Errorf("%s: %v", ex.where, err)
			}
		case method == adapter.MethodVerify:
			c, ok := sent[*r.ID]
			if !ok {
				c = vectors.Case{TcID: fmt.Sprintf("example-%d", *r.ID)}
			}
			o, err := v.judgeAnswer(c, r.Result)
			var ae *AnswerError
			switch {
			case asAnswerError(err, &ae):
				t.Errorf("%s: the harness refuses this answer: %v", ex.where, err)
			case err == nil && ok:
				if st := vectors.Judge(tests[c.TcID], o); st != vectors.StatusPass {
					t.Errorf("%s: the answer to %s is judged %s", ex.where, c.TcID, st)
				}
			}
		case strings.Contains(method, "."):
			if err := adapter.ValidateDevice(method, "result", r.Result); err != nil {
				t.Errorf("%s: %v", ex.where, err)
			}
		}
	}
}

func asAnswerError(err error, ae **AnswerError) bool {
	e, ok := err.(*AnswerError)
	if ok {
		*ae = e
	}
	return ok
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
