package vectors

import (
	"encoding/hex"
	"encoding/json"
	"testing"
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
		s := mustSuite(suiteID(f.Suite))
		for _, tc := range f.Tests() {
			if tc.Result != ResultValid {
				continue
			}
			var in TransferInput
			if err := json.Unmarshal(tc.Input, &in); err != nil {
				t.Fatal(err)
			}
			owner, verdict, inErr := refTransferOwner(s, in, nil)
			if verdict != nil || inErr != nil {
				t.Fatalf("%s: %v %v", tc.TcID, verdict, inErr)
			}
			if hex.EncodeToString([]byte(owner.Holder)) != in.Holder || owner.Value != in.Value {
				t.Errorf("%s: owner %+v, the file says %s / %d", tc.TcID, owner, in.Holder, in.Value)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no valid transfer cases")
	}
}
