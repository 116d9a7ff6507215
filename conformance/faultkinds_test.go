package conformance

import (
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
)

// faultKind pairs a fault kind with a public mutant that only that kind
// reaches, and the sub-property whose properties kill it. A kind without
// one yet has an empty mutant and says why in pending.
type faultKind struct {
	kind    world.FaultKind
	mutant  string // scheme~mutation
	sub     string
	checks  int // cases per property, when the kind needs more than the test's default
	pending string
}

// faultKindMutants has an entry for every kind world.ChannelFaults lists,
// rollback, clone, the partition of the master nodes and the power cut of
// an online operation.
var faultKindMutants = []faultKind{
	{kind: world.FaultDuplicate, mutant: "chip~payer-marks-challenge-on-ack", sub: "R1.2"},
	{kind: world.FaultBitFlip, mutant: "chip~card-ignores-class-byte", sub: "R1.1"},
	{kind: world.FaultTruncate, mutant: "chip~payee-closes-on-short-frame", sub: "R1.1"},
	{kind: world.FaultExtend, mutant: "cert~sim-ignores-trailing-bytes", sub: "R1.1"},
	{kind: world.FaultReplay, mutant: "cert~payer-checks-open-requests-only", sub: "R1.2"},
	{kind: world.FaultRedirect, mutant: "chip~card-answers-stray-initiate", sub: "R1.5"},
	{kind: world.FaultCrashAt, mutant: "chip~payer-logs-before-spending", sub: "R2.1"},
	{kind: world.FaultSkew, mutant: "cert~accept-not-yet-valid-cert", sub: "R1.4"},
	{kind: world.FaultClone, mutant: "cert~payee-seen-per-peer-device", sub: "R2.2"},
	{kind: world.FaultRollback, mutant: "chip~bank-skips-chip-repeated-counter", sub: "R2.3"},
	{kind: world.FaultDrop, pending: "no mutant: a device cannot tell a lost message from its peer's power cut. The loss of message k leaves both devices waiting when the session ends; a cut of its receiver before step k (crash-before) leaves the sender waiting in that same state, and a cut of its sender after step k-1 (crash-after) the receiver; so a bug in how one device ends a session left unanswered (EndSession, its timeout) is reached by a power cut too, and only a bug that needs both sides' timeouts at once is the loss's alone. No reference flow has two timeouts that move value: a chip card has no timer (only the payee terminal ends a session), chain's exchange is one-way (its payer awaits nothing), and cert's payee credits only on DEDUCTED, which follows the payer's acknowledgement, so even the classic payer that rolls an unacknowledged payment back at its timeout leaves both in the pre-state"},
	{kind: world.FaultCrashBefore, pending: "no mutant: a cut before handling step k is a cut at the handling's first write (crash-at:0), which happens before anything the handling writes; where the handling writes nothing (cert's HELLO-PAYER, chip's DONE) it is a cut after it, the reply being lost either way. After the power cycle the crash properties make, it is also a cut of the sender after step k-1"},
	{kind: world.FaultCrashAfter, pending: "no mutant: a cut after handling step k leaves the handler as the loss of its reply does, restarted from what it wrote, and after the power cycle of both the crash properties make, as a cut of the reply's receiver before handling it; what is its own is the peer left waiting at the session's end while the handler restarted, which the loss of the reply gives too (see drop)"},
	{kind: world.FaultReorder, mutant: "cert~payee-rearms-hello-after-tx", sub: "R1.2"},
	{kind: world.FaultDelay, mutant: "chip~payee-times-out-after-commit", sub: "R1.2"},
	{kind: world.FaultField, mutant: "cert~sim-caches-signatures", sub: "R1.1"},
	{kind: world.FaultFieldFlip, mutant: "chip~confirm-matches-challenge-short", sub: "R1.1"},
	{kind: world.FaultRelay, mutant: "chip~payee-relay-check-after-commit", sub: "R1.6"},
	{kind: world.FaultPartition, mutant: "chain~node-ignores-signer-limit", sub: "R2.6"},
	{kind: world.FaultPartition, mutant: "chain~node-flags-uploads-only", sub: "R2.3"},
	{kind: world.FaultPartition, mutant: "chain~bank-credits-unconfirmed-deposit", sub: "R2.6", checks: 20},
	// chain~node-never-reorgs is no entry: R5.1's power cut of a master
	// node mid-block forks the chain too, and kills it with partitions
	// switched off.
	{kind: faultOnlineCut, mutant: "chip~withdraw-retry-debits-again", sub: "R5.1"},
	{kind: faultOnlineCut, mutant: "chip~reconcile-clears-log-before-upload", sub: "R5.2"},
}

// TestFaultKindsKill checks that each mutant is killed by its own
// sub-property with every fault kind scheduled, and survives its whole
// requirement (every sub-property the mutant's Breaks names) when its
// kind is switched off in every profile: it is the acting fault that
// finds the bug, and no other property of the requirement reaches it.
// Under -short the second run is the entry's sub-property only: the
// whole requirement costs a minute and more per mutant. Runs are under
// the GM suite (CheckMutants' suite).
func TestFaultKindsKill(t *testing.T) {
	for _, k := range append(slices.Clone(world.ChannelFaults), world.FaultRollback, world.FaultClone) {
		if !slices.ContainsFunc(faultKindMutants, func(fk faultKind) bool { return fk.kind == k }) {
			t.Errorf("fault kind %s has no entry in faultKindMutants (a mutant, or why not yet)", k)
		}
	}
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	kills := &killer{}
	checks := 20
	if testing.Short() {
		checks = 8
	}
	for _, fk := range faultKindMutants {
		t.Run(string(fk.kind), func(t *testing.T) {
			if fk.mutant == "" {
				t.Skip(fk.pending)
			}
			m, ok := byName[fk.mutant]
			if !ok {
				t.Fatalf("no mutant %s in all.Mutants()", fk.mutant)
			}
			n := checks
			if fk.checks > 0 {
				n = fk.checks
				if testing.Short() {
					n *= 5 // rapid runs a fifth of the checks under -short
				}
			}
			opts := func(only string) Options { return Options{Checks: n, Only: []string{only}} }
			if r := kills.kill(t, m, opts(fk.sub)); !r.Killed {
				t.Fatalf("%s survived %s with %s scheduled", fk.mutant, fk.sub, fk.kind)
			} else {
				t.Logf("%s killed by %v", fk.mutant, r.KilledBy)
			}
			switchedOff = map[world.FaultKind]bool{fk.kind: true}
			defer func() { switchedOff = nil }()
			off := string(m.Breaks)
			if testing.Short() {
				off = fk.sub
			}
			if r := survives(t, m, opts(off)); r.Killed {
				t.Fatalf("%s killed by %v with %s switched off: the fault kind is not what finds it", fk.mutant, r.KilledBy, fk.kind)
			}
		})
	}
}
