package adapter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/docexamples"
	"github.com/dualoffline/dualoffline/vectors"
)

// TestProtocolDocExamples checks every example of PROTOCOL.md against the
// harness and the vectors: requests decode as the harness's own and a
// verify request is exactly the case the harness sends for its tcId;
// answers pass the harness's checks, and an answer to an example request
// is the right verdict for that vector; the vendor config loads and each
// disabled entry matches a published case; device operations match the
// devices schema. A stale example fails here.
func TestProtocolDocExamples(t *testing.T) {
	blocks, err := docexamples.Read("PROTOCOL.md")
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
	var cfg *VendorConfig
	for _, ex := range all {
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(ex.raw, &probe)
		if _, isMsg := probe["id"]; isMsg {
			continue
		}
		c, err := ParseConfig(bytes.NewReader(ex.raw))
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
		cfg = c
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
			if err := strictUnmarshal(ex.raw, &req); err != nil || req.ID == 0 {
				t.Errorf("%s: request: %v", ex.where, err)
				continue
			}
			methods[req.ID] = req.Method
			switch {
			case req.Method == MethodHello:
				var hp HelloParams
				if err := strictUnmarshal(req.Params, &hp); err != nil || hp.Protocol != ProtocolVersion {
					t.Errorf("%s: hello params %s: %v", ex.where, req.Params, err)
				}
			case req.Method == MethodVerify:
				var c vectors.Case
				if err := strictUnmarshal(req.Params, &c); err != nil {
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
				if err := ValidateDevice(req.Method, "params", req.Params); err != nil {
					t.Errorf("%s: %v", ex.where, err)
				}
			case req.Method == MethodShutdown:
			default:
				t.Errorf("%s: unknown method %q", ex.where, req.Method)
			}
			continue
		}
		var r Response
		if err := strictUnmarshal(ex.raw, &r); err != nil || r.ID == nil {
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
			method = MethodVerify // the verdict examples of §2.2
		}
		switch {
		case method == MethodHello:
			var h Hello
			if err := strictUnmarshal(r.Result, &h); err != nil {
				t.Errorf("%s: hello result: %v", ex.where, err)
			} else if err := checkHello(&h); err != nil {
				t.Errorf("%s: %v", ex.where, err)
			}
		case method == MethodVerify:
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
			if err := ValidateDevice(method, "result", r.Result); err != nil {
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

// tableRows returns the rows of the Markdown tables of doc whose header
// starts with header, as trimmed cells.
func tableRows(doc, header string) [][]string {
	var rows [][]string
	in := false
	for _, l := range strings.Split(doc, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, header):
			in = true
		case in && strings.HasPrefix(l, "|"):
			if strings.HasPrefix(l, "| ---") {
				continue
			}
			cells := strings.Split(strings.Trim(l, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rows = append(rows, cells)
		default:
			in = false
		}
	}
	return rows
}

// The table of input objects in §2.2 names every shape of every vector
// file with exactly the members its inputs have (those some input lacks
// marked "?").
func TestProtocolDocInputTable(t *testing.T) {
	doc := readDoc(t)
	rows := tableRows(doc, "| scheme/kind | shape |")
	if len(rows) == 0 {
		t.Fatal("no input table")
	}
	documented := map[string][]string{} // scheme/kind/shape -> members
	for _, r := range rows {
		for _, sk := range strings.Split(r[0], ",") {
			key := strings.TrimSpace(sk) + "/" + r[1]
			documented[key] = strings.Fields(strings.NewReplacer("`", " ", ",", " ").Replace(r[2]))
		}
	}
	files, err := vectors.Files()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		for _, g := range f.TestGroups {
			key := f.Scheme + "/" + f.Kind + "/" + g.Type
			count := map[string]int{}
			for _, tc := range g.Tests {
				var in map[string]json.RawMessage
				if err := json.Unmarshal(tc.Input, &in); err != nil {
					t.Fatal(err)
				}
				for k := range in {
					count[k]++
				}
			}
			var want []string
			for k, n := range count {
				if n < len(g.Tests) {
					k += "?"
				}
				want = append(want, k)
			}
			sort.Strings(want)
			got, ok := documented[key]
			if !ok {
				t.Errorf("%s: shape %s of %s/%s is not in PROTOCOL.md's input table", f.Name, g.Type, f.Scheme, f.Kind)
				continue
			}
			got = slices.Sorted(slices.Values(got))
			if seen[key] {
				continue
			}
			seen[key] = true
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: input members of %s (-vectors +PROTOCOL.md):\n%s", f.Name, key, diff)
			}
		}
	}
	for key := range documented {
		if !seen[key] {
			t.Errorf("PROTOCOL.md's input table has %s, which no vector file has", key)
		}
	}
}

// The operation tables of §7.2 list, for every operation, the top-level
// members of its params and result that the devices schema has.
func TestProtocolDocDeviceTables(t *testing.T) {
	doc := readDoc(t)
	rows := tableRows(doc, "| op | params | result |")
	if len(rows) == 0 {
		t.Fatal("no operation tables")
	}
	var defs struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(DeviceSchemaJSON, &defs); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, r := range rows {
		op := strings.Trim(r[0], "`")
		listed[op] = true
		for i, part := range []string{"params", "result"} {
			d, ok := defs.Defs[op+"."+part]
			if !ok {
				t.Errorf("PROTOCOL.md lists %s, which the devices schema does not have", op)
				break
			}
			want := []string{}
			for k := range d.Properties {
				want = append(want, k)
			}
			sort.Strings(want)
			got := topMembers(r[1+i])
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("PROTOCOL.md §7.2 %s %s members (-schema +doc):\n%s", op, part, diff)
			}
		}
	}
	for k := range defs.Defs {
		if op, ok := strings.CutSuffix(k, ".params"); ok && !listed[op] {
			t.Errorf("the devices schema has %s, which PROTOCOL.md §7.2 does not list", op)
		}
	}
}

// topMembers returns the sorted top-level member names of a table cell
// such as `{messages[{type: QR, payload}], refused?}`: nested lists,
// objects and remarks in parentheses dropped, "?" and ": …" stripped.
func topMembers(cell string) []string {
	cell = strings.TrimSpace(strings.Trim(cell, "`"))
	cell = strings.TrimSuffix(strings.TrimPrefix(cell, "{"), "}")
	var b strings.Builder
	depth := 0
	for _, r := range cell {
		switch r {
		case '[', '{', '(':
			depth++
		case ']', '}', ')':
			depth--
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	out := []string{}
	for _, m := range strings.Split(b.String(), ",") {
		m, _, _ = strings.Cut(m, ":")
		m = strings.TrimSuffix(strings.TrimSpace(m), "?")
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

func readDoc(t *testing.T) string {
	t.Helper()
	bs, err := docexamples.Read("PROTOCOL.md")
	if err != nil || len(bs) == 0 {
		t.Fatal(err)
	}
	b, err := readFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}
