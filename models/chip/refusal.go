package chip

import (
	"bytes"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Refusals at reconciliation (C5). A payer card that rolled a payment
// back on a signed REFUSE keeps the log entry, marked refused with the
// REFUSE's data, and holds the coins its rollback restored (refuse.go:
// it does not spend them until this reconciliation settles the entry).
// Reconciliation lodges it with the registry (bank.Registry.Refused)
// instead of uploading its records as spends: the refusal is checked
// under the payee's certificate, the records that no one registered
// become void (the payee's word that it stored nothing binds it: what
// descends from them is refused and its deposit seized; the held coins
// are the card's to spend again), and the records the registry already
// holds stand: the payee used what it refused, so the payment happened.
// For those the card gets back the change its rollback dropped and gives
// up the coin its rollback restored (its deposit is seized: the coin is
// spent already). The payee is named either way
// (bank.Registry.RefusalFrauds). A refusal the registry does not take (a
// revoked, expired or uncertified payer's records, which it would not
// register from anyone) leaves the held coins the card's.

// refusedSettlement is what lodging a card's refusals leaves to do on the
// card: the change of payments that stand, to store, and the keys of the
// coins their rollback restored, to give up.
type refusedSettlement struct {
	change []*transfer.Holding
	seize  []string
}

// lodgeRefusals lodges the refused entries of st, the card of wallet id
// named name, with the registry.
func (in *Instance) lodgeRefusals(id world.PartyID, name string, st *CardState) (refusedSettlement, error) {
	var out refusedSettlement
	if !slices.ContainsFunc(st.Log, func(e LogEntry) bool { return len(e.Refusal) > 0 }) {
		return out, nil
	}
	reg := in.cb.Registry()
	err := in.cb.Transact("refusals of "+name, func() error {
		for _, e := range st.Log {
			if len(e.Refusal) == 0 {
				continue
			}
			ref, parents, recs, err := in.refusalOf(name, e)
			if err != nil {
				in.w.Trace().Note(id, "refusal not lodged: %v", err)
				continue
			}
			stand, err := reg.Refused(ref, parents, recs)
			if err != nil {
				in.w.Trace().Note(id, "refusal not lodged: %v", err)
				continue
			}
			for _, i := range stand {
				h, r := parents[i], recs[i]
				for _, o := range r.Outputs {
					if o.Holder != r.Payee {
						out.change = append(out.change, h.Extend(r, o.Serial))
					}
				}
				if k := kit.CoinKey(h); st.Coins[k] != nil {
					out.seize = append(out.seize, k)
				}
				in.w.Trace().State(id, "the payment %s refused stands: the registry holds its record", e.Payee)
			}
		}
		return nil
	})
	return out, err
}

// refusalOf reads a refused entry out and checks the refusal under the
// payee's certificate.
func (in *Instance) refusalOf(payer string, e LogEntry) (bank.Refusal, []*transfer.Holding, []*transfer.Signed, error) {
	ref := bank.Refusal{Payer: payer, Payee: e.Payee, Holdings: e.Holdings, Records: e.Records, Data: e.Refusal}
	cert, ok := in.cb.Certificate(e.Payee)
	if !ok {
		return ref, nil, nil, spec.Errorf(spec.CodeWrongRecipient, "no certificate of payee %s", e.Payee)
	}
	ref.PayeeCert = cert.Raw
	if pc, ok := in.cb.Certificate(payer); ok {
		ref.PayerCert = pc.Raw
	}
	challenge, sig, err := parseConfirm(e.Refusal)
	if err != nil {
		return ref, nil, nil, err
	}
	if err := cert.PublicKey.Verify(refuseTBS(challenge, cert.ID), sig); err != nil {
		return ref, nil, nil, err
	}
	if len(e.Records) != len(e.Holdings) {
		return ref, nil, nil, spec.Errorf(spec.CodeMalformed, "log entry %s has %d records for %d holdings", e.Key, len(e.Records), len(e.Holdings))
	}
	var parents []*transfer.Holding
	var recs []*transfer.Signed
	for i := range e.Records {
		h, err := transfer.ParseHolding(e.Holdings[i])
		if err != nil {
			return ref, nil, nil, err
		}
		r, err := transfer.Parse(e.Records[i])
		if err != nil {
			return ref, nil, nil, err
		}
		if !bytes.Equal(r.Challenge[:], challenge) {
			return ref, nil, nil, spec.Errorf(spec.CodeValueMismatch, "the refusal is of another challenge than the record's")
		}
		parents, recs = append(parents, h), append(recs, r)
	}
	return ref, parents, recs, nil
}

// VerifyRefusalFraud checks, with the root certificate only (the
// evidence carries the payee's and the payer's certificates), that ev's
// payee used a payment it refused: both certificates chain to root, the
// payee's signature over the REFUSE's challenge verifies, the refused
// record is signed by the payer and pays that payee under that
// challenge, and the payee's own signed spend takes the record's output
// to it. It returns the payee's device id. Evidence without the payee's
// spend (the registry saw only its upload) does not verify: it is the
// registry's word. The spend names the coin it spends by serial, which
// depends on the parent coin only, so the evidence cannot tell the
// refused record from another record of the payer spending the same
// parent to the same payee: SOURCES.md, D5.
func VerifyRefusalFraud(s suite.Suite, root *devcert.Certificate, ev bank.RefusalFraud) (string, error) {
	cert, err := devcert.Parse(s, ev.Refusal.PayeeCert)
	if err != nil {
		return "", err
	}
	if err := cert.Verify(root, cert.NotBefore, nil); err != nil {
		return "", err
	}
	payer, err := devcert.Parse(s, ev.Refusal.PayerCert)
	if err != nil {
		return "", err
	}
	if err := payer.Verify(root, payer.NotBefore, nil); err != nil {
		return "", err
	}
	challenge, sig, err := parseConfirm(ev.Refusal.Data)
	if err != nil {
		return "", err
	}
	if err := cert.PublicKey.Verify(refuseTBS(challenge, cert.ID), sig); err != nil {
		return "", err
	}
	rec, err := transfer.Parse(ev.Record)
	if err != nil {
		return "", err
	}
	if rec.Payee != cert.ID || !bytes.Equal(rec.Challenge[:], challenge) {
		return "", spec.Errorf(spec.CodeWrongRecipient, "the record pays %s under another challenge than %s refused", rec.Payee, cert.ID)
	}
	if rec.Payer != payer.ID {
		return "", spec.Errorf(spec.CodeWrongRecipient, "the record is %s's, the evidence's payer certificate %s's", rec.Payer, payer.ID)
	}
	if err := rec.Verify(payer.PublicKey); err != nil {
		return "", err
	}
	if len(ev.Spend) == 0 {
		return "", spec.Errorf(spec.CodeMalformed, "no spend signed by %s: only the registry saw it use the payment", cert.ID)
	}
	spend, err := transfer.Parse(ev.Spend)
	if err != nil {
		return "", err
	}
	if err := spend.Verify(cert.PublicKey); err != nil {
		return "", err
	}
	if spend.Payer != cert.ID || !slices.ContainsFunc(rec.Outputs, func(o transfer.Output) bool { return o.Holder == cert.ID && o.Serial == spend.Parent }) {
		return "", spec.Errorf(spec.CodeValueMismatch, "the spend does not take the refused record's output to %s", cert.ID)
	}
	return cert.ID, nil
}

// heldByRefusal names the coins of st that a REFUSE put back, which the
// card holds until reconciliation rules on the refusal (SE.heldByRefusal):
// a deposit leaves them on the card, since the payee that refused may
// have registered the payment, and the coin is then spent already.
func (in *Instance) heldByRefusal(st *CardState) map[string]bool {
	if in.mutated("refuse-restores-at-once") || in.mutated("deposit-takes-held-coins") {
		return nil
	}
	refused := map[string]bool{}
	for _, e := range st.Log {
		if len(e.Refusal) > 0 {
			for _, h := range e.Holdings {
				refused[string(h)] = true
			}
		}
	}
	held := map[string]bool{}
	if len(refused) == 0 {
		return held
	}
	for k, h := range st.Coins {
		if refused[string(h.Marshal())] {
			held[k] = true
		}
	}
	return held
}
