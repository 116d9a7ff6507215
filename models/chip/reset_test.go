package chip

import (
	"bytes"
	"errors"
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
