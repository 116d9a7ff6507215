package adapter

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/docexamples"
	"github.com/dualoffline/dualoffline/vectors"
)

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
