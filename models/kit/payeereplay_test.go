package kit

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// A session of another length than the scheme's is refused as malformed
// before any element is made.
func TestPayeeReplayRefusesSessionLength(t *testing.T) {
	made := false
	r := PayeeReplay[balance]{Session: "nonce", Size: 16,
		New:  func(*world.World, *world.Device) (balance, error) { made = true; return 0, nil },
		Open: func(balance, []byte) Endpoint { return nil }}
	for _, n := range []int{0, 15, 17} {
		_, err := r.Run(PayeeProvision{}, make([]byte, n), nil)
		if spec.CodeOf(err) != spec.CodeMalformed {
			t.Errorf("a nonce of %d bytes: %v, want malformed", n, err)
		}
	}
	if made {
		t.Error("an element was made for a session of the wrong length")
	}
}
