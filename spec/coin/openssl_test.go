package coin

import (
	"testing"

	"github.com/dualoffline/dualoffline/internal/opensslcli"
	"github.com/dualoffline/dualoffline/spec/suite"
)

var algOf = map[suite.ID]opensslcli.Alg{suite.GM: opensslcli.SM2, suite.INTL: opensslcli.P256}

// The issuer's signature over a coin's TBS bytes is checked by OpenSSL, an
// independent implementation: ours must verify there, a tampered one must
// not, and an OpenSSL signature over the same bytes must verify here.
func TestCoinSignatureWithOpenSSL(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		tool := opensslcli.Require(t, algOf[s.ID()])
		c := sample(t, s)
		pub := issuer(t, s).Public()
		ok, err := tool.Verify(algOf[s.ID()], pub.SPKI(), c.TBS(), c.Signature)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Fatalf("%s rejects our %s signature over coin bytes", tool.Version(), s.SignatureAlgorithm())
		}
		tampered := *c
		tampered.Denomination = 10000
		tampered.Unit = Yuan
		ok, err = tool.Verify(algOf[s.ID()], pub.SPKI(), tampered.TBS(), c.Signature)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			t.Fatal("openssl accepts the signature on re-denominated coin bytes: the check is not discriminating")
		}

		keyPath, spki, err := tool.GenerateKey(algOf[s.ID()])
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.ParsePublicKey(spki)
		if err != nil {
			t.Fatalf("we cannot parse openssl's public key: %v", err)
		}
		sig, err := tool.Sign(algOf[s.ID()], keyPath, c.TBS())
		if err != nil {
			t.Fatal(err)
		}
		signed := &Signed{Coin: c.Coin, Signature: sig}
		if err := signed.Verify(theirs); err != nil {
			t.Fatalf("openssl's signature over coin bytes does not verify here: %v", err)
		}
		if err := (&Signed{Coin: tampered.Coin, Signature: sig}).Verify(theirs); err == nil {
			t.Fatal("openssl's signature verifies on tampered bytes")
		}
	})
}
