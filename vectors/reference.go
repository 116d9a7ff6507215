package vectors

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// Reference returns the reference Verifier: every kind decided with the
// decoders and verifiers of spec/ and models/.
func Reference() Verifier { return reference{} }

type reference struct{ drop []string }

// ReferenceWithout returns the reference Verifier with the given checks of
// spec/checks.json removed: each is skipped where spec/ and models/ make
// it (spec.Without), as an implementation that forgot it would. It shows
// that the vectors tagged with a check fail an implementation without it.
// Its cases are decided one at a time, and nothing else may run the
// checks meanwhile (spec.Without).
func ReferenceWithout(checks ...string) Verifier { return reference{drop: checks} }

func (r reference) VerifyVector(ctx context.Context, c Case) (out Outcome, err error) {
	if len(r.drop) == 0 {
		return verifyVector(ctx, c)
	}
	spec.Without(r.drop, func() { out, err = verifyVector(ctx, c) })
	return out, err
}

func verifyVector(ctx context.Context, c Case) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, err
	}
	s, err := suite.ByID(suite.ID(c.Suite))
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %s: suite %q", ErrUnimplemented, c.TcID, c.Suite)
	}
	var verr error
	switch c.Scheme + "/" + c.Kind {
	case "spec/coin":
		var in CoinInput
		if err := vgen.DecodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refCoin(s, in)
	case "spec/certificate":
		var in CertificateInput
		if err := vgen.DecodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refCertificate(s, in)
	case "spec/transfer":
		var in TransferInput
		if err := vgen.DecodeInput(c, &in); err != nil {
			return Outcome{}, err
		}
		verr, err = refTransfer(s, in)
	default:
		src, ok := source(c.Scheme)
		if !ok {
			return Outcome{}, fmt.Errorf("%w: %s: kind %s/%s", ErrUnimplemented, c.TcID, c.Scheme, c.Kind)
		}
		if verr, err = src.Decide(s, c); errors.Is(err, ErrUnimplemented) {
			return Outcome{}, fmt.Errorf("%s: %w", c.TcID, err)
		}
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %s: %v", ErrBadInput, c.TcID, err)
	}
	if verr != nil {
		return Outcome{Valid: false, Error: string(spec.CodeOf(verr))}, nil
	}
	if snd, ok := sender(c); ok {
		out, err := snd.Produce(s, c)
		if err != nil {
			return Outcome{}, fmt.Errorf("%s: the reference cannot produce its answer: %w", c.TcID, err)
		}
		return Outcome{Valid: true, Output: hex.EncodeToString(out)}, nil
	}
	return Outcome{Valid: true}, nil
}

// sender returns the Sender of c's kind and shape, if its valid answer is
// something sent.
func sender(c Case) (vgen.Sender, bool) {
	src, ok := source(c.Scheme)
	if !ok {
		return vgen.Sender{}, false
	}
	snd, ok := src.Senders[c.Kind+"/"+c.Shape]
	return snd, ok
}

// CheckOutput verifies the output of a valid outcome o of c when c's
// shape is a Sender's (nil otherwise): a valid answer there must carry
// what the implementation sends, and it must verify.
func CheckOutput(c Case, o Outcome) error {
	snd, ok := sender(c)
	if !ok || !o.Valid {
		return nil
	}
	if o.Output == "" {
		return fmt.Errorf("answered valid without the output it sends")
	}
	out, err := hex.DecodeString(o.Output)
	if err != nil {
		return fmt.Errorf("output is not lowercase hex: %v", err)
	}
	s, err := suite.ByID(suite.ID(c.Suite))
	if err != nil {
		return err
	}
	if err := snd.Check(s, c, out); err != nil {
		return fmt.Errorf("output does not verify: %w", err)
	}
	return nil
}

// refCoin: strict parse, then Check (policy, then issuer signature).
func refCoin(s suite.Suite, in CoinInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, key := u.B("coin", in.Coin), u.B("issuerPublicKey", in.IssuerPublicKey)
	if u.Err != nil {
		return nil, u.Err
	}
	pub, err := s.ParsePublicKey(key)
	if err != nil {
		return err, nil
	}
	c, err := coin.Parse(raw)
	if err != nil {
		return err, nil
	}
	return c.Check(pub), nil
}

// refCertificate: parse root and certificate under the suite, verify the
// list under the root if given, then Certificate.Verify.
func refCertificate(s suite.Suite, in CertificateInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	rootRaw, certRaw := u.B("root", in.Root), u.B("certificate", in.Certificate)
	var crlRaw []byte
	if in.CRL != "" {
		crlRaw = u.B("crl", in.CRL)
	}
	if u.Err != nil {
		return nil, u.Err
	}
	root, err := vgen.ParseRoot(s, rootRaw)
	if err != nil {
		return err, nil
	}
	c, err := devcert.Parse(s, certRaw)
	if err != nil {
		return err, nil
	}
	var crl *devcert.RevocationList
	if crlRaw != nil {
		if crl, err = devcert.ParseRevocationList(crlRaw, root); err != nil {
			return err, nil
		}
	}
	return c.Verify(root, time.Unix(in.At, 0), crl), nil
}

// refTransfer: parse the holding and verify its lineage; a signer's
// certificate is looked up among the given ones by id and verified against
// the root at input.at, as the wallet models look signers up
// (models.Lookup).
func refTransfer(s suite.Suite, in TransferInput) (verdict, inputErr error) {
	_, verdict, inputErr = refTransferOwner(s, in)
	return verdict, inputErr
}

func refTransferOwner(s suite.Suite, in TransferInput) (owner transfer.Owner, verdict, inputErr error) {
	var u vgen.Unhexer
	rootRaw, holdRaw, key := u.B("root", in.Root), u.B("holding", in.Holding), u.B("issuerPublicKey", in.IssuerPublicKey)
	certRaws := make([][]byte, len(in.Certificates))
	for i, c := range in.Certificates {
		certRaws[i] = u.B(fmt.Sprintf("certificates[%d]", i), c)
	}
	if u.Err != nil {
		return owner, nil, u.Err
	}
	root, err := vgen.ParseRoot(s, rootRaw)
	if err != nil {
		return owner, err, nil
	}
	pub, err := s.ParsePublicKey(key)
	if err != nil {
		return owner, err, nil
	}
	byID := map[string]*devcert.Certificate{}
	for _, raw := range certRaws {
		c, err := devcert.Parse(s, raw)
		if err != nil {
			return owner, err, nil
		}
		byID[c.ID] = c
	}
	at := time.Unix(in.At, 0)
	certs := models.Lookup(func(c *devcert.Certificate) error { return c.Verify(root, at, nil) }, byID)
	hold, err := transfer.ParseHolding(holdRaw)
	if err != nil {
		return owner, err, nil
	}
	owner, err = hold.Verify(pub, certs)
	return owner, err, nil
}

// source returns the vector source of scheme.
func source(scheme string) (vgen.Source, bool) {
	for _, src := range sources() {
		if src.Scheme == scheme {
			return src, true
		}
	}
	return vgen.Source{}, false
}
