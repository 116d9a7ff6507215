package reader

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/device/vcard"
	"github.com/dualoffline/dualoffline/spec"
)

// serveCard starts a socket reader and a virtual card (on dir, mutant)
// dialling it, and returns the reader's name.
func serveCard(t *testing.T, dir, mutant string) string {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop, err := vcard.Start(s.Addr(), chip.Scheme{}, dir, mutant, t.Logf)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		stop()
	})
	return s.Name()
}

// TestLinkOverSocket: the terminal selects and erases the card, performs
// an operation through chained commands and GET RESPONSE, gets a refusal
// as a *spec.Error, power-cycles the card, and refuses rollback and clone
// as unimplemented.
func TestLinkOverSocket(t *testing.T) {
	name := serveCard(t, t.TempDir(), "")
	d := &Devices{Readers: []string{name}, Wait: 100 * time.Millisecond}
	l, err := d.Dial("wallet-A")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// Before keygen and personalisation the card refuses payments.
	err = l.Call(chip.OpState, struct{}{}, nil)
	if spec.CodeOf(err) != spec.CodeMalformed {
		t.Fatalf("state of a blank card: got %v, want a malformed refusal", err)
	}
	// Parameters longer than one short APDU (a 600-byte party name) are
	// chained.
	var kr struct {
		PublicKey models.Hex `json:"publicKey"`
	}
	seed := make([]byte, 32)
	party := "wallet-" + strings.Repeat("x", 2*vcard.MaxChunk)
	if err := l.Call(chip.OpKeygen, map[string]any{"party": party, "suite": "GM", "seed": models.Hex(seed)}, &kr); err != nil {
		t.Fatal(err)
	}
	if len(kr.PublicKey) == 0 {
		t.Fatal("keygen returned no public key")
	}
	if err := l.Restart(); err != nil {
		t.Fatal(err)
	}
	// The key survived the power cut: a second keygen is refused.
	if err := l.Call(chip.OpKeygen, map[string]any{"party": party, "suite": "GM", "seed": models.Hex(seed)}, &kr); err == nil {
		t.Error("a second keygen after a power cut was accepted: the key did not persist")
	}
	if _, err := l.Save(); spec.CodeOf(err) != spec.CodeUnimplemented {
		t.Errorf("Save: got %v, want unimplemented", err)
	}
	if _, err := l.Fork("wallet-A~clone1"); spec.CodeOf(err) != spec.CodeUnimplemented {
		t.Errorf("Fork: got %v, want unimplemented", err)
	}
	// The reader is busy until the link closes.
	if _, err := d.Dial("wallet-B"); !errors.Is(err, models.ErrBroken) {
		t.Errorf("second dial of a busy reader: got %v, want ErrBroken", err)
	}
}
