package chip

import (
	"encoding/hex"
	"maps"
	"math"
	"slices"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The payment, SE to SE. The payee's device acts as the terminal and
// sends commands; the payer's card answers:
//
//  1. INITIATE (payee → payer): amount, a fresh challenge, the payee's
//     certificate and its signature over them.
//  2. TRANSFER (payer → payee, the response): the payer's certificate, for
//     each coin spent its holding and a record binding payee and
//     challenge, and the certificates of earlier holders. Before it leaves
//     the card has committed, in one write, the removal of the spent coins,
//     the change it keeps and a write-ahead log entry.
//  3. CONFIRM (payee → payer): the payee's signature acknowledging the
//     records; sent after the payee committed the coins it received.
//  4. DONE (payer → payee): status 9000 once the card logged the
//     acknowledgement.

// StartPayee opens a session on the payee side and returns INITIATE
// (Device).
func (se *SE) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	se.challenge = se.w.Rand("chip/challenge/" + se.Name).Bytes(transfer.ChallengeSize)
	se.amount, se.received, se.opened = amount, false, se.w.Now()
	sig, err := se.Priv.Sign(initTBS(amount, se.challenge, se.Name))
	if err != nil {
		return world.Message{}, err
	}
	return world.Message{From: se.Dev.ID(), To: payer, Type: MsgInitiate, Payload: encodeInitiate(amount, se.challenge, se.Presented(false), sig)}, nil
}

// commandLe is the Le each instruction this profile defines carries.
var commandLe = map[byte]int{INSInitiate: 65536, INSConfirm: apdu.LeAbsent, INSRefuse: apdu.LeAbsent}

// payerEndpoint handles the commands a payer card receives.
func (se *SE) payerEndpoint(m world.Message) ([]world.Message, error) {
	reply := func(typ string, resp []byte) []world.Message {
		return []world.Message{{From: se.Dev.ID(), To: m.From, Type: typ, Payload: resp}}
	}
	fail := func(typ string, err error) ([]world.Message, error) {
		return reply(typ, mustResponse(apdu.ErrorResponse(err))), err
	}
	cmd, err := apdu.ParseCommand(m.Payload)
	if err != nil {
		return fail(MsgTransfer, err)
	}
	// The class, and P1, P2 and Le fixed for each instruction: an altered
	// header is refused like any other altered field.
	hdr := cmd
	if se.mutated("card-ignores-class-byte") {
		hdr.CLA = CLA
	}
	if err := CheckHeader(hdr, cmd.INS); err != nil {
		return fail(MsgTransfer, err)
	}
	switch cmd.INS {
	case INSInitiate:
		resp, err := se.pay(cmd.Data)
		if err != nil {
			return fail(MsgTransfer, err)
		}
		return reply(MsgTransfer, resp), nil
	case INSConfirm:
		if err := se.confirm(cmd.Data); err != nil {
			return fail(MsgDone, err)
		}
		return reply(MsgDone, mustResponse(apdu.Response{SW: apdu.SWOK})), nil
	case INSRefuse:
		// No answer: the payee has closed its session.
		return nil, se.rollback(cmd.Data)
	}
	return fail(MsgTransfer, spec.Errorf(spec.CodeUnimplemented, "instruction %#02x", cmd.INS))
}

