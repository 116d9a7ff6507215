package conformance

import (
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// r3Properties returns the properties of requirement R3, controllable
// anonymity. The game, its view and its distinguisher library are in
// game.go.
func r3Properties() []Property {
	return []Property{
		{
			Sub:   "R3.1",
			Name:  "which-payer-game",
			Doc:   "a fair coin picks one of two honest payers to pay the colluding merchant and agent bank up to T fen, N times; every distinguisher of the library must guess the payer with a 99% interval within 1/2±0.05",
			Check: whichPayerGame,
		},
		{
			Sub:   "R3.2",
			Name:  "linking-game",
			Doc:   "a fair coin decides whether two payments of up to T fen to two colluding merchants come from the same honest payer or from two, N times; every distinguisher must guess same-or-not with a 99% interval within 1/2±0.05",
			Check: linkingGame,
		},
		{
			Sub:   "R3.3",
			Name:  "no-identity-in-view",
			Doc:   "payments of up to T fen by two honest payers; no message, stored value or upload the merchant and agent bank receive or store (the merchant's and the payer's reconciliation included: registry records and the agent bank's logs) contains the payer's registered id, account number or real-name certificate, in the clear or once opened with any key the merchant's device or the agent bank holds (models.Opener)",
			Check: noIdentityInView,
		},
		{
			Sub:   "R3.4",
			Name:  "trace-recovers-payer",
			Doc:   "random payments of up to T fen from two payers (the first holding, drawn, only value the second paid it) to a merchant under loss, duplication, reordering and delay, both parties reconcile; the central bank's trace of every record the merchant was paid by names the actual payer, accounts for exactly the payment's amount (or for nothing, where no record of it reached the bank) and for at least the value the merchant gained; a payment no fault touched that both parties completed must settle (the merchant gains its amount) and trace, and where no drawn payment settled, one fault-free payment on a fresh instance must do so",
			Check: traceRecoversPayer,
		},
		{
			Sub:   "R3.5",
			Name:  "identity-corruption-caught",
			Doc:   "a payer corrupts the identity its payment carries (rapid picks how, among those the scheme can stage: another payer's certificate and identity; its own certificate with another payer named in the records it signs; an identity escrow that is garbage, another payer's, or sealed to a key not the central bank's) and pays a merchant up to T fen; payer and merchant reconcile. The payee must refuse it, or the reconciliation must flag it naming the payer: the payer's own Reconcile is refused, the merchant's refusal names the payer's identity, or a double spend in Ledger.DoubleSpends names the payer; banks that silently drop the records flag nobody. Every record the banks accepted must trace (models.Tracer) to the payer, none to another or to no payer, and those records must account for all the merchant gained",
			Check: identityCorruptionCaught,
		},
		{
			Sub:   "R3.6",
			Name:  "threshold-split",
			Doc:   "with threshold T a payment of T+1 fen must carry the payer's registered identity in what its agent bank receives at reconciliation (the payer reconciling first, and again after the merchant), and payments of T fen must reveal no identity and win no distinguisher's game",
			Check: thresholdSplit,
		},
	}
}

// logStop notes an early stop of the game.
func logStop(t *T, n int, s *tally) {
	if s != nil {
		t.Logf("stopped at look %d of N = %d trials: %s established a leak (sequential rule)", n, gameN, s.name)
	}
}

func logGame(t *T, sb *scoreboard) {
	for _, s := range sb.tallies {
		d := s.result(gameEpsilon)
		t.Logf("%-15s %d/%d = %.3f, 99%% interval [%.3f, %.3f]%s", d.Name, s.wins, s.trials, d.Success, d.Low, d.High, leakNote(d.Leak))
	}
}

func leakNote(l string) string {
	if l == "" {
		return ""
	}
	return "; leak: " + l
}

func whichPayerGame(t *T) {
	t.Logf("anonymity threshold T = %d fen; %s", t.Threshold(), GameParameters())
	judgeGame(t, gameWhich, "which-payer game")
}

func linkingGame(t *T) {
	t.Logf("anonymity threshold T = %d fen; %s", t.Threshold(), GameParameters())
	judgeGame(t, gameLink, "linking game")
}

// judgeGame reads game k's scoreboard from the stream (stream.go) and
// turns it into the property's verdict, named what.
func judgeGame(t *T, k gameKind, what string) {
	if sg, ok := t.Target.(SkipsGames); ok {
		if why := sg.SkipGames(); why != "" {
			if t.Failed() {
				t.Logf("the %s is not played: %s", what, why)
				return
			}
			t.Skipf("the %s is not played: %s", what, why)
		}
	}
	b := t.playedGame(k)
	sb := b.sb
	t.Count(sb.n)
	logStop(t, sb.n, sb.stopper)
	t.SetGame(sb.game(gameEpsilon))
	logGame(t, sb)
	if err := sb.judge(what, gameEpsilon); err != nil {
		t.Errorf("%v", err)
		t.pinFirst(b.at, b.tail)
	}
}

// identityIn returns where the payer's identity fields occur in items.
func identityIn(c *candidate, items []viewItem) string { return fieldIn(c.ids, items) }

// opened returns what every key the adversary holds opens in items
// (models.Opener), labelled with the key and the item, or ok = false if
// the instance does not say what its keys open.
func opened(in models.Instance, merchant world.PartyID, items []viewItem) (out []viewItem, ok bool) {
	op, ok := in.(models.Opener)
	if !ok {
		return nil, false
	}
	for _, it := range items {
		for _, o := range op.AdversaryOpen(merchant, it.b) {
			out = append(out, viewItem{it.label + ", " + o.Label, o.Bytes})
		}
	}
	return out, true
}

// identityInView checks both clauses of R3.3 on one payment's view: the
// payer's identity fields occur in no byte string in the clear, and in
// none that a key of the merchant's device or the agent bank opens.
func identityInView(t *T, g *game, c *candidate, merchant world.PartyID, items []viewItem) string {
	if hit := identityIn(c, items); hit != "" {
		return hit
	}
	plain, ok := opened(g.in, merchant, items)
	if !ok {
		g.noOpener.Do(func() {
			t.Logf("%s does not implement models.Opener: R3.3's decryption clause is checked only as far as the view holds identities in the clear", t.Info.Name)
		})
		return ""
	}
	if hit := identityIn(c, plain); hit != "" {
		return "decrypted " + hit
	}
	return ""
}

// noIdentityInView checks R3.3: the payer's identity fields (its
// registered id, the agent bank's account number for it, a real-name
// certificate) must not occur in what the merchant and agent bank receive
// or store for a payment (game.payAll: the messages, the merchant's store,
// the registry's records, the agent bank's logs of both reconciliations,
// the payer's included), in the clear or under any key the merchant or
// agent bank holds (models.Opener says what those keys open).
func noIdentityInView(t *T) {
	t.Logf("anonymity threshold T = %d fen", t.Threshold())
	g := newGame(t, "R3.3", 1, anyAmount)
	m := g.merchants[0]
	n := max(2, t.Checks()/4)
	for j := 0; j < n; j++ {
		c := g.cands[j%2]
		amount := 1 + g.rng.Int64N(t.Threshold())
		items := g.payAll(c.party, m, amount)
		t.Count(1)
		if hit := identityInView(t, g, c, m, items); hit != "" {
			t.Fatalf("payment %d of %d fen by %s: the adversary's view holds the payer's %s", j+1, amount, c.party, hit)
		}
	}
}

// traceKey is a trace as compared: the error as its text.
type traceKey struct {
	Ref   string
	Value int64
	Payer string
	Err   string
}

// newTraces returns the traces of records paying payee not in seen, and
// marks them seen.
func newTraces(tr models.Tracer, payee world.PartyID, seen map[string]bool) []traceKey {
	var out []traceKey
	for _, x := range tr.TraceReceived(payee) {
		if seen[x.Ref] {
			continue
		}
		seen[x.Ref] = true
		k := traceKey{Ref: x.Ref, Value: x.Value, Payer: x.Payer}
		if x.Err != nil {
			k.Err = x.Err.Error()
		}
		out = append(out, k)
	}
	return out
}

func tracer(t *T) models.Tracer {
	in := t.New(t, t.Seed, models.Config{})
	tr, ok := in.(models.Tracer)
	if !ok {
		t.Skipf("%s does not implement models.Tracer: the central bank's trace of a payment is not reachable", t.Info.Name)
	}
	return tr
}

func traceRecoversPayer(t *T) {
	tracer(t)
	var settled, traced int
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		tr := in.(models.Tracer)
		ws := in.Wallets()
		payers, merchant := ws[:2], ws[2]
		// Drawn: the first payer withdraws nothing and holds only value
		// the second paid it (and has not reconciled since), so what it
		// pays is value another wallet withdrew: the trace must name who
		// paid, not whom the value was issued to.
		received := rapid.Bool().Draw(rt, "received")
		for i, p := range payers {
			if i > 0 || !received {
				mustFund(rt, in, p, 3*t.Threshold())
			}
		}
		if received {
			if p, paid, err := payOrLargestCoin(in, payers[1], payers[0], 2*t.Threshold()); err != nil || !p.Received {
				rt.Fatalf("%s pays %s %d fen: %s", payers[1], payers[0], paid, describe(p, err))
			}
			mustReconcile(rt, in, payers[1]) // its offline limits reset; the first payer's value stays as it was paid
		}
		seen := map[string]bool{}
		newTraces(tr, merchant, seen)
		n := rapid.IntRange(1, 3).Draw(rt, "payments")
		for j := 0; j < n; j++ {
			payer := rapid.SampledFrom(payers).Draw(rt, "payer")
			amount := rapid.Int64Range(1, t.Threshold()).Draw(rt, "amount")
			plan := drawPlan(rt, benignFaults, ws, 2)
			if tracePayment(rt, t, in, tr, seen, j, payer, merchant, amount, plan) {
				settled++
				traced++
			}
		}
	})
	if settled == 0 {
		// Every drawn payment was faulted and none settled (a shallow
		// run can draw that): the trace was not tested yet, so one
		// payment no fault touches is, on a fresh instance. It must
		// settle and trace.
		in := t.New(t, t.Seed, models.Config{})
		ws := in.Wallets()
		mustFund(t, in, ws[0], 3*t.Threshold())
		seen := map[string]bool{}
		newTraces(in.(models.Tracer), ws[2], seen)
		if !tracePayment(t, t, in, in.(models.Tracer), seen, 0, ws[0], ws[2], t.Threshold(), nil) {
			t.Fatalf("a payment of %d fen %s → %s with no fault did not settle: the trace was never tested", t.Threshold(), ws[0], ws[2])
		}
		settled, traced = 1, 1
	}
	t.SetGame(&Game{Trials: settled, Traced: traced})
	t.Logf("%d settled payments, the trace named the payer of all %d", settled, traced)
}

