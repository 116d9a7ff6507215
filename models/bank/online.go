package bank

import (
	"errors"
	"fmt"
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The banks are transactional stores. Every operation a wallet calls
// (Withdraw, WithdrawRequest, Deposit) reads and changes the banks' state
// (accounts, reserves, issued and redeemed totals, the registry, served
// withdrawal requests) as one transaction: it either commits whole or
// changes nothing. The model keeps that state in memory and changes it
// only in complete operations, so a bank's power cut has exactly two
// places: before the commit (nothing happened; the wallet gets no reply)
// or after it (everything happened; the reply is lost). ArmCut stages
// either at the n-th operation, so that the suites can follow it with the
// retry a real client makes. Requests a retry repeats are idempotent:
// Deposit of a deposit already credited credits nothing, and a
// withdrawal named by a request id that was served returns the same
// coins and debits nothing.

// FaultBankCut is how the trace names a power cut of a bank.
const FaultBankCut world.FaultKind = "bank-cut"

// ErrCut is the code a wallet sees when a bank lost power: no reply, so
// it cannot tell whether the operation committed. NoReply tells such an
// error from a refusal, which is final.
const ErrCut = spec.CodeInternal

var errNoReply = errors.New("no reply")

// NoReply reports whether err is a bank's power cut: the operation may or
// may not have committed, and the client must present it again (never
// undo it).
func NoReply(err error) bool { return errors.Is(err, errNoReply) }

// Ops returns how many operations the banks ran (the cut points so far).
func (cb *CentralBank) Ops() int { return cb.ops }

// ArmCut makes the banks lose power at their n-th operation from now
// (n = 0: the next one), before its commit or, with after set, after it.
// Disarm with n < 0.
func (cb *CentralBank) ArmCut(n int, after bool) {
	cb.cutArmed = n >= 0
	cb.cutAt, cb.cutAfter = cb.ops+n, after
}

// transact runs f, one bank operation named op on behalf of party, as a
// transaction, applying an armed cut.
func (cb *CentralBank) transact(party, op string, f func() error) error {
	n := cb.ops
	cb.ops++
	if !cb.cutArmed || n != cb.cutAt {
		return f()
	}
	cb.cutArmed = false
	if !cb.cutAfter {
		cb.w.Trace().Fault(world.PartyID(party), FaultBankCut, fmt.Sprintf("power lost before the %s committed: nothing happened", op))
		return spec.Errorf(ErrCut, "%s lost power before the %s committed: %w", party, op, errNoReply)
	}
	if err := f(); err != nil {
		cb.w.Trace().Fault(world.PartyID(party), FaultBankCut, fmt.Sprintf("power lost after refusing the %s: the refusal was lost", op))
		return spec.Errorf(ErrCut, "%s lost power after the %s: %w", party, op, errNoReply)
	}
	cb.w.Trace().Fault(world.PartyID(party), FaultBankCut, fmt.Sprintf("power lost after the %s committed: the reply was lost", op))
	return spec.Errorf(ErrCut, "%s lost power after the %s committed: %w", party, op, errNoReply)
}

// served is a withdrawal request the agent committed: its amount and the
// coins it handed over.
type served struct {
	amount int64
	coins  []*transfer.Holding
}

// WithdrawRequest is Withdraw named by request, an id the wallet chose
// and persisted before asking: the first time it debits and issues as
// Withdraw does; again (the client's retry after a lost reply or a power
// cut) it returns the same coins and debits nothing. The same id with
// another amount is refused with malformed.
func (a *Agent) WithdrawRequest(holder, request string, amount int64) ([]*transfer.Holding, error) {
	var out []*transfer.Holding
	err := a.cb.transact(a.ID, "withdrawal "+request, func() error {
		key := holder + "\x00" + request
		if s, ok := a.requests[key]; ok && !a.cb.mutated("withdraw-retry-debits-again") {
			if s.amount != amount {
				return spec.Errorf(spec.CodeMalformed, "withdrawal request %s was for %d fen, not %d", request, s.amount, amount)
			}
			a.cb.w.Trace().Note(world.PartyID(a.ID), "withdrawal request %s by %s served already: the same coins again", request, holder)
			out = s.coins
			return nil
		}
		hs, err := a.withdraw(holder, amount)
		if err != nil {
			return err
		}
		if a.requests == nil {
			a.requests = map[string]served{}
		}
		a.requests[key] = served{amount, hs}
		out = hs
		if err := a.handover(holder, hs); err != nil {
			// Committed, not delivered: the client presents the request
			// again, and the replay delivers.
			return spec.Errorf(ErrCut, "%s committed the withdrawal %s but its delivery failed (%v): %w", a.ID, request, err, errNoReply)
		}
		return nil
	})
	return out, err
}

// handover runs the agent's own delivery of a withdrawal, inside the
// withdrawal's transaction (Handover).
func (a *Agent) handover(holder string, hs []*transfer.Holding) error {
	if a.Handover == nil {
		return nil
	}
	return a.Handover(holder, hs)
}

// Transact runs f, a bank operation of a scheme's own (the uploads of a
// reconciliation to the central bank's registry), as one transaction,
// with the cut semantics of the agent's operations: f must change the
// banks' state only through idempotent steps, so the client's retry after
// a cut repeats it harmlessly.
func (cb *CentralBank) Transact(op string, f func() error) error {
	return cb.transact(CentralBankID, op, f)
}

// Served returns the coins of every withdrawal request the agent
// committed, in the order of holder and request id.
func (a *Agent) Served() []*transfer.Holding {
	keys := make([]string, 0, len(a.requests))
	for k := range a.requests {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []*transfer.Holding
	for _, k := range keys {
		out = append(out, a.requests[k].coins...)
	}
	return out
}
