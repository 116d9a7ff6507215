package conformance

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The anonymity game of R3 (spec/requirements.md R3.1, R3.2, R3.6).
//
// The adversary is the merchant (the payee) and the agent bank pooling
// their complete views. For one payment that view is:
//
//   - every message payload delivered to the merchant in the payment
//     session (world.Delivered);
//   - what the merchant's device stores: every key of its persistent store
//     that the payment or the merchant's reconciliation added or changed;
//   - what the agent bank receives when the merchant reconciles: the
//     records (with the holdings they spend) newly registered at the
//     central bank's registry, which the agent forwards, and whatever else
//     the scheme's agent bank holds (models.Observer: a master node's
//     blocks).
//
// R3.3 and R3.6 scan more (payAll): what the agent bank newly received
// or logged at the payer's reconciliation after the payment.
//
// The registry is read as the set of records it holds, so a record
// uploaded twice (by the merchant, then by the payer) is seen once, at the
// first upload: the view underestimates, never overstates, what the agent
// bank learns from who uploads what.
//
// Besides, the adversary knows each candidate payer's public material:
// the certificate it presents (models.View.Presents), its withdrawal exchanges (the records and agent-bank
// items created while the candidate withdrew), its own reconciliation
// uploads (the agent bank knows whose account uploads), and the views of
// learnPayments labelled payments each candidate made to the merchant
// before the game (a merchant can always collect such samples).
//
// A trial: a fair coin drawn from a stream seeded by the run's seed picks
// one of two honest payers, who pays the merchant an amount in [1, T]
// drawn from the same stream; the merchant reconciles; the payer then
// reconciles (its upload becomes its public material); every
// distinguisher of the library guesses the payer from the view. The
// instance is built once and reused across all trials: the payers are
// fixed, each trial is one payment. R3.1, R3.2 and R3.6's game score one
// stream of such payments in pairs (stream.go, stream.md).
//
// Statistics (spec/requirements.md, "The anonymity game's test"): the
// null hypothesis is "every distinguisher's advantage |p − 1/2| is at
// most ε". Each distinguisher's success rate gets a Wilson score interval.
//
//   - Certified (pass): after N trials every distinguisher's 99% interval
//     (α = 0.01 two-sided, z = 2.576) lies within [1/2−ε, 1/2+ε].
//   - Leak (fail, naming what the distinguisher keyed on): at one of the
//     K looks (trials 20, 40, 80, … doubling below N, then N) some
//     distinguisher's interval at the Bonferroni-adjusted level
//     α/(K·D) (two-sided, D distinguishers; z ≈ 3.74 for K = 9, D = 6)
//     lies entirely outside the band. The game stops at that look. Over
//     all looks and distinguishers the chance of declaring a leak on a
//     target within the null is at most α (union bound), so stopping early
//     does not inflate the false-leak rate; game_test.go measures it on
//     fair coins and on coins at the band's edge.
//   - Lack of evidence (fail, never a leak): neither, after N trials.
//
// N is chosen so that an ideal target (every distinguisher at exactly
// 1/2) is certified with probability at least 1−β, β = 0.001 over the
// whole library: N = ⌈((z_{α/2} + z_{β/(2D)}) / (2ε))²⌉ = 4021 at
// ε = 0.05, D = 6. N does not depend on the run's depth (--checks):
// a shallower N could not certify anonymity at all.

// Game parameters. gameN, gameLooks, z99 and zLeak derive from them.
const (
	gameEpsilon = 0.05
	// gameAlpha bounds the false-leak rate; 1 − gameAlpha is the
	// confidence of the certifying interval.
	gameAlpha = 0.01
	// gameBeta bounds the chance that an ideal target fails for lack of
	// evidence.
	gameBeta = 0.001
	// minTrials is the first look: the earliest the game may stop.
	minTrials = 20
	// learnPayments is how many labelled payments each candidate makes
	// before the game.
	learnPayments = 2
	// windowSize is the equal-bytes window (at least 8 bytes).
	windowSize = 8
)

var (
	// z99 is the normal quantile of the two-sided 1 − gameAlpha interval.
	z99 = zUpper(gameAlpha / 2)
	// gameN is N, the trials a game runs unless it stops on a leak.
	gameN = trialsFor(gameEpsilon, gameAlpha, gameBeta, len(library))
	// gameLooks are the trials after which a leak may stop the game.
	gameLooks = looksFor(gameN)
	// zLeak is the quantile a leak's interval is drawn at: two-sided
	// gameAlpha spread over every look and distinguisher.
	zLeak = zUpper(gameAlpha / float64(2*len(gameLooks)*len(library)))
)

// GameParameters states the anonymity game's parameters as the catalogue
// and the report give them.
func GameParameters() string {
	return fmt.Sprintf("N = %d trials, epsilon = %.2f, confidence %.0f%% (alpha = %.2f), beta = %g, %d distinguishers; %s",
		gameN, gameEpsilon, 100*(1-gameAlpha), gameAlpha, gameBeta, len(library), stoppingRule())
}

// stoppingRule states the sequential rule.
func stoppingRule() string {
	return fmt.Sprintf("a leak stops the game at trial %v when a distinguisher's interval at z = %.3f (alpha over %d looks and %d distinguishers) lies outside 1/2±epsilon; certified after N when every 99%% interval lies within it",
		gameLooks, zLeak, len(gameLooks), len(library))
}