// tracePayment pays amount payer → merchant under plan, has both
// reconcile, and fails f unless the central bank's trace of the records
// the merchant was newly paid by names the payer and accounts for the
// payment's amount (or nothing, where no record reached the bank) and at
// least for what the merchant gained; a payment no fault touched that
// both completed must settle whole. It reports whether the merchant
// gained anything (the payment settled).
func tracePayment(f fataler, t *T, in models.Instance, tr models.Tracer, seen map[string]bool, j int, payer, merchant world.PartyID, amount int64, plan world.Plan) bool {
	t.Witness(in.World(), plan)
	before, paidFrom := worth(in, merchant), worth(in, payer)
	p, err := in.Pay(payer, merchant, amount, plan)
	mustReconcile(f, in, payer, merchant)
	gained, paid := worth(in, merchant)-before, paidFrom-worth(in, payer)
	got := newTraces(tr, merchant, seen)
	var want []traceKey
	var sum int64
	for _, k := range got {
		want = append(want, traceKey{Ref: k.Ref, Value: k.Value, Payer: in.View(payer).Identity})
		sum += k.Value
	}
	if d := cmp.Diff(want, got); d != "" {
		f.Fatalf("payment %d of %d fen by %s under %s (%s): the central bank's trace does not name the payer (-want +got):\n%s", j+1, amount, payer, plan, describe(p, err), d)
	}
	if sum < gained || (sum != 0 && sum != amount) {
		f.Fatalf("payment %d of %d fen by %s under %s (%s): the payer paid %d fen and the merchant gained %d, the records the central bank traced pay it %d", j+1, amount, payer, plan, describe(p, err), paid, gained, sum)
	}
	// "For every settled payment": an honest payment no fault touched,
	// completed on both sides, is one the central bank must be able to
	// settle and trace. Were it refused (its trace failing, say), the
	// property would pass on no settled payment at all.
	if len(plan) == 0 && err == nil && p.Paid && p.Received && (gained != amount || sum != amount) {
		f.Fatalf("payment %d of %d fen by %s with no fault, completed by both parties: after both reconciled the merchant gained %d fen and the central bank traced records worth %d to it, not the payment's amount: an honest payment that does not settle through the trace", j+1, amount, payer, gained, sum)
	}
	return gained > 0
}

