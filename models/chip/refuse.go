package chip

import (
	"bytes"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The refusal. The payer card commits its payment (coins out, change in,
// log entry) before the TRANSFER leaves, and only then does the payee see
// the payer's certificate and coins. A payee that refuses the TRANSFER
// (a revoked or expired payer, a forged or altered coin) stores nothing
// and answers with REFUSE: the challenge and its signature over it. A
// payer card that receives a REFUSE verifying under the certificate of the
// payee it logged, for a payment not yet acknowledged nor refused, rolls
// the payment back: the spent coins return, the change goes, and the log
// entry is kept, marked refused with the REFUSE's data (it spends nothing
// from then on). The coins that returned are held: the card does not
// spend them, and the payment still counts towards the offline limits,
// until reconciliation lodges the refusal: it is the payee's signed word
// that it stored nothing, which the registry holds against it
// (refusal.go, bank.Registry.Refused), and the registry's ruling frees
// the coins (no one registered the payment) or takes them (the payee
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

// rollback answers REFUSE: it rolls back the logged, unacknowledged
// payment the payee refused, but the coins it puts back are held: the
// card does not spend them (heldByRefusal) until reconciliation lodges
// the refusal and the registry rules (refusal.go): they are the card's
// again if no one registered the payment, spent if the payee did. The
// payment still counts towards the offline limits until then. So no
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
		return se.restoreRefused(k, e, data)
	}
	return spec.Errorf(spec.CodeReplay, "no payment awaits this refusal")
}

// heldByRefusal reports whether h is a coin the card put back on a
// REFUSE, not yet reconciled: it does not spend it, since the payee that
// refused it may have stored and registered it.
func (se *SE) heldByRefusal(h *transfer.Holding) bool {
	var b []byte
	for _, e := range se.out {
		if len(e.Refusal) == 0 || se.restoresAtOnce() {
			continue
		}
		if b == nil {
			b = h.Marshal()
		}
		if slices.ContainsFunc(e.Holdings, func(x []byte) bool { return bytes.Equal(x, b) }) {
			return true
		}
	}
	return false
}

// restoresAtOnce reports whether the card answers REFUSE as it did before
// D4 was mended: the coins it puts back are spendable at once and the
// payment leaves the offline limits' usage.
func (se *SE) restoresAtOnce() bool {
	for _, m := range []string{"refuse-restores-at-once", "rollback-keeps-change", "rollback-keeps-log-entry", "rollback-forgets-refusal"} {
		if se.mutated(m) {
			return true
		}
	}
	return false
}

// restoreRefused rolls back the payment of log entry k: the spent coins
// return (held, heldByRefusal), the change goes, and the entry is kept,
// marked refused with the REFUSE's data. The card before D4's mend (the
// mutant refuse-restores-at-once and its variants) also took the payment
// out of the offline limits' usage and did not hold the coins.
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
	if se.restoresAtOnce() {
		st := se.st
		st.Spent = max(0, st.Spent-amount)
		st.Payments = max(0, st.Payments-1)
		puts[keyState] = kit.MustJSON(st)
	}
	se.Dev.Commit(puts, deletes)
	se.Recover()
	se.w.Trace().State(se.Dev.ID(), "payment of %d fen refused by %s: rolled back, its coins held until reconciliation (offline balance %d)", amount, e.Payee, se.Balance())
	return nil
}
