package chip

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// A revocation list that does not parse or is not the root's is refused
// by Reset with a typed error before anything is written: the card keeps
// its store byte for byte and still loads (it used to store the list and
// then fail to load it, a panic on the next power-up).
func TestResetRefusesBadList(t *testing.T) {
	in := newInstance(t, 1)
	se := in.Own["wallet-A"]
	before := in.Snapshot("wallet-A")
	for _, crl := range [][]byte{nil, []byte("not a list"), append(bytes.Clone(se.CRL.Raw), 0)} {
		err := se.Reset(12345, crl)
		if !errors.Is(err, spec.ErrMalformed) && !errors.Is(err, spec.ErrBadSignature) {
			t.Errorf("Reset with list %x: %v, want a typed refusal", crl, err)
		}
		sameStore(t, "Reset with a bad list", before, in.Snapshot("wallet-A"))
		se.Recover()
	}
	// The card still loads and pays.
	modeltest.MustFund(t, in, "wallet-A", 300)
	if p, err := in.Pay("wallet-A", "wallet-B", 100, nil); err != nil || !p.Received {
		t.Fatalf("after the refused lists the card does not pay: %+v %v", p, err)
	}
}

// sameStore fails unless after holds exactly before's keys and values.
func sameStore(t *testing.T, what string, before, after world.Snapshot) {
	t.Helper()
	if !slices.Equal(before.Keys(), after.Keys()) {
		t.Errorf("%s changed the store's keys: %v, was %v", what, after.Keys(), before.Keys())
	}
	for _, k := range before.Keys() {
		b, _ := before.Get(k)
		a, _ := after.Get(k)
		if !bytes.Equal(a, b) {
			t.Errorf("%s changed %s", what, k)
		}
	}
}

// A card asked to deposit one coin twice in one request refuses the
// request with a typed error and signs nothing: a coin deposited twice is
// a coin spent twice (it used to sign two deposit records of it).
func TestDepositRefusesRepeatedCoin(t *testing.T) {
	in := newInstance(t, 1)
	modeltest.MustFund(t, in, "wallet-A", 500)
	se := in.Own["wallet-A"]
	var k string
	for key := range se.Held {
		k = key
		break
	}
	if k == "" {
		t.Fatal("the funded card holds no coin")
	}
	before := in.Snapshot("wallet-A")
	if err := se.SignDeposit(AgentID, []string{k, k}); !errors.Is(err, spec.ErrMalformed) {
		t.Fatalf("depositing coin %s twice: %v, want malformed", k, err)
	}
	sameStore(t, "the refused deposit", before, in.Snapshot("wallet-A"))
}
