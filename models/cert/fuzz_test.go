package cert

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// typed fails unless err is a canonical code other than internal.
func typed(t *testing.T, what string, err error) {
	t.Helper()
	if c := spec.CodeOf(err); !c.Known() || c == spec.CodeInternal {
		t.Fatalf("%s: untyped refusal %v", what, err)
	}
}

// FuzzMessage: every decoder of the scheme's wire formats (the six signed
// messages, the sealed coins inside a TX, the ISSUE envelope) refuses bad
// bytes with a typed error, never panics, and what it accepts re-encodes
// byte for byte.
//
//	go test -run XXX -fuzz FuzzMessage ./models/cert/
func FuzzMessage(f *testing.F) {
	in := newInstanceSuite(f, 4, Recovering, suite.Default())
	in.Fund("wallet-A", 1000)
	for _, b := range capture(f, in, "wallet-A", "wallet-B", 230) {
		f.Add(b)
	}
	f.Add([]byte{0x70, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		tags := []uint8{TagPayeeHello, TagPayerHello, TagProceed, TagTx, TagDeduct, TagDeducted}
		m, err := parseMessage(b, tags...)
		if err != nil {
			typed(t, "parseMessage", err)
		} else if !bytes.Equal(m.marshal(), b) {
			t.Fatalf("accepted message does not round-trip:\n in  %x\n out %x", b, m.marshal())
		}
		if _, _, err := parseCoins(suite.Default(), b); err != nil {
			typed(t, "parseCoins", err)
		}
		if _, _, _, err := parseIssue(b); err != nil {
			typed(t, "parseIssue", err)
		}
		Fields(world.Message{Type: MsgTx, Payload: b}) // must not panic
	})
}

// FuzzInject: arbitrary bytes handed to a wallet in either role are
// refused with a typed error and change nothing the suites can observe.
func FuzzInject(f *testing.F) {
	in := newInstanceSuite(f, 4, Recovering, suite.Default())
	in.Fund("wallet-A", 1000)
	for _, b := range capture(f, in, "wallet-A", "wallet-B", 230) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, asPayee bool) {
		to := world.PartyID("wallet-A")
		if asPayee {
			to = "wallet-B"
		}
		snap := in.Snapshot(to)
		before, audit := in.View(to), in.Audit()
		err := in.Inject(to, asPayee, 230, b)
		if err == nil {
			return // a peer's legitimate step; nothing to compare
		}
		typed(t, "Inject", err)
		if after := in.View(to); after.Offline() != before.Offline() || len(after.Pending) != len(before.Pending) || in.Audit() != audit {
			t.Fatalf("a refused input changed the wallet: %+v → %+v", before, after)
		}
		in.Restore(to, snap)
	})
}
