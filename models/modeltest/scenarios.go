package modeltest

import (
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// This file stages the short runs that several schemes' mutant scenarios
// share (MutantsObservable): each funds wallet-A, plays one situation in
// which a bug shows, and returns what obs reported of the payments
// (PayObs, or a scheme's own report of a payment).

// Obs reports one payment of in as strings (PayObs has this shape).
type Obs func(in models.Instance, from, to world.PartyID, v int64, plan world.Plan) []string

// TamperedFields: wallet-A pays wallet-B 100 fen once for each field
// index below fields, that field of the message at step altered in
// flight. A party that skips the signature over that message shows.
func TamperedFields(t *testing.T, in models.Instance, obs Obs, step, fields int) []string {
	MustFund(t, in, "wallet-A", 1000)
	var out []string
	for arg := range fields {
		out = append(out, obs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: step, Kind: world.FaultField, Arg: arg}})...)
	}
	return out
}

// RevokedPayer: wallet-A is revoked (revoke is the central bank's), the
// payee wallet-B learns the new list at reconciliation, then A pays B
// 100 fen. A payee that skips the revocation check shows.
func RevokedPayer(t *testing.T, in models.Instance, obs Obs, revoke func(string) error) []string {
	MustFund(t, in, "wallet-A", 1000)
	if err := revoke("wallet-A"); err != nil {
		t.Fatal(err)
	}
	MustReconcile(t, in, "wallet-B")
	return obs(in, "wallet-A", "wallet-B", 100, nil)
}

// LostAfterCommit: wallet-A pays wallet-B 100 fen, the message at step
// lost, then A power-cycles; the audit after it. A payer that commits
// its spend without a write-ahead log shows.
func LostAfterCommit(t *testing.T, in models.Instance, obs Obs, step int) []string {
	MustFund(t, in, "wallet-A", 1000)
	out := obs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: step, Kind: world.FaultDrop}})
	in.Restart("wallet-A")
	return append(out, fmt.Sprintf("audit %+v", in.Audit()))
}

// LimitsAfterSync: wallet-A makes ten payments of 100 fen to wallet-B,
// reconciles, then pays once more. A wallet that does not reset its
// offline limits at a sync shows.
func LimitsAfterSync(t *testing.T, in models.Instance, obs Obs) []string {
	MustFund(t, in, "wallet-A", 2000)
	for range 10 {
		obs(in, "wallet-A", "wallet-B", 100, nil)
	}
	MustReconcile(t, in, "wallet-A")
	return obs(in, "wallet-A", "wallet-B", 100, nil)
}

// DoubleSpent: wallet-A, funded, is cloned; A pays wallet-B 100 fen and
// the clone pays wallet-C 100 fen, the same coin twice. It returns the
// clone, for the scenario to reconcile as it needs.
func DoubleSpent(t *testing.T, in models.Instance, obs Obs) world.PartyID {
	t.Helper()
	MustFund(t, in, "wallet-A", 1000)
	clone := MustClone(t, in, "wallet-A")
	obs(in, "wallet-A", "wallet-B", 100, nil)
	obs(in, clone, "wallet-C", 100, nil)
	return clone
}

// RepeatedToPayee: wallet-A, funded with fund, is cloned; A pays
// wallet-B 100 fen, plan applied, then the wallets of reconcile
// reconcile in order, then the clone pays B the same coins again. A payee
// that forgets what it was paid (by the payment, or by mail when plan
// loses it) shows.
func RepeatedToPayee(t *testing.T, in models.Instance, obs Obs, fund int64, plan world.Plan, reconcile ...world.PartyID) []string {
	t.Helper()
	MustFund(t, in, "wallet-A", fund)
	clone := MustClone(t, in, "wallet-A")
	out := obs(in, "wallet-A", "wallet-B", 100, plan)
	MustReconcile(t, in, reconcile...)
	return append(out, obs(in, clone, "wallet-B", 100, nil)...)
}

// RevokedRefused (R1.4): wallet-B is revoked (revoke is the central
// bank's) and only wallet-A reconciles since; A then refuses B as payee
// and as payer with CodeCertRevoked, while wallet-C, which has not
// synced, still accepts B (the offline window a revocation cannot close).
// C is paid first: a payer whose payment A refused may hold what that
// payment spent until it reconciles (chip's REFUSE).
func RevokedRefused(t *testing.T, in models.Instance, revoke func(string) error) {
	for _, w := range []world.PartyID{"wallet-A", "wallet-B", "wallet-C"} {
		MustFund(t, in, w, 1000)
	}
	if err := revoke("wallet-B"); err != nil {
		t.Fatal(err)
	}
	MustReconcile(t, in, "wallet-A")
	if p, _ := in.Pay("wallet-B", "wallet-C", 100, nil); !p.Received {
		t.Fatalf("C refused B without knowing of the revocation: %v", p.Outcome.Rejections)
	}
	for _, dir := range [][2]world.PartyID{{"wallet-A", "wallet-B"}, {"wallet-B", "wallet-A"}} {
		p, _ := in.Pay(dir[0], dir[1], 100, nil)
		if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeCertRevoked {
			t.Fatalf("%s → %s with B revoked: %+v", dir[0], dir[1], p.Outcome.Rejections)
		}
	}
}

// CountLimit (R6.6): wallet-A, its usage counters fresh, makes ten
// payments of 100 fen to wallet-B, each received, and the eleventh is
// refused with CodeLimitExceeded (the default count limit).
func CountLimit(t testing.TB, in models.Instance) {
	t.Helper()
	for i := range 10 {
		if p, _ := in.Pay("wallet-A", "wallet-B", 100, nil); !p.Received {
			t.Fatalf("payment %d refused: %v", i+1, p.Outcome.Rejections)
		}
	}
	p, _ := in.Pay("wallet-A", "wallet-B", 100, nil)
	if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded {
		t.Fatalf("the 11th offline payment: %+v", p.Outcome.Rejections)
	}
}