// zUpper returns the standard normal quantile z with P(Z > z) = p.
func zUpper(p float64) float64 { return math.Sqrt2 * math.Erfinv(1-2*p) }

// trialsFor returns N: the trials at which a distinguisher at exactly 1/2
// has its 1−alpha interval within 1/2±eps with probability at least
// 1 − beta/d (so all d of them, with probability at least 1 − beta).
func trialsFor(eps, alpha, beta float64, d int) int {
	z := (zUpper(alpha/2) + zUpper(beta/float64(2*d))) / (2 * eps)
	return int(math.Ceil(z * z))
}

// looksFor returns the looks of a game of n trials: minTrials doubling
// while below n, then n.
func looksFor(n int) []int {
	var out []int
	for k := minTrials; k < n; k *= 2 {
		out = append(out, k)
	}
	return append(out, n)
}

// isLook reports whether the game looks for a leak after trial n.
func isLook(n int) bool { return slices.Contains(gameLooks, n) }

// wilson returns the 99% Wilson score interval of k successes in n trials.
func wilson(k, n int) (low, high float64) { return wilsonZ(k, n, z99) }

// wilsonZ returns the Wilson score interval of k successes in n trials at
// normal quantile z.
func wilsonZ(k, n int, z float64) (low, high float64) {
	if n == 0 {
		return 0, 1
	}
	p := float64(k) / float64(n)
	nn := float64(n)
	z2 := z * z
	den := 1 + z2/nn
	centre := (p + z2/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z2/(4*nn*nn)) / den
	return max(0, centre-half), min(1, centre+half)
}

// verdict classifies an interval against 1/2±eps.
type verdict int

const (
	undecided verdict = iota // the interval overlaps the band but is not inside it
	chance                   // the interval lies inside 1/2±eps
	leaks                    // the interval lies entirely outside 1/2±eps
)

func classify(low, high, eps float64) verdict {
	switch {
	case low > 0.5+eps || high < 0.5-eps:
		return leaks
	case low >= 0.5-eps && high <= 0.5+eps:
		return chance
	}
	return undecided
}

// tally is one distinguisher's running score.
type tally struct {
	name   string
	wins   int
	trials int
	leak   string // what it keyed on when it last won with a leak
}

func (s *tally) add(right bool, leak string) {
	s.trials++
	if right {
		s.wins++
		if leak != "" {
			s.leak = leak
		}
	}
}

func (s *tally) interval() (float64, float64) { return wilson(s.wins, s.trials) }

// leaks reports whether s establishes a leak: its interval at the
// adjusted level zLeak lies outside 1/2±eps.
func (s *tally) leaks(eps float64) bool {
	lo, hi := wilsonZ(s.wins, s.trials, zLeak)
	return s.trials > 0 && classify(lo, hi, eps) == leaks
}

// certified reports whether s's 99% interval lies within 1/2±eps.
func (s *tally) certified(eps float64) bool {
	lo, hi := s.interval()
	return classify(lo, hi, eps) == chance
}

func (s *tally) result(eps float64) Distinguished {
	lo, hi := s.interval()
	d := Distinguished{Name: s.name, Low: lo, High: hi}
	if s.trials > 0 {
		d.Success = float64(s.wins) / float64(s.trials)
	}
	if s.leaks(eps) {
		d.Leak = s.leak
	}
	return d
}

// scoreboard is the library's tallies for one game, and where it
// stopped: after trial stop (N, or a look at which stopper established a
// leak).
type scoreboard struct {
	tallies []*tally
	n       int    // trials scored
	stopped bool   // no more trials: a leak at a look, or N reached
	stopper *tally // the distinguisher that established the leak, if any
}

func newScoreboard() *scoreboard {
	sb := &scoreboard{}
	for _, d := range library {
		sb.tallies = append(sb.tallies, &tally{name: d.name})
	}
	return sb
}

// play runs the game's trials, at most gameN: trial scores one trial
// (adding a result to every tally). It returns the trial it stopped at and
// the distinguisher that established the leak, nil if none did.
func (sb *scoreboard) play(trial func()) (int, *tally) {
	for !sb.stopped {
		trial()
		sb.step()
	}
	return sb.n, sb.stopper
}

// step ends a trial, once every tally has its result: after a look
// (isLook) the game stops if a leak is established, and after trial N in
// any case. The stream (stream.go) and TestGameErrorRates run their games
// through it.
func (sb *scoreboard) step() {
	sb.n++
	if isLook(sb.n) {
		if s := sb.leaked(gameEpsilon); s != nil {
			sb.stopped, sb.stopper = true, s
			return
		}
	}
	if sb.n >= gameN {
		sb.stopped = true
	}
}

// leaked returns the first tally that establishes a leak, or nil. Call it
// only at a look (isLook): the false-leak bound counts the looks.
func (sb *scoreboard) leaked(eps float64) *tally {
	for _, s := range sb.tallies {
		if s.leaks(eps) {
			return s
		}
	}
	return nil
}

// outcome classifies a finished game.
func (sb *scoreboard) outcome(eps float64) string {
	if sb.leaked(eps) != nil {
		return OutcomeLeak
	}
	for _, s := range sb.tallies {
		if !s.certified(eps) {
			return OutcomeNoEvidence
		}
	}
	return OutcomeCertified
}

