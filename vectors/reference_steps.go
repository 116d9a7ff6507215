package vectors

import (
	"time"

	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// refRecordValidate is Record.Validate step by step as spec/formats.md
// states it, skipping the checks d drops.
func refRecordValidate(r *transfer.Record, d dropSet) error {
	switch {
	case r.Version != transfer.Version1:
		return spec.Errorf(spec.CodeUnknownVersion, "record version %d", r.Version)
	case len(r.Outputs) == 0 || len(r.Outputs) > transfer.MaxOutputs:
		return spec.Errorf(spec.CodeMalformed, "%d outputs", len(r.Outputs))
	case !spec.ValidID(r.Payer, transfer.MaxIDLen) || !spec.ValidID(r.Payee, transfer.MaxIDLen) || r.Counter >= 1<<63:
		return spec.Errorf(spec.CodeMalformed, "payer, payee or counter out of range")
	case d.keeps("record-self-payment") && r.Payer == r.Payee:
		return spec.Errorf(spec.CodeWrongRecipient, "payer and payee are both %q", r.Payer)
	}
	var sum int64
	for i, o := range r.Outputs {
		switch {
		case d.keeps("record-child-serial") && o.Serial != transfer.ChildSerial(r.Parent, i):
			return spec.Errorf(spec.CodeValueMismatch, "output %d serial does not derive from the parent", i)
		case d.keeps("record-output-denomination") && !coin.ValidDenomination(o.Value):
			return spec.Errorf(spec.CodeBadDenomination, "output %d value %d", i, o.Value)
		case d.keeps("record-output-holder") && o.Holder != r.Payer && o.Holder != r.Payee:
			return spec.Errorf(spec.CodeWrongRecipient, "output %d goes to %q", i, o.Holder)
		}
		sum += o.Value
	}
	if d.keeps("record-sum") && sum != r.ParentValue {
		return spec.Errorf(spec.CodeValueMismatch, "outputs sum to %d, parent is %d", sum, r.ParentValue)
	}
	if d.keeps("record-pays-payee") && r.PaidTo(r.Payee) == 0 {
		return spec.Errorf(spec.CodeValueMismatch, "a record that pays the payee nothing")
	}
	return nil
}

// refHoldingVerify is Holding.Verify step by step as spec/formats.md
// states it ("Verifying a holding: the lineage"), skipping the checks d
// drops. raw looks a signer's certificate up without checking it, verify
// checks it against the root and the clock.
func refHoldingVerify(h *transfer.Holding, issuer suite.PublicKey, raw func(string) *devcert.Certificate, verify func(*devcert.Certificate) error, d dropSet) (transfer.Owner, error) {
	if d.keeps("holding-root") {
		if err := refCoinCheck(h.Root, issuer, d); err != nil {
			return transfer.Owner{}, err
		}
	}
	cur := transfer.Owner{Holder: h.Root.Agent, Value: h.Root.Denomination}
	serial := h.Root.Serial
	for i, rec := range h.Chain {
		switch {
		case d.keeps("holding-parent") && (rec.Parent != serial || rec.ParentValue != cur.Value):
			return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d does not spend the held coin", i)
		case d.keeps("holding-payer") && rec.Payer != cur.Holder:
			return transfer.Owner{}, spec.Errorf(spec.CodeWrongRecipient, "record %d is signed for %q, the holder is %q", i, rec.Payer, cur.Holder)
		}
		if err := refRecordValidate(&rec.Record, d); err != nil {
			return transfer.Owner{}, err
		}
		cert := raw(rec.Payer)
		if d.keeps("holding-signer-cert") {
			if cert == nil {
				return transfer.Owner{}, spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for %q", rec.Payer)
			}
			if err := verify(cert); err != nil {
				return transfer.Owner{}, err
			}
		}
		if cert != nil {
			want := devcert.RoleWallet
			if i == 0 {
				want = devcert.RoleAgent
			}
			if d.keeps("holding-role") && (cert.Role != want || cert.ID != rec.Payer) {
				return transfer.Owner{}, spec.Errorf(spec.CodeUntrustedIssuer, "record %d signer has role %q, want %q", i, cert.Role, want)
			}
			if d.keeps("holding-signature") && d.keeps("record-signature") {
				if err := rec.Verify(cert.PublicKey); err != nil {
					return transfer.Owner{}, err
				}
			}
		}
		next := h.Serial
		if i+1 < len(h.Chain) {
			next = h.Chain[i+1].Parent
		}
		found := false
		for _, o := range rec.Outputs {
			if o.Serial == next {
				cur, serial, found = transfer.Owner{Holder: o.Holder, Value: o.Value}, o.Serial, true
				break
			}
		}
		if !found {
			if d.keeps("holding-next-serial") {
				return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d creates no coin %s", i, next)
			}
			serial = next
		}
	}
	if d.keeps("holding-end") && serial != h.Serial {
		return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "holding names %s, the chain ends at %s", h.Serial, serial)
	}
	return cur, nil
}

// refQRSteps is the chain payee's decision on a scanned payment step by
// step as spec/formats-schemes.md states it ("What the payee checks (the
// QR code scanned)"), with the request open and nothing received yet,
// skipping the checks d drops.
func refQRSteps(s suite.Suite, root *devcert.Certificate, raw []byte, payee chain.Address, amount int64, nonce [chain.NonceSize]byte, at time.Time, d dropSet) error {
	p, err := chain.ParsePayment(raw)
	if err != nil {
		return err
	}
	cert, err := devcert.Parse(s, p.Cert)
	if err != nil {
		return err
	}
	if d.keeps("chain-cert") {
		if cert.Role != devcert.RoleWallet {
			return spec.Errorf(spec.CodeUntrustedIssuer, "payer certificate has role %q", cert.Role)
		}
		if err := cert.Verify(root, at, nil); err != nil {
			return err
		}
	}
	if d.keeps("chain-version") && p.Version != chain.Version1 {
		return spec.Errorf(spec.CodeUnknownVersion, "a version-%d payment", p.Version)
	}
	w := int64(chain.Window / time.Second)
	switch dt := p.Time - at.Unix(); {
	case d.keeps("chain-address") && chain.AddressOf(s, cert.PublicKey) != p.Payer:
		return spec.Errorf(spec.CodeWrongRecipient, "payer address is not the certificate's")
	case d.keeps("chain-payee") && (p.Payee != payee || p.Payer == payee):
		return spec.Errorf(spec.CodeWrongRecipient, "payment to another wallet, or from this one")
	case d.keeps("chain-amount") && p.Amount != amount:
		return spec.Errorf(spec.CodeValueMismatch, "payment of %d fen, the till asked for %d", p.Amount, amount)
	case d.keeps("chain-nonce") && p.Nonce != nonce:
		return spec.Errorf(spec.CodeReplay, "payment answers another nonce")
	case d.keeps("chain-time-window") && (dt > w || dt < -w):
		return spec.Errorf(spec.CodeReplay, "payment time %d s from the payee's clock", dt)
	}
	if d.keeps("chain-signature") {
		return cert.PublicKey.Verify(p.TBS(), p.Signature)
	}
	return nil
}