// pay answers INITIATE: checks the payee, the limits and the funds, builds
// the records, commits, and returns the TRANSFER response.
func (se *SE) pay(data []byte) ([]byte, error) {
	in, err := ParseInitiate(se.S, data)
	if err != nil {
		return nil, err
	}
	if err := in.CheckPayee(se.Name, se.checkCert); err != nil {
		return nil, err
	}
	if err := in.VerifySignature(); err != nil && !se.mutated("payer-skips-initiate-signature") {
		return nil, err
	}
	answered := prefAnswer + hex.EncodeToString(in.Challenge)
	if _, dup := se.Dev.Get(answered); dup && !se.mutated("payer-forgets-answered-challenges") {
		return nil, spec.Errorf(spec.CodeReplay, "this card already paid challenge %x", in.Challenge)
	}
	if err := se.Limits.Check(se.st.Spent, se.st.Payments-se.offByOne(), in.Amount); err != nil {
		return nil, err
	}
	if se.FW.Insider != nil {
		return se.insiderPay(in)
	}
	// Build one record per coin: whole coins first, the last one split.
	st := se.st
	spent, err := se.Spend(se.pick, in.Amount, se.payerID(), in.Cert.ID, in.Challenge, &st.Counter)
	if err != nil {
		return nil, err
	}
	var spends []spend
	puts := map[string][]byte{}
	var deletes []string
	entry := outEntry{Payee: in.Cert.ID, PayeeCert: in.Cert.Raw, Challenge: in.Challenge}
	for _, s := range spent {
		spends = append(spends, spend{holding: s.Holding, record: s.Record})
		entry.Holdings = append(entry.Holdings, s.Holding.Marshal())
		entry.Records = append(entry.Records, s.Record.Marshal())
		if s.Whole || !se.mutated("payer-keeps-split-coin") {
			deletes = append(deletes, kit.PrefCoin+s.Key)
		}
		for _, change := range s.Change {
			puts[kit.PrefCoin+kit.CoinKey(change)] = change.Marshal()
		}
	}
	// The first coin's holder presents its certificate; the other coins'
	// holders (per-coin pseudonyms, desk.go) travel with the lineage's.
	presented := se.Presented(true)
	if len(spends) > 0 && presented == se.OwnCert {
		presented = se.holderCert(spends[0].holding)
	}
	resp, err := encodeTransfer(presented, spends, se.lineageCerts(presented.ID, spends))
	if err != nil {
		return nil, err // nothing committed: the card is as before
	}
	st.Spent += in.Amount
	if !se.mutated("payer-counts-payment-on-ack") {
		st.Payments++
	}
	puts[keyState] = kit.MustJSON(st)
	puts[kit.OutKey(st.Counter)] = kit.MustJSON(entry)
	if !se.mutated("payer-marks-challenge-on-ack") {
		puts[answered] = []byte{1}
	}
	// The write-ahead commit: coins out, change in, log entry, counters.
	if !se.commitApart(puts, deletes) {
		se.Dev.Commit(se.mutateCommit(puts, deletes, kit.OutKey(st.Counter)))
	}
	se.recoverCoins(puts, deletes)
	se.st = st
	se.out[kit.OutKey(st.Counter)] = &entry
	se.FW.Answered = in.Challenge
	se.w.Trace().State(se.Dev.ID(), "paid %d fen to %s (offline balance %d)", in.Amount, in.Cert.ID, se.Balance())
	return resp, nil
}

// recoverCoins applies a commit to the volatile coin map.
func (se *SE) recoverCoins(puts map[string][]byte, deletes []string) {
	for _, k := range deletes {
		if len(k) > len(kit.PrefCoin) && k[:len(kit.PrefCoin)] == kit.PrefCoin {
			se.DropHeld(k[len(kit.PrefCoin):])
		}
	}
	for k, v := range puts {
		if len(k) > len(kit.PrefCoin) && k[:len(kit.PrefCoin)] == kit.PrefCoin {
			h, err := transfer.ParseHolding(v)
			if err != nil {
				panic("chip: " + err.Error())
			}
			se.SetHeld(k[len(kit.PrefCoin):], h)
		}
	}
}