// game returns the statistics for T.SetGame.
func (sb *scoreboard) game(eps float64) *Game {
	g := &Game{Epsilon: eps, Planned: gameN, Confidence: 1 - gameAlpha, Beta: gameBeta, Rule: stoppingRule(), Outcome: sb.outcome(eps)}
	for _, s := range sb.tallies {
		g.Trials = max(g.Trials, s.trials)
		g.Distinguishers = append(g.Distinguishers, s.result(eps))
	}
	return g
}

// judge turns a finished game into R3.1/R3.2's verdict: nil if certified,
// else why not. A leak names the distinguisher and what it keyed on; a
// game that neither certified nor established a leak fails for lack of
// evidence, and says so without naming a leak.
func (sb *scoreboard) judge(what string, eps float64) error {
	if s := sb.leaked(eps); s != nil {
		lo, hi := wilsonZ(s.wins, s.trials, zLeak)
		return fmt.Errorf("%s: distinguisher %s was right in %d of %d trials (%.3f, interval [%.3f, %.3f] at z = %.3f, outside 1/2±%.2f): it keyed on %s",
			what, s.name, s.wins, s.trials, float64(s.wins)/float64(s.trials), lo, hi, zLeak, eps, s.leak)
	}
	for _, s := range sb.tallies {
		if !s.certified(eps) {
			lo, hi := s.interval()
			return fmt.Errorf("%s: lack of evidence, neither leak nor anonymity established: after %d of N = %d trials distinguisher %s has 99%% interval [%.3f, %.3f], not within 1/2±%.2f, and no distinguisher's adjusted interval lies outside it",
				what, s.trials, gameN, s.name, lo, hi, eps)
		}
	}
	return nil
}

// viewItem is one byte string of the adversary's view.
type viewItem struct {
	label string
	b     []byte
}

// payView is the adversary's view of one payment.
type payView struct {
	items []viewItem
	// Length and timing: bytes and messages delivered to the merchant,
	// session steps, simulated time.
	feats    [4]float64
	merchant world.PartyID // who was paid
	// owners are the owners of every window of every item, as the index
	// held them after change number ownersAt (ownersOf).
	owners   [][]uint8
	ownersAt uint64
	// ints are the small INTEGERs of every item (derInts), by item;
	// found once, at the first counterLinkage.
	ints    [][]smallInt
	intsSet bool
}

// ownersOf returns, for every item of v and every offset k, the owners
// of the window at k (0 past the last window), from the window index as
// it is now: looked up once, then brought up to date by the windows
// whose owners changed since (R3.2 attributes a payment again after the
// next one was learned).
func (g *game) ownersOf(v *payView) [][]uint8 {
	x := &g.windows
	recent, ok := x.changedSince(v.ownersAt)
	if v.owners != nil && ok {
		if len(recent) > 0 {
			changed := make(map[uint64]bool, len(recent))
			for _, w := range recent {
				changed[w] = true
			}
			for i, it := range v.items {
				for k := 0; k+windowSize <= len(it.b); k++ {
					if w := binary.LittleEndian.Uint64(it.b[k:]); changed[w] {
						v.owners[i][k] = x.get(w).owners
					}
				}
			}
		}
		v.ownersAt = x.changes
		return v.owners
	}
	v.owners = make([][]uint8, len(v.items))
	for i, it := range v.items {
		o := make([]uint8, max(0, len(it.b)-windowSize+1))
		x.ownersAll(it.b, o)
		v.owners[i] = o
	}
	v.ownersAt = x.changes
	return v.owners
}

// field is a named byte string that identifies a candidate.
type field struct {
	name string
	b    []byte
}

// candidate is one honest payer and the adversary's knowledge of it.
type candidate struct {
	party    world.PartyID
	identity string
	ids      []field // identity fields (R3.3): device id, account number, real-name certificate
	certs    []field // a pseudonymous certificate the payer presents: its subject and DER
	keys     []field // public key encodings
	serials  map[coin.Serial]string
	feats    map[world.PartyID][][4]float64 // of its labelled payments, by merchant
	// latest are the small INTEGERs of the last byte string of its
	// public material that held any, and where it came from
	// (counterLinkage).
	latest     []smallInt
	latestFrom string
}

// game is one running anonymity game.
type game struct {
	t       *T
	in      models.Instance
	w       *world.World
	cands   [2]*candidate
	rng     *detrand.Source
	windows windowIndex // 8-byte windows of public material
	origins []string    // where windows were first seen, by window.origin
	recMark int         // the registry's mark after the last newRecords (bank.Registry.ClearedSince)
	seenAg  map[[32]byte]bool
	fundTo  int64
	// merchants are the adversary's payees: the wallets after the two
	// candidates.
	merchants []world.PartyID
	noOpener  sync.Once // R3.3 logged that the instance has no models.Opener
	agentSeen map[world.PartyID]agentCursor
	stores    map[world.PartyID]*storeWatch // the merchants' stores at the last look (storeLook)
	// serialBits has the bit serialBit sets for every serial of either
	// candidate's serials: serialLinkage looks up only the offsets of a
	// view whose bit is set (most have none).
	serialBits []uint64
}

// serialFilterBits is the size of game.serialBits in bits (128 KiB).
const serialFilterBits = 1 << 20

// serialBit is the bit of game.serialBits for the 16-byte serial at b[0:].
func serialBit(b []byte) uint64 {
	return windowMix(binary.LittleEndian.Uint64(b)) & (serialFilterBits - 1)
}

