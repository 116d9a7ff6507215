package vectors

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/dualoffline/dualoffline/vectors/vgen"

	"github.com/google/go-cmp/cmp"
)

// A valid transfer case names the owner Holding.Verify proves; the
// reference must reach that holder and value.
func TestTransferOwners(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if f.Kind != "transfer" {
			continue
		}
		s := vgen.MustSuite(vgen.SuiteID(f.Suite))
		for _, tc := range f.Tests() {
			if tc.Result != vgen.ResultValid {
				continue
			}
			var in TransferInput
			if err := json.Unmarshal(tc.Input, &in); err != nil {
				t.Fatal(err)
			}
			var want TransferExpected
			if err := json.Unmarshal(tc.Expected, &want); err != nil {
				t.Fatalf("%s: expected member: %v", tc.TcID, err)
			}
			owner, verdict, inErr := refTransferOwner(s, in)
			if verdict != nil || inErr != nil {
				t.Fatalf("%s: %v %v", tc.TcID, verdict, inErr)
			}
			got := TransferExpected{Holder: hex.EncodeToString([]byte(owner.Holder)), Value: owner.Value}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: owner (-want +got):\n%s", tc.TcID, diff)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no valid transfer cases")
	}
}
