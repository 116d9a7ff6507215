package chip

import (
	"bytes"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The refusal. The payer card commits its payment (coins out, change in,
// log entry) before the TRANSFER leaves, and only then does the payee see
// the payer's certificate and coins. A payee that refuses the TRANSFER
// (a revoked or expired payer, a forged or altered coin) stores nothing
// and answers with REFUSE: the challenge and its signature over it. A
// payer card that receives a REFUSE verifying under the certificate of the
// payee it logged, for a payment not yet acknowledged nor refused, marks
// the log entry refused with the REFUSE's data and gives nothing back
// offline: the spent coins stay out, the change stays on the card unspent,
// the payment still counts towards the offline limits. Reconciliation
// lodges it: the refusal is the payee's signed word that it stored
// nothing, which the registry holds against it (refusal.go,
// bank.Registry.Refused), and the registry's ruling gives the coins back
// (no one registered the payment) or lets the payment stand (the payee
// did). Without the REFUSE (lost), the payment stays logged and
// reconciliation settles it as before.
const (
	INSRefuse = 0x54 // payee terminal → payer card: signed refusal of a TRANSFER
	MsgRefuse = "REFUSE"
)

func refuseTBS(challenge []byte, payee string) []byte {
	b := []byte("dualoffline/chip/refuse/v1\x00")
	b = append(b, challenge...)
	b = append(b, byte(len(payee)))
	return append(b, payee...)
}

func encodeRefuse(challenge, sig []byte) []byte {
	data := apdu.Marshal([]apdu.TLV{
		{Tag: TagChallenge, Value: challenge},
		{Tag: TagSig, Value: sig},
	})
	return mustCommand(apdu.Command{CLA: CLA, INS: INSRefuse, Data: data, Le: apdu.LeAbsent})
}

// refusal builds the REFUSE the payee sends after refusing the TRANSFER
// that answered challenge; nil if it cannot sign.
func (se *SE) refusal(to world.PartyID, challenge []byte) []world.Message {
	sig, err := se.Priv.Sign(refuseTBS(challenge, se.Name))
	if err != nil {
		return nil
	}
	return []world.Message{{From: se.Dev.ID(), To: to, Type: MsgRefuse, Payload: encodeRefuse(challenge, sig)}}
}

// CheckRefusal is what a payer card checks of a REFUSE for the logged
// payment to payee under challenge (acked: the payee acknowledged it):
// not acknowledged (replay), and the payee's signature over refuseTBS
// (bad-signature) [check: chip-refuse].
func CheckRefusal(payee *devcert.Certificate, acked bool, challenge, sig []byte) error {
	if !spec.Makes("chip-refuse") {
		return nil
	}
	if acked {
		return spec.Errorf(spec.CodeReplay, "the payee acknowledged this payment")
	}
	return payee.PublicKey.Verify(refuseTBS(challenge, payee.ID), sig)
}

// rollback answers REFUSE: it marks the logged, unacknowledged payment
// the payee refused. The card gives nothing back offline: the coins the
// payment spent stay out, the change it made stays on the card but is
// not spent (heldByRefusal), and the payment still counts towards the
// offline limits, until reconciliation lodges the refusal and the
// registry rules (refusal.go): the payment stands if the payee
// registered its records, or is void and the coins come back. So no
// order of spends and deposits makes the card spend a coin twice (D4 of
// SOURCES.md).
func (se *SE) rollback(data []byte) error {
	challenge, sig, err := parseConfirm(data)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(se.out)) {
		e := se.out[k]
		if !bytes.Equal(e.Challenge, challenge) && spec.Makes("chip-refuse") {
			continue
		}
		if len(e.Refusal) > 0 {
			if !bytes.Equal(e.Challenge, challenge) {
				continue
			}
			return spec.Errorf(spec.CodeReplay, "the payee refused this payment already")
		}
		cert, err := devcert.Parse(se.S, e.PayeeCert)
		if err != nil {
			return err
		}
		if err := CheckRefusal(cert, e.Acked, challenge, sig); err != nil {
			return err
		}
		if se.restoresAtOnce() {
			return se.restoreRefused(k, e, data)
		}
		refused := *e
		refused.Refusal = append([]byte(nil), data...)
		se.Dev.Commit(map[string][]byte{k: kit.MustJSON(refused)}, nil)
		se.Recover()
		se.w.Trace().State(se.Dev.ID(), "payment to %s refused: held until reconciliation (offline balance %d)", e.Payee, se.Balance())
		return nil
	}
	return spec.Errorf(spec.CodeReplay, "no payment awaits this refusal")
}

// heldByRefusal reports whether h is change a refused payment made: the
// card does not spend it until reconciliation rules on the refusal (it
// is void if the payment is).
func (se *SE) heldByRefusal(h *transfer.Holding) bool {
	n := len(h.Chain)
	if n == 0 {
		return false
	}
	for _, e := range se.out {
		if len(e.Refusal) > 0 && slices.ContainsFunc(e.Records, func(b []byte) bool { return bytes.Equal(b, h.Chain[n-1].Marshal()) }) {
			return true
		}
	}
	return false
}

// restoresAtOnce reports whether the card answers REFUSE as it did before
// D4 was mended: it rolls the payment back offline.
func (se *SE) restoresAtOnce() bool {
	for _, m := range []string{"refuse-restores-at-once", "rollback-keeps-change", "rollback-keeps-log-entry", "rollback-forgets-refusal"} {
		if se.mutated(m) {
			return true
		}
	}
	return false
}

// restoreRefused is the card before D4's mend (the mutant
// refuse-restores-at-once and its variants): the spent coins return, the
// change goes, the usage goes, and the log entry k is kept, marked
// refused with the REFUSE's data.
func (se *SE) restoreRefused(k string, e *outEntry, data []byte) error {
	puts := map[string][]byte{}
	var deletes []string
	switch {
	case se.mutated("rollback-keeps-log-entry"):
	case se.mutated("rollback-forgets-refusal"):
		deletes = append(deletes, k)
	default:
		refused := *e
		refused.Refusal = append([]byte(nil), data...)
		puts[k] = kit.MustJSON(refused)
	}
	var amount int64
	for i := range e.Records {
		h, err1 := transfer.ParseHolding(e.Holdings[i])
		r, err2 := transfer.Parse(e.Records[i])
		if err1 != nil || err2 != nil {
			return spec.Errorf(spec.CodeMalformed, "log entry %s does not parse", k)
		}
		puts[kit.PrefCoin+kit.CoinKey(h)] = e.Holdings[i]
		amount += r.PaidTo(e.Payee)
		for _, o := range r.Outputs {
			if o.Holder != e.Payee {
				ck := kit.PrefCoin + kit.CoinKey(h.Extend(r, o.Serial))
				if _, ok := se.Dev.Get(ck); !ok {
					return spec.Errorf(spec.CodeDoubleSpend, "the change of the refused payment was spent since")
				}
				if !se.mutated("rollback-keeps-change") {
					deletes = append(deletes, ck)
				}
			}
		}
	}
	st := se.st
	st.Spent = max(0, st.Spent-amount)
	st.Payments = max(0, st.Payments-1)
	puts[keyState] = kit.MustJSON(st)
	se.Dev.Commit(puts, deletes)
	se.Recover()
	se.w.Trace().State(se.Dev.ID(), "payment of %d fen refused by %s: rolled back (offline balance %d)", amount, e.Payee, se.Balance())
	return nil
}
