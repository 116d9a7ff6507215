package conformance

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Fault sets of the threat profiles (spec/requirements.md).
var (
	// benignFaults: loss, duplication, reordering, delay (honest profile).
	benignFaults = []world.FaultKind{world.FaultDrop, world.FaultDuplicate, world.FaultReorder, world.FaultDelay}
	// crashFaults: benign faults and power cuts (crash profile).
	crashFaults = append(append([]world.FaultKind(nil), benignFaults...),
		world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter)
	// tamperFaults: single-message alterations (network profile).
	tamperFaults = []world.FaultKind{world.FaultBitFlip, world.FaultTruncate, world.FaultExtend, world.FaultField, world.FaultFieldFlip}
	// networkFaults: everything an active channel adversary does.
	networkFaults = append(append(append([]world.FaultKind(nil), benignFaults...), tamperFaults...),
		world.FaultReplay, world.FaultRedirect, world.FaultRelay)
)

// fataler is what helpers need to stop a case: *T, *rapid.T.
type fataler interface {
	Fatalf(format string, args ...any)
}

// scheduled filters kinds by switchedOff.
func scheduled(kinds []world.FaultKind) []world.FaultKind {
	var out []world.FaultKind
	for _, k := range kinds {
		if !switchedOff.has(k) {
			out = append(out, k)
		}
	}
	return out
}

// pointsOn filters an enumeration of single faults (crash and loss
// points, tamperings) by switchedOff.
func pointsOn(faults []world.Fault) []world.Fault {
	var out []world.Fault
	for _, f := range faults {
		if !switchedOff.has(f.Kind) {
			out = append(out, f)
		}
	}
	return out
}

// skewOffsets are the clock offsets a skew fault draws: small drifts
// either way, and offsets that put a device's clock past the end of a
// certificate's validity or before its start.
var skewOffsets = []time.Duration{
	-bank.CertValidity - 24*time.Hour, -time.Hour, -time.Minute,
	time.Minute, time.Hour, bank.CertValidity + 24*time.Hour,
}

// drawPlan draws up to maxFaults faults of the given kinds at steps 1..8;
// a redirect goes to one of wallets, and so does a relay when it bridges
// to a far device; a skew offsets the recipient's clock by one of
// skewOffsets.
func drawPlan(rt *rapid.T, kinds []world.FaultKind, wallets []world.PartyID, maxFaults int) world.Plan {
	kinds = scheduled(kinds)
	if len(kinds) == 0 {
		return nil
	}
	return rapid.SliceOfN(rapid.Custom(func(rt *rapid.T) world.Fault {
		f := world.Fault{
			Step: rapid.IntRange(1, 8).Draw(rt, "step"),
			Kind: rapid.SampledFrom(kinds).Draw(rt, "kind"),
			Arg:  rapid.IntRange(0, 64).Draw(rt, "arg"),
		}
		switch f.Kind {
		case world.FaultRedirect:
			f.Party = rapid.SampledFrom(wallets).Draw(rt, "to")
		case world.FaultRelay:
			// A bridge to a far device is a redirect through the hop:
			// switching redirects off takes it out too.
			if rapid.Bool().Draw(rt, "far") && !switchedOff.has(world.FaultRedirect) {
				f.Party = rapid.SampledFrom(wallets).Draw(rt, "to")
			}
		case world.FaultSkew:
			f.Arg = int(rapid.SampledFrom(skewOffsets).Draw(rt, "offset") / time.Millisecond)
		}
		return f
	}), 0, maxFaults).Draw(rt, "plan")
}

// worth is a wallet's whole value: offline coins plus its account.
func worth(in models.Instance, w world.PartyID) int64 {
	v := in.View(w)
	return v.Offline() + v.Account
}

// worths returns every wallet's worth.
func worths(in models.Instance) map[world.PartyID]int64 {
	m := map[world.PartyID]int64{}
	for _, w := range in.Wallets() {
		m[w] = worth(in, w)
	}
	return m
}

