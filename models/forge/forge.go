// Package forge builds what the requirement suites' corruptions need
// and nobody honest could make: coins signed by a forger, re-signed or
// re-denominated coins, children worth more than their parent, and
// certificates that do not chain to the central bank. The three scheme
// models stage their corruptions (models.Corrupter) with it.
package forge

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Resign returns a copy of h whose root coin carries sig instead of the
// issuer's signature; every other field and the lineage are unchanged.
func Resign(h *transfer.Holding, sig []byte) (*transfer.Holding, error) {
	c, err := transfer.ParseHolding(h.Marshal())
	if err != nil {
		return nil, err
	}
	c.Root.Signature = append([]byte(nil), sig...)
	return c, nil
}

// BadCert makes a certificate for own's id that does not chain to the
// central bank's root: self-signed with the device key, issued by a
// forger's CA calling itself the central bank, or of the other suite.
func BadCert(s suite.Suite, kind models.CorruptionKind, key suite.PrivateKey, own *devcert.Certificate, now time.Time, r *detrand.Source) (*devcert.Certificate, error) {
	tmpl := devcert.Template{Serial: own.Serial, ID: own.ID, Role: devcert.RoleWallet, PublicKey: key.Public(), NotBefore: now, NotAfter: now.Add(bank.CertValidity)}
	var ca *devcert.Authority
	var err error
	switch kind {
	case models.CorruptSelfSignedCert:
		ca, err = devcert.NewRoot(s, key, own.ID, own.Serial, now, now.Add(bank.CertValidity))
	case models.CorruptForeignRootCert:
		k, kerr := s.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		ca, err = devcert.NewRoot(s, k, bank.CentralBankID, 1, now, now.Add(10*bank.CertValidity))
	case models.CorruptWrongSuiteCert:
		var other suite.Suite
		for _, o := range suite.All() {
			if o.ID() != s.ID() {
				other = o
			}
		}
		if other == nil {
			return nil, spec.Errorf(spec.CodeUnimplemented, "no other crypto suite")
		}
		k, kerr := other.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		if ca, err = devcert.NewRoot(other, k, bank.CentralBankID, 1, now, now.Add(10*bank.CertValidity)); err != nil {
			return nil, err
		}
		dk, kerr := other.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		tmpl.PublicKey = dk.Public()
	}
	if err != nil {
		return nil, err
	}
	return ca.Issue(tmpl)
}

// Coins makes coins worth value that a forger signs with its own
// key, naming agent as issuer and handing them to holder.
func Coins(s suite.Suite, r *detrand.Source, agent, holder string, value int64) ([]*transfer.Holding, error) {
	if value <= 0 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "forged value %d", value)
	}
	denoms, err := coin.MakeChange(value)
	if err != nil {
		return nil, err
	}
	k, err := s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	var out []*transfer.Holding
	for i, d := range denoms {
		var serial coin.Serial
		copy(serial[:], r.Bytes(coin.SerialSize))
		root, err := coin.Sign(k, coin.New(serial, d, coin.Serial{}, agent))
		if err != nil {
			return nil, err
		}
		child := transfer.ChildSerial(serial, 0)
		rec, err := transfer.Sign(k, transfer.Record{
			Version: transfer.Version1, Parent: serial, ParentValue: d,
			Outputs: []transfer.Output{{Serial: child, Value: d, Holder: holder}},
			Payer:   agent, Payee: holder, Counter: uint64(i + 1),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, (&transfer.Holding{Root: root, Serial: serial}).Extend(rec, child))
	}
	return out, nil
}

// Redenominate returns a copy of a one-hop holding whose coin and hand-over
// record state value instead: the issuer's and agent's signatures no
// longer match.
func Redenominate(h *transfer.Holding, value int64) (*transfer.Holding, error) {
	c, err := transfer.ParseHolding(h.Marshal())
	if err != nil {
		return nil, err
	}
	c.Root.Denomination, c.Root.Unit = value, coin.UnitFor(value)
	rec := c.Chain[0]
	rec.ParentValue = value
	for i := range rec.Outputs {
		if rec.Outputs[i].Serial == c.Serial {
			rec.Outputs[i].Value = value
		}
	}
	return c, nil
}

// Children splits h, signed with the holder's own key, into children
// worth extra more than h, all held by holder.
func Children(key suite.PrivateKey, h *transfer.Holding, holder, payee string, extra int64) ([]*transfer.Holding, error) {
	vals := []int64{h.Value()}
	if extra > 0 {
		more, err := coin.MakeChange(extra)
		if err != nil {
			return nil, err
		}
		vals = append(vals, more...)
	}
	if len(vals) > transfer.MaxOutputs {
		vals = vals[:transfer.MaxOutputs]
	}
	rec := transfer.Record{Version: transfer.Version1, Parent: h.Serial, ParentValue: h.Value(), Payer: holder, Payee: payee, Counter: 1 << 40}
	for i, v := range vals {
		rec.Outputs = append(rec.Outputs, transfer.Output{Serial: transfer.ChildSerial(h.Serial, i), Value: v, Holder: holder})
	}
	sig, err := key.Sign(rec.TBS())
	if err != nil {
		return nil, err
	}
	signed := &transfer.Signed{Record: rec, Signature: sig}
	var out []*transfer.Holding
	for _, o := range rec.Outputs {
		out = append(out, h.Extend(signed, o.Serial))
	}
	return out, nil
}