// maySerial reports whether the serial at b[0:] may be in some
// candidate's serials (false: it is in neither).
func (g *game) maySerial(b []byte) bool {
	i := serialBit(b)
	return g.serialBits[i/64]&(1<<(i%64)) != 0
}

// addSerialBit records s in serialBits.
func (g *game) addSerialBit(s coin.Serial) {
	if g.serialBits == nil {
		g.serialBits = make([]uint64, serialFilterBits/64)
	}
	i := serialBit(s[:])
	g.serialBits[i/64] |= 1 << (i % 64)
}

// viewWindow is what the game knows of one 8-byte window of public material:
// bit i of owners is candidate i; origin indexes game.origins, where it
// was first seen. (One small value per window: a game of N trials learns
// every byte of every payer's uploads, millions of windows.)
type viewWindow struct {
	owners uint8
	origin uint32
}

// agentCursor is how far observeAgent read a wallet's agent view: its
// length, array and last item then.
type agentCursor struct {
	n     int
	first *models.Observed
	last  []byte
}

// newGame builds the instance (wallets A and B pay, the others are the
// adversary's merchants) and the adversary's public knowledge. The
// labelled payments to merchant k are of amount(k): the kind of payment
// the game then has that merchant receive.
func newGame(t *T, label string, merchants int, amount func(g *game, k int) int64) *game {
	in := t.New(t, t.Seed, models.Config{Wallets: 4, Opening: 100_000_000})
	// Nothing reads the game world's trace but a counterexample, which
	// shows its last maxTraceEvents events (the stream's boards take
	// theirs when they stop): the millions of events of a game need not
	// stay live.
	in.World().Trace().Keep(maxTraceEvents)
	g := &game{
		t: t, in: in, w: in.World(),
		rng:       detrand.New(t.Seed, "conformance/"+label),
		seenAg:    map[[32]byte]bool{},
		agentSeen: map[world.PartyID]agentCursor{},
		stores:    map[world.PartyID]*storeWatch{},
		fundTo:    20 * t.Threshold(),
	}
	ws := in.Wallets()
	if len(ws) < 2+merchants {
		t.Fatalf("the game needs %d wallets, the instance has %d", 2+merchants, len(ws))
	}
	g.merchants = ws[2 : 2+merchants]
	g.observeAgent(ws[0]) // what exists before anybody pays is nobody's
	g.newRecords()
	for i := range g.cands {
		v := in.View(ws[i])
		c := &candidate{party: ws[i], identity: v.Identity, serials: map[coin.Serial]string{}, feats: map[world.PartyID][][4]float64{}}
		g.cands[i] = c
		c.ids = append(c.ids, field{"device id " + v.Identity, []byte(v.Identity)})
		if string(ws[i]) != v.Identity {
			c.ids = append(c.ids, field{"party id " + string(ws[i]), []byte(ws[i])})
		}
		if v.AccountID != "" && v.AccountID != v.Identity {
			c.ids = append(c.ids, field{"account number " + v.AccountID, []byte(v.AccountID)})
		}
		// The certificate the payer presents: a real-name one (its subject
		// is the identity) is an identity field; a pseudonymous one is
		// public material the games' identity distinguisher keys on, not
		// an identity R3.3 looks for.
		presents := cmp.Or(v.Presents, v.Identity)
		if cert, ok := in.Bank().Certificate(presents); ok {
			f := field{"certificate of " + cert.ID, cert.Raw}
			if presents == v.Identity || presents == v.AccountID {
				c.ids = append(c.ids, f)
			} else {
				c.certs = append(c.certs, field{"pseudonymous certificate subject " + cert.ID, []byte(cert.ID)}, f)
			}
			g.learn(i, "certificate", cert.Raw)
			spki := cert.PublicKey.SPKI()
			c.keys = append(c.keys, field{"public key (SPKI) of " + cert.ID, spki})
			if len(spki) > 32 {
				c.keys = append(c.keys, field{"public key point of " + cert.ID, spki[len(spki)-32:]})
			}
		}
	}
	for i := range g.cands {
		g.fund(i)
	}
	for n := 0; n < learnPayments; n++ {
		for i, c := range g.cands {
			for k, m := range g.merchants {
				v := g.pay(c.party, m, amount(g, k))
				for _, it := range v.items {
					g.learn(i, it.label, it.b)
				}
				c.feats[m] = append(c.feats[m], v.feats)
			}
		}
	}
	return g
}

// learn adds a byte string to candidate i's public material.
func (g *game) learn(i int, label string, b []byte) {
	origin := -1 // the label's index in g.origins, once a window needs it
	newOrigin := func() uint32 {
		if origin < 0 {
			origin = len(g.origins)
			g.origins = append(g.origins, string(g.cands[i].party)+"'s "+label)
		}
		return uint32(origin)
	}
	g.windows.ownAll(b, 1<<i, newOrigin)
	if ints := derInts(b); len(ints) > 0 {
		slices.SortFunc(ints, func(a, b smallInt) int { return cmp.Compare(a.v, b.v) })
		g.cands[i].latest, g.cands[i].latestFrom = ints, label
	}
	// Serials at withdrawal and in the candidate's own uploads, and one
	// level of their children (lineage).
	if h, err := transfer.ParseHolding(b); err == nil {
		g.addSerial(i, h.Root.Serial, label)
		g.addSerial(i, h.Serial, label)
	}
	if r, err := transfer.Parse(b); err == nil {
		g.addSerial(i, r.Parent, label)
		for _, o := range r.Outputs {
			g.addSerial(i, o.Serial, label)
		}
	}
}