// pick chooses coins covering amount: largest first, skipping coins whose
// lineage is full (they must be exchanged online) or names an earlier
// payer whose certificate the card lacks or no longer accepts (an agent's
// included, chip-holder-certs: the TRANSFER's DF07 could not carry it, or
// the payee, checking the same certificate, would refuse the coin); coins
// that do not cover amount are insufficient-funds (chip-funds of
// spec/checks.json). A payment that takes more than MaxSpends coins would
// not fit one TRANSFER: limit-exceeded (chip-limits). Without chip-funds
// the card counts every coin, full lineage or not, and pays what it holds
// when that falls short.
func (se *SE) pick(amount int64) ([]string, error) {
	funds := spec.Makes("chip-funds")
	spendable := func(h *transfer.Holding) bool {
		return (len(h.Chain) < transfer.MaxHops || !funds) && se.holdersCertified(h) && !se.frozen(h) && !se.heldByRefusal(h)
	}
	if !funds {
		var held int64
		for _, h := range se.Held {
			if spendable(h) {
				held += h.Value()
			}
		}
		amount = min(amount, held)
	}
	picked, err := se.Pick(amount, math.MaxInt, spendable, "card")
	if err == nil && len(picked) > MaxSpends && spec.Makes("chip-limits") {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "the payment takes %d coins, a TRANSFER carries %d", len(picked), MaxSpends)
	}
	return picked, err
}

// holdersCertified is chip-holder-certs: each earlier payer of h's
// lineage other than the card itself is an agent the card is personalised
// with or a wallet whose certificate it keeps, and that certificate
// verifies under the root at the card's clock against its revocation list.
func (se *SE) holdersCertified(h *transfer.Holding) bool {
	if !spec.Makes("chip-holder-certs") || se.FW.Unchecked {
		return true
	}
	return se.HoldersCertified(h, se.checkCert)
}

