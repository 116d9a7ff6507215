package chain

import (
	"slices"

	"github.com/dualoffline/dualoffline/models"
)

// liveOutputs derives, from the god's-eye view, every coin that exists:
// the unspent outputs of the best chain any node holds, plus the outputs
// of every transaction known anywhere off that chain (node pools, payers'
// logs, payees' inboxes) whose inputs exist and are not spent on that
// chain, minus what those transactions spend. Two such transactions that
// spend one coin (a double spend not yet resolved) both count: that is the
// excess a double spend creates until the chain settles it.
func (in *Instance) liveOutputs(views []*walletView) map[OutPoint]Output {
	bb := in.bb
	st := bb.stateOf(bb.globalBest())
	cands := map[TxID]*Tx{}
	for _, nd := range bb.nodes {
		for id, t := range nd.pool {
			cands[id] = t
		}
	}
	for _, v := range views {
		for _, lp := range v.out {
			cands[lp.id] = &Tx{Payment: lp.p}
		}
		for _, rp := range v.inbox {
			cands[rp.id] = &Tx{Payment: rp.p}
		}
	}
	for id := range cands {
		if _, on := st.txHeight(id); on {
			delete(cands, id)
		}
	}
	accepted := map[TxID]*checked{}
	outs := map[TxID][]Output{}
	res := func(op OutPoint) (Output, bool) {
		if o, ok := st.out(op); ok {
			return o, true
		}
		if os, ok := outs[op.Tx]; ok && int(op.Index) < len(os) {
			return os[op.Index], true
		}
		return Output{}, false
	}
	for changed := true; changed; {
		changed = false
		for _, id := range sortedIDs(cands) {
			c, err := bb.check(cands[id])
			if err != nil {
				delete(cands, id)
				continue
			}
			ok := true
			for _, in := range c.inputs() {
				if _, spent := st.spender(in); spent {
					ok = false
				}
			}
			for _, r := range c.roots {
				if _, minted := st.mintedBy(r); minted {
					ok = false
				}
			}
			if !ok {
				delete(cands, id)
				continue
			}
			os, err := c.outputs(res)
			if err != nil {
				if !isWaiting(err) {
					delete(cands, id)
				}
				continue
			}
			accepted[id], outs[id] = c, os
			delete(cands, id)
			changed = true
		}
	}
	live := st.unspentAll()
	for id, os := range outs {
		for j, o := range os {
			live[OutPoint{Tx: id, Index: uint16(j)}] = o
		}
	}
	for _, c := range accepted {
		for _, in := range c.inputs() {
			delete(live, in)
		}
	}
	return live
}

// location is where an audit finds a live coin.
type location int

const (
	locLost location = iota
	locHeld
	locPending
	locMail
	locRedeemed
)

// classify maps every live coin to where it is:
//
//   - Held: in a wallet's spendable coins, or created by a payment in the
//     inbox (or the log) of the wallet it belongs to — a payee holding a
//     counter-signed payment that is not final yet holds its value;
//   - Pending: created by a payment in a payer's log that its payee does
//     not hold yet, or paid to a bank's redemption address and not yet
//     credited;
//   - Mail: on the chain or in a node's pool, not yet synced by the wallet
//     it belongs to (and, counted by Audit, coins of a withdrawal the
//     agent committed but no node holds the mint of: unminted);
//   - redeemed: paid to a redemption address and credited (counted in the
//     central bank's Redeemed);
//   - Lost: anywhere else.
func (in *Instance) classify(views []*walletView, live map[OutPoint]Output) map[OutPoint]location {
	held := map[OutPoint]bool{}
	inbox := map[TxID]map[Address]bool{}
	logged := map[TxID]Address{}
	for _, v := range views {
		for _, c := range v.st.Coins {
			held[c.Point] = true
		}
		for _, rp := range v.inbox {
			if inbox[rp.id] == nil {
				inbox[rp.id] = map[Address]bool{}
			}
			inbox[rp.id][v.addr] = true
		}
		for _, lp := range v.out {
			logged[lp.id] = v.addr
		}
	}
	known := map[TxID]bool{}
	for _, nd := range in.bb.nodes {
		for id := range nd.pool {
			known[id] = true
		}
	}
	redeem := map[Address]bool{}
	for _, a := range in.redeemAddr {
		redeem[a] = true
	}
	out := map[OutPoint]location{}
	for op, o := range live {
		payer, isLogged := logged[op.Tx]
		switch {
		case redeem[o.Owner] && in.credited[op.Tx]:
			out[op] = locRedeemed
		case redeem[o.Owner]:
			out[op] = locPending
		case held[op], inbox[op.Tx][o.Owner], isLogged && payer == o.Owner:
			out[op] = locHeld
		case isLogged:
			out[op] = locPending
		case known[op.Tx]:
			out[op] = locMail
		default:
			out[op] = locLost
		}
	}
	return out
}

// Audit implements models.Instance: Issued and Redeemed are the central
// bank's totals; Held, Pending, Mail and Lost classify every live coin as
// classify describes. Call it between operations.
func (in *Instance) Audit() models.Audit {
	a := models.Audit{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal, Mail: in.unminted()}
	views := in.readAll()
	live := in.liveOutputs(views)
	for op, loc := range in.classify(views, live) {
		v := live[op].Value
		switch loc {
		case locHeld:
			a.Held += v
		case locPending:
			a.Pending += v
		case locMail:
			a.Mail += v
		case locLost:
			a.Lost += v
		}
	}
	return a
}

// Ledger returns the banks' state: totals, accounts, the coins waiting on
// the chain for wallets that have not synced them, and the double spends
// flagged.
func (in *Instance) Ledger() models.Ledger {
	l := models.Ledger{Issued: in.cb.IssuedTotal, Redeemed: in.cb.RedeemedTotal, DoubleSpends: in.DoubleSpends()}
	l.Accounts = in.cb.AccountsTotal()
	views := in.readAll()
	live := in.liveOutputs(views)
	locs := in.classify(views, live)
	var mail []OutPoint
	for op, loc := range locs {
		if loc == locMail {
			mail = append(mail, op)
		}
	}
	slices.SortFunc(mail, comparePoints)
	for _, op := range mail {
		l.Mail = append(l.Mail, models.Coin{ID: op.String(), Value: live[op].Value})
	}
	return l
}
