package chip

import (
	"bytes"
	"errors"
	"slices"
	"testing"

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
		after := in.Snapshot("wallet-A")
		for _, k := range before.Keys() {
			b, _ := before.Get(k)
			a, _ := after.Get(k)
			if !bytes.Equal(a, b) {
				t.Errorf("Reset with a bad list changed %s", k)
			}
		}
		se.Recover()
	}
}

// A card asked to deposit one coin twice in one request refuses the
// request with a typed error and signs nothing: a coin deposited twice is
// a coin spent twice (it used to sign two deposit records of it).
func TestDepositRefusesRepeatedCoin(t *testing.T) {
	in := newInstance(t, 1)
	if err := in.Fund("wallet-A", 500); err != nil {
		t.Fatal(err)
	}
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
	after := in.Snapshot("wallet-A")
	if !slices.Equal(before.Keys(), after.Keys()) {
		t.Errorf("the refused deposit changed the store: %v, was %v", after.Keys(), before.Keys())
	}
}