// lineageCerts lists the certificates of every wallet that signed in the
// spent coins' lineages, except this card (its certificate travels
// separately) and the agents (every card is personalised with them), and
// of the card's pseudonyms that hold a spent coin or signed in its
// lineage, except presented (the TRANSFER's payer certificate).
func (se *SE) lineageCerts(presented string, spends []spend) [][]byte {
	out := kit.LineageCerts(&se.Core, spends, func(sp spend) *transfer.Holding { return sp.holding }, se.mutated("omit-lineage-certs"))
	own := map[string]bool{}
	for _, sp := range spends {
		own[sp.holding.Claimed().Holder] = true
		for _, r := range sp.holding.Chain {
			own[r.Payer] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(own)) {
		if id == presented {
			continue
		}
		if c := se.pcerts[id]; c != nil {
			out = append(out, c.Raw)
		} else if id == se.Name {
			out = append(out, se.OwnCert.Raw) // a coin the card holds under its own name
		}
	}
	return out
}

// confirm answers CONFIRM: verifies the payee's acknowledgement of a
// logged payment and records it.
func (se *SE) confirm(data []byte) error {
	challenge, sig, err := ParseConfirm(data)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(se.out)) {
		e := se.out[k]
		if !AckAwaited(e.Challenge, challenge, se.sameChallenge) {
			continue
		}
		if len(e.Refusal) > 0 {
			return spec.Errorf(spec.CodeReplay, "the payee refused this payment")
		}
		if e.Acked {
			return spec.Errorf(spec.CodeReplay, "payment already acknowledged")
		}
		cert, err := devcert.Parse(se.S, e.PayeeCert)
		if err != nil {
			return err
		}
		var recs []*transfer.Signed
		for _, rb := range e.Records {
			r, err := transfer.Parse(rb)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		// The acknowledgement must cover the logged payment.
		payer := se.Name
		if len(recs) > 0 {
			payer = recs[0].Payer // the first coin's holder: the card or a pseudonym of it
		}
		if err := VerifyAck(cert, e.Challenge, payer, recs, sig); err != nil {
			return err
		}
		acked := *e
		acked.Acked = true
		if se.mutated("forget-spend-on-crash") {
			se.Dev.Commit(nil, spentKeys(e)) // the deferred removal of the spent coins
		}
		if se.mutated("payer-marks-challenge-on-ack") {
			se.Dev.Put(prefAnswer+hex.EncodeToString(e.Challenge), []byte{1}) // the deferred mark
		}
		se.Dev.Put(k, kit.MustJSON(acked))
		se.countOnAck()
		se.out[k] = &acked
		se.forgetAcked(k)
		se.w.Trace().State(se.Dev.ID(), "payment to %s acknowledged", e.Payee)
		return nil
	}
	return spec.Errorf(spec.CodeReplay, "no payment awaits this acknowledgement")
}

// payeeEndpoint handles the responses the payee terminal receives.
func (se *SE) payeeEndpoint(m world.Message) ([]world.Message, error) {
	resp, err := apdu.ParseResponse(m.Payload)
	if err != nil {
		if se.closesOnShortFrame(m.Payload) {
			return nil, nil
		}
		return nil, err
	}
	if se.challenge == nil {
		// DONE, or anything after the session's one TRANSFER.
		if resp.SW == apdu.SWOK && len(resp.Data) == 0 && se.received {
			se.commitDeferred()
			return nil, nil
		}
		return nil, spec.Errorf(spec.CodeReplay, "no payment session is open")
	}
	if err := resp.Err(); err != nil {
		se.challenge = nil
		if spec.CodeOf(err) == spec.CodeInternal && spec.Makes("apdu-sw") {
			// The payer card failed; for this card that is an answer it
			// cannot use, not a fault of its own.
			return nil, spec.Errorf(spec.CodeMalformed, "the payer card reported an internal failure: %v", err)
		}
		return nil, err
	}
	challenge := se.challenge
	if spec.Makes("chip-replay") {
		se.challenge = nil // one TRANSFER per challenge, accepted or not
	}
	err = se.sessionExpired()
	var recs []*transfer.Signed
	if err == nil {
		recs, err = se.receive(resp.Data, challenge)
	}
	if err == nil {
		err = se.latencyBound()
	}
	if err != nil {
		// The payer card committed before sending: tell it, signed,
		// that nothing was stored, so it can roll back.
		return se.refusal(m.From, challenge), err
	}
	if se.FW.Withhold {
		// A malicious payee: keeps the coins, never confirms, and may
		// say, signed, that it stored nothing.
		return se.refuseAfterStore(m.From, challenge), nil
	}
	sig, err := se.Priv.Sign(ackTBS(challenge, recs[0].Payer, recs))
	if err != nil {
		return nil, err
	}
	return []world.Message{{From: se.Dev.ID(), To: m.From, Type: MsgConfirm, Payload: encodeConfirm(challenge, sig)}}, nil
}

// receive verifies a TRANSFER (CheckTransfer, with the card's store of
// coins already received) and commits the coins it pays this card.
func (se *SE) receive(data, challenge []byte) ([]*transfer.Signed, error) {
	msg, err := ParseTransfer(se.S, data)
	if err != nil {
		return nil, err
	}
	puts := map[string][]byte{}
	seen := map[string]bool{}
	got, err := CheckTransfer(msg, Terminal{
		ID: se.Name, Challenge: challenge, Amount: se.amount, CoinKey: se.CoinKey,
		CheckCert: se.checkCert, Lookup: se.lookup, VerifyHolding: se.verifyHolding, ValidateRecord: se.validateRecord,
		Mutated: se.mutated,
		Seen: func(i int, rec *transfer.Signed) error {
			seenKey := se.seenKey(rec)
			if _, dup := se.Dev.Get(seenKey); (dup || seen[seenKey] && !se.mutated("payee-checks-stored-serials-only")) && spec.Makes("spend-seen") {
				return spec.Errorf(spec.CodeDoubleSpend, "spend %d: coin %s was already paid to this card", i, rec.Parent)
			}
			seen[seenKey] = true
			puts[seenKey] = []byte{1}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	for _, h := range got.Coins {
		puts[kit.PrefCoin+kit.CoinKey(h)] = h.Marshal()
	}
	for id, c := range got.Certs {
		if id != se.Name && !se.mutated("payee-keeps-lineage-certs-in-ram") {
			puts[kit.PrefCert+id] = c.Raw
		}
	}
	if !se.deferCommit(puts) {
		se.Dev.Commit(puts, nil)
	}
	se.recoverCoins(puts, nil)
	for id, c := range got.Certs {
		se.Certs[id] = c
	}
	se.received = true
	se.w.Trace().State(se.Dev.ID(), "received %d fen from %s (offline balance %d)", got.Total, msg.Cert.ID, se.Balance())
	return got.Records, nil
}