func (g *game) addSerial(i int, s coin.Serial, label string) {
	if s.IsZero() {
		return
	}
	c := g.cands[i]
	if _, ok := c.serials[s]; ok {
		return
	}
	c.serials[s] = "serial " + s.String() + " from " + label
	g.addSerialBit(s)
	for k := 0; k < transfer.MaxOutputs; k++ {
		cs := transfer.ChildSerial(s, k)
		if _, ok := c.serials[cs]; !ok {
			c.serials[cs] = fmt.Sprintf("serial %s, child %d of %s from %s", cs, k, s, label)
			g.addSerialBit(cs)
		}
	}
}

// fund tops candidate i up; the withdrawal exchange is its public
// material, and the agent bank account it drew on (read from the agent
// banks' account table: the one whose balance fell) is one of its
// identity fields, whatever the model's View says.
func (g *game) fund(i int) {
	c := g.cands[i]
	before := g.accounts()
	mustFund(g.t, g.in, c.party, g.fundTo)
	for _, a := range slices.Sorted(maps.Keys(before)) {
		if g.accounts()[a] < before[a] && !slices.ContainsFunc(c.ids, func(f field) bool { return string(f.b) == a }) {
			c.ids = append(c.ids, field{"account number " + a, []byte(a)})
		}
	}
	for _, it := range g.newRecords() {
		g.learn(i, "withdrawal "+it.label, it.b)
	}
	for _, it := range g.observeAgent(c.party) {
		g.learn(i, "withdrawal "+it.label, it.b)
	}
}

// accounts returns every agent bank's account table: account number to
// balance.
func (g *game) accounts() map[string]int64 {
	out := map[string]int64{}
	for _, a := range g.in.Bank().Agents() {
		for _, h := range a.Accounts() {
			out[h] = a.Balance(h)
		}
	}
	return out
}

// newRecords returns the registry entries registered (or revealed) in
// the clear since the last call, in record id order: what Entries gained
// (ClearedSince returns an entry once: the clear part only grows).
func (g *game) newRecords() []viewItem {
	var out []viewItem
	var es []bank.Entry
	es, g.recMark = g.in.Bank().Registry().ClearedSince(g.recMark)
	ids := make([][32]byte, len(es))
	for i, e := range es {
		ids[i] = e.Record.ID()
	}
	order := make([]int, len(es))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return bytes.Compare(ids[a][:], ids[b][:]) })
	for _, i := range order {
		e, id := es[i], ids[i]
		name := hex.EncodeToString(id[:4])
		out = append(out, viewItem{"registry holding spent by record " + name, e.Parent.Marshal()}, viewItem{"registry record " + name, e.Record.Marshal()})
	}
	return out
}

// observeAgent returns what the agent bank of wallet holds through
// models.Observer that it did not hold at the last call.
func (g *game) observeAgent(wallet world.PartyID) []viewItem {
	ob, ok := g.in.(models.Observer)
	if !ok {
		return nil
	}
	var out []viewItem
	all := ob.AgentView(wallet)
	// What was there at the last call is seen: skip it when the view is
	// the same array grown (an append-only log handed out as is) and
	// still holds, at the old length, the item it ended with then; any
	// other view is scanned whole. This keeps a game of N trials linear.
	start := 0
	if c, ok := g.agentSeen[wallet]; ok && c.n <= len(all) && &all[0] == c.first && bytes.Equal(all[c.n-1].Bytes, c.last) {
		start = c.n
	}
	if len(all) > 0 {
		g.agentSeen[wallet] = agentCursor{len(all), &all[0], all[len(all)-1].Bytes}
	}
	for _, o := range all[start:] {
		h := sha256.Sum256(o.Bytes)
		if g.seenAg[h] {
			continue
		}
		g.seenAg[h] = true
		out = append(out, viewItem{"agent bank " + o.Label, o.Bytes})
	}
	return out
}

// storeChanges returns the values of after that differ from before, as
// view items, in key order: what the merchant's store added or changed.
func storeChanges(before, after world.Snapshot) []viewItem {
	var out []viewItem
	for _, k := range after.Changed(before) {
		b, _ := after.Get(k)
		out = append(out, viewItem{"merchant store " + k, b})
	}
	return out
}

// storeWatch is what the game knows of a merchant's store: the values at
// the last look and the device's store version then (a model device's),
// so that what changed since is read by the device's change log instead
// of copying the whole store twice a payment (a merchant's store holds
// every coin it was paid); or, for a device whose store the world does
// not hold (an implementation's), the snapshot of the last look.
type storeWatch struct {
	dev  *world.Device
	ver  uint64
	vals map[string][]byte
	snap world.Snapshot
}

