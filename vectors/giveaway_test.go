package vectors

import (
	"encoding/json"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/vectors/vgen"

	"github.com/dualoffline/dualoffline/vectors/schema"
)

// No input gives its verdict away: within a group (one input shape),
// whether an input member is present must not tell valid cases from the
// others. A member present on exactly the valid cases (as holder and value
// of transfer inputs once were) lets an implementation that answers
// "valid" exactly when it sees the member pass every case.
func TestNoInputGivesVerdictAway(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, g := range f.TestGroups {
			if leak := presenceLeak(t, g); leak != "" {
				t.Errorf("%s group %s: input member %q is present exactly on the valid cases", f.Name, g.Type, leak)
			}
		}
	}
}

// presenceLeak returns an input member whose presence in g's tests
// coincides with result valid, or "".
func presenceLeak(t *testing.T, g *vgen.Group) string {
	present := map[string]map[string]bool{} // member -> tcId -> present
	var valid, other []string
	for _, tc := range g.Tests {
		var in map[string]json.RawMessage
		if err := json.Unmarshal(tc.Input, &in); err != nil {
			t.Fatalf("%s: %v", tc.TcID, err)
		}
		for k := range in {
			if present[k] == nil {
				present[k] = map[string]bool{}
			}
			present[k][tc.TcID] = true
		}
		if tc.Result == vgen.ResultValid {
			valid = append(valid, tc.TcID)
		} else {
			other = append(other, tc.TcID)
		}
	}
	if len(valid) == 0 || len(other) == 0 {
		return ""
	}
	var keys []string
	for k := range present {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		allValid, noneOther := true, true
		for _, id := range valid {
			allValid = allValid && present[k][id]
		}
		for _, id := range other {
			noneOther = noneOther && !present[k][id]
		}
		if allValid && noneOther {
			return k
		}
	}
	return ""
}

// The detector sees the leak this repository once had.
func TestPresenceLeakDetector(t *testing.T) {
	g := &vgen.Group{Type: "HoldingVerify", Tests: []*vgen.Test{
		{TcID: "v", Result: vgen.ResultValid, Input: json.RawMessage(`{"holding":"00","holder":"61","value":1}`)},
		{TcID: "i", Result: vgen.ResultInvalid, Input: json.RawMessage(`{"holding":"01"}`)},
	}}
	if got := presenceLeak(t, g); got != "holder" {
		t.Errorf("presenceLeak = %q, want holder", got)
	}
}

// The schema keeps expected members on valid cases of kind transfer only,
// and the verdict-bearing members out of transfer inputs.
func TestSchemaExpected(t *testing.T) {
	for _, m := range []struct{ file, old, new string }{
		{"spec_GM_transfer_test.json", `"expected": {`, `"expected2": {`},                                    // a valid transfer case without expected
		{"spec_GM_transfer_test.json", `"input": {`, `"input": {"holder": "61", `},                           // holder back in the input
		{"spec_INTL_coin_test.json", `"result": "invalid",`, `"result": "invalid", "expected": {},`},         // expected on an invalid case
		{"spec_GM_coin_test.json", `"result": "valid",`, `"result": "valid", "expected": {"holder": "61"},`}, // expected on another kind
		{"chip_GM_apdu_test.json", `"type": "InitiateCommand"`, `"type": "ConfirmCommand"`},                  // a group whose inputs are of another shape
	} {
		b, err := fs.ReadFile(FS, m.file)
		if err != nil {
			t.Fatal(err)
		}
		orig := string(b)
		bad := strings.Replace(orig, m.old, m.new, 1)
		if bad == orig {
			t.Fatalf("%s: mutation %q not applicable", m.file, m.old)
		}
		if err := schema.Validate([]byte(bad)); err == nil {
			t.Errorf("%s: schema accepts %q in place of %q", m.file, m.new, m.old)
		}
	}
}

// Every case is sent with its shape, the type of its group.
func TestCaseShape(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, g := range f.TestGroups {
			for _, tc := range g.Tests {
				if c := f.Case(tc); c.Shape != g.Type {
					t.Fatalf("%s: shape %q, want %q", tc.TcID, c.Shape, g.Type)
				}
			}
		}
	}
}