// identityCorruptions are the ways R3.5's payer corrupts the identity a
// payment carries for the central bank: another payer's certificate and
// identity, its own certificate with another payer named in what it signs,
// and an identity escrow that is garbage, another payer's or sealed to
// another key.
var identityCorruptions = []models.CorruptionKind{
	models.CorruptIdentity, models.CorruptClaimIdentity,
	models.CorruptEscrowGarbage, models.CorruptEscrowOther, models.CorruptEscrowWrongKey,
}

// stageable returns the kinds of identityCorruptions the instance can
// stage (tried on a throwaway instance), logging the others with the
// scheme's reason, and skips the property when it can stage none.
func stageable(t *T) []models.CorruptionKind {
	var kinds []models.CorruptionKind
	var why error
	for _, k := range identityCorruptions {
		in := t.New(t, t.Seed, models.Config{})
		cr, ok := in.(models.Corrupter)
		if !ok {
			t.Skipf("%s does not implement models.Corrupter, needed to stage %s", t.Info.Name, k)
		}
		ws := in.Wallets()
		err := cr.Corrupt(ws[0], models.Corruption{Kind: k, Other: ws[2]})
		switch {
		case err == nil:
			kinds = append(kinds, k)
		case codeOf(err) == spec.CodeUnimplemented:
			t.Logf("%s not staged: %v", k, err)
			if why == nil {
				why = err
			}
		default:
			t.Fatalf("corrupt %s with %s: %v", ws[0], k, err)
		}
	}
	if len(kinds) == 0 {
		t.Skipf("%s can stage none of %v (first: %v)", t.Info.Name, identityCorruptions, why)
	}
	return kinds
}