// storeLook returns the values of the merchant's store that differ from
// (or were absent at) the last look, in key order, as storeChanges of a
// snapshot then and one now gives (copies), and remembers the store as it
// is now: the values the store holds, shared (Device.Shared), not a second
// copy of a merchant's store that grows with every payment it receives.
// The first look returns nothing.
func (g *game) storeLook(merchant world.PartyID) []viewItem {
	w := g.stores[merchant]
	if w == nil {
		s := g.in.Snapshot(merchant)
		w = &storeWatch{snap: s}
		if dev, ver := s.Origin(); dev != nil {
			w.dev, w.ver, w.vals = dev, ver, map[string][]byte{}
			now := dev.Version() == ver // the device's store is s's
			for _, k := range s.Keys() {
				if now {
					w.vals[k], _ = dev.Shared(k)
				} else {
					w.vals[k], _ = s.Get(k)
				}
			}
		}
		g.stores[merchant] = w
		return nil
	}
	if w.dev == nil {
		now := g.in.Snapshot(merchant)
		out := storeChanges(w.snap, now)
		w.snap = now
		return out
	}
	keys, ok := w.dev.ChangedSince(w.ver)
	if !ok {
		// The log cannot tell (a restore, or more changes than it keeps):
		// every key, and the ones gone.
		keys = w.dev.Keys("")
		for k := range w.vals {
			if _, present := w.dev.Shared(k); !present {
				delete(w.vals, k)
			}
		}
	}
	w.ver = w.dev.Version()
	slices.Sort(keys)
	var out []viewItem
	for _, k := range slices.Compact(keys) {
		v, present := w.dev.Shared(k)
		if !present {
			delete(w.vals, k)
			continue
		}
		if old, had := w.vals[k]; !had || !bytes.Equal(old, v) {
			out = append(out, viewItem{"merchant store " + k, bytes.Clone(v)})
		}
		w.vals[k] = v
	}
	return out
}

// pay runs one payment of the game and returns the adversary's view of
// it; the payer reconciles afterwards and its upload joins its material.
func (g *game) pay(payer, merchant world.PartyID, amount int64) *payView {
	v := g.payOnly(payer, merchant, amount)
	g.settle(v, payer, merchant)
	return v
}

// payAll runs one payment and returns all the merchant and agent bank
// receive or store of it (R3.3): the merchant's view (pay) and what the
// agent bank newly received or logged at the payer's reconciliation.
func (g *game) payAll(payer, merchant world.PartyID, amount int64) []viewItem {
	v := g.payOnly(payer, merchant, amount)
	g.settleMerchant(v, merchant)
	return append(v.items, g.payerUpload(payer)...)
}

// payOnly runs the payment and returns the messages the merchant got;
// settle completes the view with the merchant's reconciliation.
func (g *game) payOnly(payer, merchant world.PartyID, amount int64) *payView {
	i := g.index(payer)
	if g.in.View(payer).Offline() < amount {
		g.fund(i)
	}
	g.storeLook(merchant) // the store before the payment: what changes after is the view's
	v := &payView{merchant: merchant}
	mark, start := g.w.Mark(), g.w.Now()
	p, err := g.in.Pay(payer, merchant, amount, nil)
	if err == nil && !p.Paid && !p.Received && cheaperCures(p) {
		// Its value is in coins it can no longer spend offline (a chip
		// coin at its hop limit), or cannot combine into the amount
		// within one payment's limits (too many coins, too long a
		// lineage): top up and pay again. What the merchant received of
		// the refused attempt stays in the view (its store changes too:
		// before is kept); length and timing are the paid attempt's.
		for _, m := range g.w.Delivered(merchant, mark) {
			v.items = append(v.items, viewItem{"refused attempt's message " + m.Type, m.Payload})
		}
		g.fund(i)
		mark, start = g.w.Mark(), g.w.Now()
		p, err = g.in.Pay(payer, merchant, amount, nil)
	}
	if err != nil || !p.Paid || !p.Received {
		g.t.Fatalf("game payment of %d fen %s→%s: %s", amount, payer, merchant, describe(p, err))
	}
	for _, m := range g.w.Delivered(merchant, mark) {
		v.items = append(v.items, viewItem{"message " + m.Type, m.Payload})
		v.feats[0] += float64(len(m.Payload))
		v.feats[1]++
	}
	v.feats[2] = float64(p.Outcome.Steps)
	v.feats[3] = float64(g.w.Now().Sub(start) / time.Millisecond)
	return v
}

// settle has the merchant reconcile (its store and upload join the view),
// then the payer (its upload joins its public material).
func (g *game) settle(v *payView, payer, merchant world.PartyID) {
	g.settleMerchant(v, merchant)
	g.payerUpload(payer)
}

// settleMerchant has the merchant reconcile: its store and upload join
// the view.
func (g *game) settleMerchant(v *payView, merchant world.PartyID) {
	mustReconcile(g.t, g.in, merchant)
	v.items = append(v.items, g.storeLook(merchant)...)
	v.items = append(v.items, g.newRecords()...)
	v.items = append(v.items, g.observeAgent(merchant)...)
}

// payerUpload has the payer reconcile and returns what its agent bank
// newly received, which joins the payer's public material.
func (g *game) payerUpload(payer world.PartyID) []viewItem {
	mustReconcile(g.t, g.in, payer)
	ups := append(g.newRecords(), g.observeAgent(payer)...)
	for _, it := range ups {
		g.learn(g.index(payer), "upload "+it.label, it.b)
	}
	return ups
}

func (g *game) index(p world.PartyID) int {
	if g.cands[1] != nil && g.cands[1].party == p {
		return 1
	}
	return 0
}

// anyAmount is a labelled payment of the which-payer game: an amount
// drawn uniformly from [1, T], whichever the merchant.
func anyAmount(g *game, _ int) int64 { return 1 + g.rng.Int64N(g.t.Threshold()) }

// flip is the fair coin (and the tie-breaker of the distinguishers).
func (g *game) flip() int { return g.rng.IntN(2) }