// mustFund withdraws amount into wallet or stops the case.
func mustFund(f fataler, in models.Instance, w world.PartyID, amount int64) {
	if err := in.Fund(w, amount); err != nil {
		f.Fatalf("fund %s with %d fen: %v", w, amount, err)
	}
}

// mustReconcile takes each wallet online in order or stops the case.
func mustReconcile(f fataler, in models.Instance, ws ...world.PartyID) {
	for _, w := range ws {
		if err := in.Reconcile(w); err != nil {
			f.Fatalf("reconcile %s: %v", w, err)
		}
	}
}

// checkBalanced stops the case unless value is conserved (R5.2).
func checkBalanced(f fataler, in models.Instance, after string) {
	a := in.Audit()
	if !a.Balanced() {
		f.Fatalf("value not conserved after %s: %+v (held+pending+mail+redeemed = %d, issued %d)",
			after, a, a.Held+a.Pending+a.Mail+a.Redeemed, a.Issued)
	}
}

// codeOf returns the canonical code of err, "" for nil.
func codeOf(err error) spec.Code {
	if err == nil {
		return ""
	}
	return spec.CodeOf(err)
}

// rejectionCodes lists the codes of a payment's refusals.
func rejectionCodes(p models.Payment) []spec.Code {
	var out []spec.Code
	for _, r := range p.Outcome.Rejections {
		out = append(out, codeOf(r.Err))
	}
	return out
}

// cheaperCures reports whether a refused payment was refused only for
// what a smaller payment or fresh coins cure: insufficient offline value,
// or a limit of one payment (coins per payment, lineage length, amount).
// A refusal that also names another cause is not cured by paying again.
func cheaperCures(p models.Payment) bool {
	codes := rejectionCodes(p)
	return len(codes) > 0 && !slices.ContainsFunc(codes, func(c spec.Code) bool {
		return c != spec.CodeInsufficient && c != spec.CodeLimitExceeded
	})
}

// verifyEvidence checks double-spend evidence with public data only,
// through the scheme's own verifier when it has one.
func verifyEvidence(t *T, in models.Instance, ev bank.DoubleSpend) (string, error) {
	if v, ok := in.(models.EvidenceVerifier); ok {
		return v.VerifyEvidence(ev)
	}
	cb := in.Bank()
	return bank.VerifyEvidence(t.Suite, cb.Root(), cb.CoinKey(), ev)
}

// corrupt applies a corruption, skipping the property when the instance
// cannot stage it and failing the case on any other error.
func corrupt(t *T, f fataler, in models.Instance, w world.PartyID, c models.Corruption) {
	cr, ok := in.(models.Corrupter)
	if !ok {
		t.Skipf("%s does not implement models.Corrupter, needed to stage %s", t.Info.Name, c.Kind)
	}
	if err := cr.Corrupt(w, c); err != nil {
		if codeOf(err) == spec.CodeUnimplemented {
			t.Skipf("%s cannot stage %s: %v", t.Info.Name, c.Kind, err)
		}
		f.Fatalf("corrupt %s with %s: %v", w, c.Kind, err)
	}
}

// describe formats a payment for failure messages.
func describe(p models.Payment, err error) string {
	return fmt.Sprintf("paid=%v received=%v rejections=%v err=%v", p.Paid, p.Received, rejectionCodes(p), err)
}

// coinNamer is implemented by instances whose coin ids (models.Coin.ID)
// are not bank.Instance.String(): CoinID names the coin instance a
// double-spend flag (bank.DoubleSpend.Coin) is about the way View does.
type coinNamer interface {
	CoinID(i bank.Instance) string
}

// coinID names the flagged instance i as the instance's View names coins.
func coinID(in models.Instance, i bank.Instance) string {
	if n, ok := in.(coinNamer); ok {
		return n.CoinID(i)
	}
	return i.String()
}
