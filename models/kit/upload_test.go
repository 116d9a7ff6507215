package kit

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// A log entry the registry cannot take is the scheme's call: strict stops
// the upload at the first (a short entry: malformed), lenient traces each
// and goes on; the keys of the entries read come back to settle.
func TestUploadMalformedLog(t *testing.T) {
	upload := func(strict bool) (settled, notes []string, err error) {
		w := world.New(1)
		cb, err := bank.NewCentralBank(w, suite.Default())
		if err != nil {
			t.Fatal(err)
		}
		st := &State[LogEntry]{ID: "card-1", Log: []LogEntry{
			{Key: "short", Records: [][]byte{{1}}},
			{Key: "garbled", Holdings: [][]byte{{2}}, Records: [][]byte{{3}}},
		}}
		settled, err = Upload(w, "wallet-A", cb, st.ID, st, nil, map[bank.Instance]bool{}, strict, nil, false)
		for _, e := range w.Trace().Events() {
			if strings.HasPrefix(e.Detail, "upload refused: ") {
				notes = append(notes, e.Detail)
			}
		}
		return settled, notes, err
	}
	if _, notes, err := upload(true); spec.CodeOf(err) != spec.CodeMalformed || len(notes) != 0 {
		t.Errorf("strict: error %v, notes %q; want malformed and no note", err, notes)
	}
	settled, notes, err := upload(false)
	if err != nil {
		t.Fatalf("lenient: %v", err)
	}
	if d := cmp.Diff([]string{"short", "garbled"}, settled); d != "" {
		t.Errorf("lenient: settled (-want +got):\n%s", d)
	}
	if len(notes) != 2 || notes[0] != "upload refused: log entry short has 1 records for 0 holdings" {
		t.Errorf("lenient: notes %q; want the short entry's and the garbled record's", notes)
	}
}
