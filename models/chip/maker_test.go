package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The central bank certifies a card key only under an attestation by a
// maker it certified (SOURCES.md P7): not one by a rogue maker, by
// another kind of certified device, or of another key.
func TestCertifyNeedsQualifiedMaker(t *testing.T) {
	in := newInstance(t, 3)
	s := suite.Default()
	key, err := s.GenerateKey(in.w.Rand("test/card"))
	if err != nil {
		t.Fatal(err)
	}
	made, err := in.manufacture("test", key.Public())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.GenerateKey(in.w.Rand("test/other"))
	rogue, _ := s.GenerateKey(in.w.Rand("test/rogue"))
	rogueMade, _ := rogue.Sign(madeTBS(key.Public()))
	agent, _ := in.cb.Agent(AgentID)
	for _, c := range []struct {
		name  string
		maker *devcert.Certificate
		pub   suite.PublicKey
		made  []byte
		want  spec.Code
	}{
		{"qualified maker", in.maker, key.Public(), made, ""},
		{"no maker", nil, key.Public(), made, spec.CodeUntrustedIssuer},
		{"an agent bank, not a maker", agent.Cert, key.Public(), made, spec.CodeUntrustedIssuer},
		{"a rogue maker's attestation", in.maker, key.Public(), rogueMade, spec.CodeBadSignature},
		{"the attestation of another key", in.maker, other.Public(), made, spec.CodeBadSignature},
	} {
		err := checkMade(in.cb.Root(), in.cb.CRL(), in.w.Now(), c.maker, c.pub, c.made)
		if got := spec.CodeOf(err); got != c.want {
			t.Errorf("%s: code %q, want %q (%v)", c.name, got, c.want, err)
		}
	}
	if _, err := in.certify(world.PartyID("wallet-Z"), other.Public(), made); err == nil {
		t.Error("the central bank certified a key no maker attested")
	}
}
