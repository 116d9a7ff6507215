package device_test

import (
	"encoding/json"
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// NoParams takes {}, nothing and null, and refuses anything else.
func TestNoParams(t *testing.T) {
	for p, ok := range map[string]bool{`{}`: true, ``: true, ` null `: true, `{"x":1}`: false, `[]`: false, `{} {}`: false} {
		if err := device.NoParams("x.op", json.RawMessage(p)); (err == nil) != ok || (err != nil && spec.CodeOf(err) != spec.CodeMalformed) {
			t.Errorf("%q: %v, want ok %v (else malformed)", p, err, ok)
		}
	}
}

// OwnCertificate takes only a wallet certificate of the kit's own key
// naming the id, and refuses before keygen.
func TestOwnCertificate(t *testing.T) {
	s := suite.Default()
	k := device.NewKit("wallet", "element", false)
	const keyPriv = "x/key"
	if _, _, err := k.OwnCertificate(keyPriv, nil, "w"); spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("before keygen: %v, want malformed", err)
	}
	r, err := k.Keygen(device.KeygenParams{Party: "w", Suite: string(s.ID()), Seed: []byte{1}}, keyPriv, "test", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.ParsePublicKey(r.(device.KeygenResult).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := bank.NewCentralBank(world.New(1), s)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.GenerateKey(world.New(2).Rand("other"))
	if err != nil {
		t.Fatal(err)
	}
	cb2, err := bank.NewCentralBank(world.New(3), s)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := cb.Certify("w", devcert.RoleWallet, pub)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := cb2.Certify("w", devcert.RoleWallet, other.Public())
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		der  []byte
		id   string
		code spec.Code
	}{
		"its own":           {mine.Raw, "w", ""},
		"another id":        {mine.Raw, "v", spec.CodeWrongRecipient},
		"another key's":     {stranger.Raw, "w", spec.CodeWrongRecipient},
		"not a certificate": {[]byte{0x30, 0}, "w", spec.CodeMalformed},
	} {
		_, cert, err := k.OwnCertificate(keyPriv, c.der, c.id)
		if spec.CodeOf(err) != c.code || (err == nil && cert.ID != "w") {
			t.Errorf("%s: %v, want %q", name, err, c.code)
		}
	}
}

// TestCheckMutation: no mutation and a known one pass; another is an
// error that names the scheme, the mutation and what the host could play.
func TestCheckMutation(t *testing.T) {
	known := map[string]bool{"b-bug": true, "a-bug": true}
	for _, m := range []string{"", "a-bug"} {
		if err := device.CheckMutation("s", m, known); err != nil {
			t.Errorf("%q: %v", m, err)
		}
	}
	err := device.CheckMutation("s", "c-bug", known)
	if err == nil || err.Error() != `s: "c-bug" is not a wallet mutant ([a-bug b-bug])` {
		t.Errorf("unknown mutation: %v", err)
	}
}