func identityCorruptionCaught(t *T) {
	tracer(t)
	kinds := stageable(t)
	refusedN, flaggedN := map[models.CorruptionKind]int{}, map[models.CorruptionKind]int{}
	cases := 0
	defer func() {
		t.Logf("%d cases", cases)
		for _, k := range kinds {
			t.Logf("%-16s refused by the payee %d, flagged at reconciliation %d", k, refusedN[k], flaggedN[k])
		}
	}()
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		tr := in.(models.Tracer)
		ws := in.Wallets()
		// The merchant is wallet-B, the payee of the interactive suites'
		// payee role; the identity claimed is wallet-C's.
		payer, merchant, other := ws[0], ws[1], ws[2]
		mustFund(rt, in, payer, 3*t.Threshold())
		mustFund(rt, in, other, t.Threshold())
		seen := map[string]bool{}
		newTraces(tr, merchant, seen)
		kind := rapid.SampledFrom(kinds).Draw(rt, "kind")
		corrupt(t, rt, in, payer, models.Corruption{Kind: kind, Other: other})
		amount := rapid.Int64Range(1, t.Threshold()).Draw(rt, "amount")
		t.Witness(in.World(), nil)
		id := in.View(payer).Identity
		culprit := func() int {
			n := 0
			for _, d := range in.Ledger().DoubleSpends {
				if d.Culprit == id {
					n++
				}
			}
			return n
		}
		flags0 := culprit()
		before := worth(in, merchant)
		p, err := in.Pay(payer, merchant, amount, nil)
		refused := !p.Received
		// The first reconciliation that sees the payment: the payer's
		// upload, then the merchant's.
		mark := in.World().Trace().Len()
		errP := in.Reconcile(payer)
		errM := in.Reconcile(merchant)
		refusedUp := refusedUploads(in.World().Trace().Events()[mark:], payer, id)
		gained := worth(in, merchant) - before
		got := newTraces(tr, merchant, seen)
		what := fmt.Sprintf("a payment of %d fen by %s under %s (other payer %s; %s)", amount, payer, kind, other, describe(p, err))
		var sum int64
		for _, k := range got {
			// The banks accepted this record: its trace must name the
			// payer.
			switch {
			case k.Err != "":
				rt.Fatalf("%s: the banks accepted record %s (%d fen) and the central bank's trace of it yields no payer: %s", what, k.Ref, k.Value, k.Err)
			case k.Payer != id:
				rt.Fatalf("%s: the banks accepted record %s (%d fen) and the central bank's trace names %q, not the payer %q", what, k.Ref, k.Value, k.Payer, id)
			}
			sum += k.Value
		}
		if sum < gained {
			rt.Fatalf("%s: the merchant gained %d fen after reconciliation, records the banks accepted and traced to the payer account for only %d", what, gained, sum)
		}
		// Flagged: a reconciliation flag that names the payer: the
		// payer's own upload refused (its agent bank knows whose account
		// uploads: Reconcile's error, or an upload the trace shows
		// refused), a refusal that names the payer's identity, or a
		// double-spend flag with the payer as culprit. A refusal that
		// names nobody, or banks silently dropping the record, leaves the
		// payer unidentified and is no flag: the merchant bears the loss
		// and the payer has opted out of the trace.
		flagged := namesPayer(errP, id, true) || namesPayer(errM, id, false) || refusedUp != "" || culprit() > flags0
		cases++
		if refused {
			refusedN[kind]++
		} else if flagged {
			flaggedN[kind]++
		}
		if !refused && !flagged {
			rt.Fatalf("%s: the payee accepted it and the reconciliation of payer and merchant flagged nothing: the banks accepted %d record(s) worth %d fen, the merchant gained %d", what, len(got), sum, gained)
		}
	})
}