// distinguisher is one entry of the library: it attributes a payment view
// to a candidate (0 or 1), or -1 when it has no clue, and says what it
// keyed on.
type distinguisher struct {
	name      string
	attribute func(g *game, v *payView) (int, string)
}

// library is the documented distinguisher library.
var library = []distinguisher{
	// equal-bytes: every 8-byte window of the view is looked up in the
	// candidates' public material (certificate, withdrawal exchanges,
	// own uploads, labelled earlier payments); the candidate owning more
	// windows the other does not own is the guess. Leak: the first such
	// window and where it sits in the view.
	{"equal-bytes", equalBytes},
	// identity: the candidate's registered id, account number (as the
	// agent bank keys it, models.View.AccountID), or the certificate it
	// presents (models.View.Presents; its subject or DER) occurs in the
	// view. Leak: which field, where.
	{"identity", identityFields},
	// key-reuse: the candidate's public key (SPKI DER or its raw point)
	// occurs in the view. Leak: which key, where.
	{"key-reuse", keyReuse},
	// serial-linkage: a 16-byte coin serial the candidate withdrew,
	// uploaded or paid with earlier, or a child serial of one (lineage),
	// occurs in the view. Leak: which serial, where.
	{"serial-linkage", serialLinkage},
	// length-timing: the view's bytes and messages delivered to the
	// merchant, session steps and simulated time, compared with the mean
	// of each candidate's labelled payments to the same merchant (nearest
	// mean wins, relative distance). Leak: the features.
	{"length-timing", lengthTiming},
	// counter-linkage: numbers that count. Every DER INTEGER of 1 to 4
	// content bytes, at any offset of the view, is compared with the
	// INTEGERs of the last byte string of each candidate's public
	// material that held any (its latest withdrawal, upload or labelled
	// payment); the candidate with one nearest to a view's INTEGER, at
	// most counterStep away but not equal (a counter advances: the
	// payer's upload after the payment, which the game learns before it
	// guesses, reports the value just past the payment's; one before it,
	// a value just below), is the guess. Leak: the INTEGER, where, and
	// the candidate's value near it.
	{"counter-linkage", counterLinkage},
}

func where(it viewItem, off int) string {
	lo, hi := max(0, off-4), min(len(it.b), off+20)
	return fmt.Sprintf("%s at byte %d (…%x…)", it.label, off, it.b[lo:hi])
}

func equalBytes(g *game, v *payView) (int, string) {
	var n [2]int
	type run struct {
		it         viewItem
		start, end int
	}
	var best [2]run
	owners := g.ownersOf(v)
	for i, it := range v.items {
		cur, start := uint8(0), 0
		for k := 0; k+windowSize <= len(it.b)+1; k++ {
			var m uint8
			if k+windowSize <= len(it.b) {
				m = owners[i][k]
			}
			if m != cur {
				if cur == 1 || cur == 2 {
					c := int(cur >> 1)
					if end := k - 1 + windowSize; end-start > best[c].end-best[c].start {
						best[c] = run{it, start, end}
					}
				}
				cur, start = m, k
			}
			if m == 1 || m == 2 {
				n[m>>1]++
			}
		}
	}
	c := 0
	switch {
	case n[1] > n[0]:
		c = 1
	case n[0] == n[1]:
		return -1, ""
	}
	b := best[c]
	w := b.it.b[b.start:b.end]
	return c, fmt.Sprintf("%d windows of %d bytes found only in %s's public material vs %d in the other's; longest: %d bytes (%s) of %s at byte %d, first seen in %s",
		n[c], windowSize, g.cands[c].party, n[1-c], len(w), hexHead(w), b.it.label, b.start, g.origins[g.windows.get(binary.LittleEndian.Uint64(w)).origin])
}

// hexHead renders at most 24 bytes of b in hex.
func hexHead(b []byte) string {
	if len(b) > 24 {
		return fmt.Sprintf("%x…", b[:24])
	}
	return fmt.Sprintf("%x", b)
}

// fieldIn returns the first of fields that occurs in items, named with
// where it sits, or "".
func fieldIn(fields []field, items []viewItem) string {
	for _, f := range fields {
		if len(f.b) == 0 {
			continue
		}
		for _, it := range items {
			if k := bytes.Index(it.b, f.b); k >= 0 {
				return f.name + " in " + where(it, k)
			}
		}
	}
	return ""
}

// findFields returns the candidate (if exactly one) with a field in v.
func findFields(g *game, v *payView, fields func(c *candidate) []field) (int, string) {
	hit := [2]string{}
	for i, c := range g.cands {
		hit[i] = fieldIn(fields(c), v.items)
	}
	switch {
	case hit[0] != "" && hit[1] == "":
		return 0, hit[0]
	case hit[1] != "" && hit[0] == "":
		return 1, hit[1]
	}
	return -1, ""
}

func identityFields(g *game, v *payView) (int, string) {
	return findFields(g, v, func(c *candidate) []field { return append(slices.Clip(c.ids), c.certs...) })
}

func keyReuse(g *game, v *payView) (int, string) {
	return findFields(g, v, func(c *candidate) []field { return c.keys })
}

func serialLinkage(g *game, v *payView) (int, string) {
	if g.serialBits == nil {
		return -1, "" // neither candidate has a serial
	}
	return serialScan(g, v, g.maySerial)
}

