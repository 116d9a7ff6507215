package remote

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/vectors"
)

// TestProtocolDocInputTable: the table of input objects in PROTOCOL.md
// §2.2 has a row for every scheme/kind and shape the vector files hold,
// and its members are exactly those the cases of that shape carry (a
// member marked ? may be absent from some). A kind or shape published
// without its row, or a member the document does not name, fails here:
// the document is the vendor's only definition of the inputs.
func TestProtocolDocInputTable(t *testing.T) {
	doc, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start, end := strings.Index(text, "### 2.2"), strings.Index(text, "### 2.3")
	if start < 0 || end < start {
		t.Fatal("PROTOCOL.md has no section 2.2")
	}
	member := regexp.MustCompile("`([A-Za-z]+)(\\??)`")
	rows := map[string][]string{} // "scheme/kind shape" -> members as written (name or name?)
	for _, line := range strings.Split(text[start:end], "\n") {
		cols := strings.Split(line, "|")
		if len(cols) < 5 || !strings.Contains(cols[1], "/") {
			continue
		}
		var ms []string
		for _, m := range member.FindAllStringSubmatch(cols[3], -1) {
			ms = append(ms, m[1]+m[2])
		}
		for _, sk := range strings.Split(cols[1], ",") {
			rows[strings.TrimSpace(sk)+" "+strings.TrimSpace(cols[2])] = ms
		}
	}
	files, err := vectors.Files()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]int{} // row -> member -> cases carrying it
	count := map[string]int{}
	for _, f := range files {
		for _, tc := range f.Tests() {
			c := f.Case(tc)
			row := c.Scheme + "/" + c.Kind + " " + c.Shape
			var in map[string]json.RawMessage
			if err := json.Unmarshal(c.Input, &in); err != nil {
				t.Fatalf("%s: input: %v", c.TcID, err)
			}
			if seen[row] == nil {
				seen[row] = map[string]int{}
			}
			for k := range in {
				seen[row][k]++
			}
			count[row]++
		}
	}
	for row, got := range seen {
		written, ok := rows[row]
		if !ok {
			t.Errorf("PROTOCOL.md §2.2 has no row for %s", row)
			continue
		}
		var want, have []string
		for _, m := range written {
			name, optional := strings.CutSuffix(m, "?")
			want = append(want, name)
			if n := got[name]; n > 0 && (optional || n == count[row]) {
				have = append(have, name)
			}
		}
		for k := range got {
			if !slices.Contains(want, k) {
				have = append(have, k)
			}
		}
		slices.Sort(want)
		slices.Sort(have)
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("PROTOCOL.md §2.2, %s: members the document names against those every case carries (-want +got):\n%s", row, diff)
		}
	}
}