// namesPayer reports whether a reconciliation error flags the payer id:
// any refusal of the payer's own reconciliation (own), or a refusal whose
// text names id. An internal error flags nobody.
func namesPayer(err error, id string, own bool) bool {
	if err == nil || codeOf(err) == spec.CodeInternal {
		return false
	}
	return own || strings.Contains(err.Error(), id)
}

// refusedUploads returns the first online exchange in events that the
// banks refused and that names the payer: one the payer sent, or one
// whose refusal names its identity id. "" if none.
func refusedUploads(events []world.Event, payer world.PartyID, id string) string {
	for _, e := range events {
		if e.Kind != world.KindOnline || e.Code == "" || e.Code == string(spec.CodeInternal) {
			continue
		}
		if e.From == payer || strings.Contains(e.Detail, id) {
			return fmt.Sprintf("%s %s→%s refused: %s", e.Type, e.From, e.To, e.Detail)
		}
	}
	return ""
}

func thresholdSplit(t *T) {
	big := t.Threshold() + 1
	t.Logf("anonymity threshold T = %d fen: large payment %d fen, small payments %d fen", t.Threshold(), big, t.Threshold())
	g := newGame(t, "R3.6", 1, anyAmount)
	m := g.merchants[0]
	c := g.cands[0]
	// Large: the payer reconciles first, so what its agent bank receives
	// is its own upload.
	v := g.payOnly(c.party, m, big)
	ups := g.payerUpload(c.party)
	g.settleMerchant(v, m)
	t.Count(1)
	if identityIn(c, ups) == "" {
		t.Errorf("a payment of T+1 = %d fen by %s: what its agent bank received at reconciliation (%d items) carries none of its identity fields", big, c.party, len(ups))
	}
	// Small: R3.3, then the which-payer game on T-fen payments (the
	// stream's second payments).
	for j := 0; j < 2; j++ {
		c := g.cands[j]
		items := g.payAll(c.party, m, t.Threshold())
		t.Count(1)
		if hit := identityInView(t, g, c, m, items); hit != "" {
			t.Fatalf("a payment of T = %d fen by %s is not anonymous: the adversary's view holds the payer's %s", t.Threshold(), c.party, hit)
		}
	}
	judgeGame(t, gameSmall, "which-payer game on T-fen payments")
	if t.Failed() {
		return
	}
	// Large again, the merchant reconciling first: the payer's agent
	// bank must receive the payment at the payer's reconciliation
	// whichever upload brought the record in first. (After the game, so
	// the game's payments are the same; a target that already failed is
	// judged by that.)
	v = g.payOnly(c.party, m, big)
	g.settleMerchant(v, m)
	ups = g.payerUpload(c.party)
	t.Count(1)
	if identityIn(c, ups) == "" {
		t.Errorf("a payment of T+1 = %d fen by %s, its merchant reconciling first: what its agent bank received at its reconciliation (%d items) carries none of its identity fields", big, c.party, len(ups))
	}
}