// serialScan is serialLinkage looking up the offsets of v whose bytes
// may start a serial (may: a filter with no false negatives).
func serialScan(g *game, v *payView, may func([]byte) bool) (int, string) {
	hit := [2]string{}
	var s coin.Serial
	for _, it := range v.items {
		for k := 0; k+len(s) <= len(it.b); k++ {
			if !may(it.b[k:]) {
				continue
			}
			copy(s[:], it.b[k:])
			for i, c := range g.cands {
				if why, ok := c.serials[s]; ok && hit[i] == "" {
					hit[i] = why + ", in " + where(it, k)
				}
			}
		}
	}
	switch {
	case hit[0] != "" && hit[1] == "":
		return 0, hit[0]
	case hit[1] != "" && hit[0] == "":
		return 1, hit[1]
	}
	return -1, ""
}

func lengthTiming(g *game, v *payView) (int, string) {
	var d [2]float64
	for i, c := range g.cands {
		feats := c.feats[v.merchant]
		if len(feats) == 0 {
			return -1, ""
		}
		var mean [4]float64
		for _, f := range feats {
			for j := range f {
				mean[j] += f[j] / float64(len(feats))
			}
		}
		for j := range mean {
			d[i] += math.Abs(v.feats[j]-mean[j]) / (1 + math.Abs(mean[j]))
		}
	}
	leak := fmt.Sprintf("%.0f bytes in %.0f messages, %.0f steps, %.0f ms", v.feats[0], v.feats[1], v.feats[2], v.feats[3])
	switch {
	case d[0] < d[1]:
		return 0, leak + " nearest to " + string(g.cands[0].party) + "'s payments"
	case d[1] < d[0]:
		return 1, leak + " nearest to " + string(g.cands[1].party) + "'s payments"
	}
	return -1, ""
}

// guess is a distinguisher's decision on a view, ties broken by coin
// (the scoring game's own).
func (g *game) guess(d distinguisher, v *payView, coin func() int) (int, string) {
	c, leak := d.attribute(g, v)
	if c < 0 {
		return coin(), ""
	}
	return c, leak
}

// counterStep is how far from a view's INTEGER counterLinkage looks for
// a candidate's latest value: a record counter advances by the few
// records a wallet makes between a payment and the upload next to it.
const counterStep = 64

// smallInt is a DER INTEGER of 1 to 4 content bytes, non-negative and
// minimally encoded, and where its tag sits.
type smallInt struct {
	v   uint32
	off int
	n   int // content bytes
}

// derInts returns every small INTEGER TLV of b (tag 0x02, length 1 to
// 4, a non-negative minimal encoding), at any offset: a generic reading
// with no knowledge of the scheme's format, so random bytes give a few
// spurious ones (about one per 16 KiB).
func derInts(b []byte) []smallInt {
	var out []smallInt
	for k := 0; k+3 <= len(b); {
		j := bytes.IndexByte(b[k:len(b)-2], 0x02)
		if j < 0 {
			break
		}
		k += j
		n := int(b[k+1])
		if n >= 1 && n <= 4 && k+2+n <= len(b) && b[k+2]&0x80 == 0 && (n == 1 || b[k+2] != 0 || b[k+3]&0x80 != 0) {
			var v uint32
			for _, c := range b[k+2 : k+2+n] {
				v = v<<8 | uint32(c)
			}
			out = append(out, smallInt{v, k, n})
		}
		k++
	}
	return out
}

// counterLinkage guesses the candidate with a latest INTEGER nearest to,
// but not equal to, one of the view's (see the library). Like every
// distinguisher it is sound whatever its heuristic: on a scheme whose
// view is independent of the payer, any function of the view and the
// public material guesses the fair coin's payer with probability exactly
// 1/2, so it cannot raise the false-leak rate; the heuristic only decides
// its power.
func counterLinkage(g *game, v *payView) (int, string) {
	if !v.intsSet {
		v.ints = make([][]smallInt, len(v.items))
		for i, it := range v.items {
			v.ints[i] = derInts(it.b)
		}
		v.intsSet = true
	}
	type best struct {
		d       uint32
		x, l    smallInt
		item    int
		present bool
	}
	var b [2]best
	for i, c := range g.cands {
		for k, xs := range v.ints {
			for _, x := range xs {
				// The latest values nearest below and above x.
				j, _ := slices.BinarySearchFunc(c.latest, x.v, func(l smallInt, v uint32) int { return cmp.Compare(l.v, v) })
				near := func(l smallInt, d uint32) {
					if d > 0 && d <= counterStep && (!b[i].present || d < b[i].d) {
						b[i] = best{d, x, l, k, true}
					}
				}
				if j > 0 {
					near(c.latest[j-1], x.v-c.latest[j-1].v)
				}
				for ; j < len(c.latest) && c.latest[j].v == x.v; j++ {
				}
				if j < len(c.latest) {
					near(c.latest[j], c.latest[j].v-x.v)
				}
			}
		}
	}
	c := 0
	switch {
	case !b[0].present && !b[1].present:
		return -1, ""
	case !b[0].present:
		c = 1
	case !b[1].present:
	case b[1].d < b[0].d:
		c = 1
	case b[0].d == b[1].d:
		return -1, ""
	}
	w := b[c]
	return c, fmt.Sprintf("INTEGER %d (DER, %d bytes) in %s, %d from %s's latest %d, in %s",
		w.x.v, w.x.n, where(v.items[w.item], w.x.off), w.d, g.cands[c].party, w.l.v, g.cands[c].latestFrom)
}
