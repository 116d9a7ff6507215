package interactive_test

import (
	"context"
	"flag"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// hosted is a scheme whose wallet a reference Host serves behind the
// adapter protocol, and the catalogue bugs such a host can play.
type hosted struct {
	scheme  models.Scheme
	open    func(store map[string][]byte, mutation string) (loopback.Host, error)
	mutants []string
}

var schemes = []hosted{
	{chip.Scheme{}, func(s map[string][]byte, m string) (loopback.Host, error) { return chip.NewHost(s, m) }, chip.CardMutants()},
	{cert.Scheme{Variant: cert.Recovering}, func(s map[string][]byte, m string) (loopback.Host, error) { return cert.NewHost(s, m) }, cert.WalletMutants()},
	{cert.Scheme{Variant: cert.Literal}, func(s map[string][]byte, m string) (loopback.Host, error) { return cert.NewHost(s, m) }, nil},
	{chain.Scheme{}, func(s map[string][]byte, m string) (loopback.Host, error) { return chain.NewHost(s, m) }, chain.WalletMutants()},
}

func (h hosted) dial(mutation string) models.Dialer { return loopback.Hosts(h.open, mutation) }

// opts are the options of the in-process runs: GM at checks cases per
// property. The tests run them with CheckAll, one property per core, as check
// --impl does: its results are Check's (conformance's
// TestScheduleSameResults), and Check would run a target's properties on
// one core, leaving the other idle at the end of a parallel group.
func opts(checks int) conformance.Options {
	gm, _ := suite.ByID(suite.GM)
	return conformance.Options{Checks: checks, Suites: []suite.Suite{gm}}
}

// equalOpts are the options of the equal-verdict test: every property at
// a shallow depth, with every wallet external (role wallet); under -short
// R2 only, less the properties of shortLeftOut. Chip's payer and payee
// roles, where the external card meets a reference card, run in .ci/run
// (`dualoffline check --impl` with the example vendor, whose cards are the
// reference cards behind the protocol, as real processes): here each
// would repeat the whole suite.
func equalOpts(t *testing.T) (conformance.Options, []interactive.Role) {
	t.Helper()
	o := opts(2)
	if testing.Short() {
		left := map[string]bool{}
		for _, p := range conformance.Properties() {
			switch id := p.ID(); {
			case shortLeftOut[id]:
				left[id] = true
			case strings.HasPrefix(id, "R2."):
				o.Only = append(o.Only, id)
			}
		}
		if len(left) != len(shortLeftOut) {
			t.Fatalf("shortLeftOut names properties the catalogue does not have: %v, found %v", shortLeftOut, left)
		}
		t.Logf("-short: R2 but %v; the full suite runs every property", slices.Sorted(maps.Keys(left)))
	}
	return o, []interactive.Role{interactive.Wallet}
}

// shortLeftOut are the R2 properties -short leaves out of the
// equal-verdict test: behind the protocol they are two thirds of its
// time (the other fourteen take the rest).
var shortLeftOut = map[string]bool{
	"R2.1-online-cut-then-spend":    true,
	"R2.7-upload-order-independent": true,
}

// catchRoles is the order the broken-wallet test tries roles in: most
// wallet bugs are in what a payee checks.
var catchRoles = []interactive.Role{interactive.Payee, interactive.Payer, interactive.Wallet}

// raw undoes the settling of documented violations: the comparison is of
// what each property found.
func raw(v conformance.Verdict) conformance.Verdict {
	switch v {
	case conformance.ExpectedFail:
		return conformance.Fail
	case conformance.UnexpectedPass:
		return conformance.Pass
	}
	return v
}

// With the reference wallet served behind the protocol, every property
// finds what it finds on the model itself, except those that must reach
// inside a wallet, which skip naming the external device, and the
// anonymity games of a scheme whose reference passes them, which
// neither run plays (SkipGames). Under -short
// it runs the schemes whose hosts play catalogue bugs and skips, by
// name, those that play none (today cert's literal reading, whose host
// is cert's): the full suite runs them.
func TestReferenceWalletAsExternal(t *testing.T) {
	ctx := context.Background()
	for _, h := range schemes {
		t.Run(h.scheme.Info().Name, func(t *testing.T) {
			if testing.Short() && len(h.mutants) == 0 {
				t.Skipf("-short: %s's host plays no catalogue bug (-short runs the schemes whose hosts play catalogue bugs); the full suite runs it", h.scheme.Info().Name)
			}
			t.Parallel()
			o, roles := equalOpts(t)
			if sg, ok := interactive.Target(h.scheme, roles[0], h.dial("")).(conformance.SkipsGames); ok && sg.SkipGames() != "" && len(o.Only) == 0 {
				// The external wallet does not play the anonymity games
				// its reference passes (SkipGames: all N trials through
				// the adapter, check --impl --games plays them), so
				// neither does the model here: they compare nothing.
				for _, p := range conformance.Properties() {
					switch id := p.ID(); id {
					case "R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split":
					default:
						o.Only = append(o.Only, id)
					}
				}
			}
			ref, err := conformance.CheckAll(ctx, []models.Scheme{h.scheme}, o)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]conformance.Result{}
			for _, r := range ref.Results {
				want[r.Suite+"/"+r.Property] = r
			}
			for _, role := range roles {
				got, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(h.scheme, role, h.dial(""))}, o)
				if err != nil {
					t.Fatal(err)
				}
				// As check --impl does: a documented violation whose
				// adversary is the external wallet itself is a skip.
				interactive.Judge(got, ref)
				skips := 0
				for _, r := range got.Results {
					w := want[r.Suite+"/"+r.Property]
					if r.Verdict != conformance.Skip && (r.Runs == 0 || w.Runs == 0) {
						t.Errorf("%s: %d cases with the external wallet, %d on the model: a comparison of nothing", r.Key(), r.Runs, w.Runs)
					}
					switch {
					case raw(r.Verdict) == raw(w.Verdict):
					case r.Verdict == conformance.Skip && strings.Contains(r.Reason, "external"):
						skips++
					default:
						t.Errorf("%s: %s with the external wallet (%s), %s on the model (%s)", r.Key(), r.Verdict, r.Reason, w.Verdict, w.Reason)
					}
				}
				t.Logf("%s: %d properties, %d skipped for reaching inside the external wallet", role, len(got.Results), skips)
			}
		})
	}
}

// refCache holds the reference's results of one requirement, computed
// once for every broken wallet of that requirement: they are the same
// run (same scheme, options and seed) whichever bug is judged against
// them.
type refCache struct {
	mu sync.Mutex
	m  map[string]func() (*conformance.Results, error)
}

func (c *refCache) get(key string, run func() (*conformance.Results, error)) (*conformance.Results, error) {
	c.mu.Lock()
	f, ok := c.m[key]
	if !ok {
		f = sync.OnceValues(run)
		c.m[key] = f
	}
	c.mu.Unlock()
	return f()
}

// allWallets makes TestBrokenWalletIsCaught hunt every catalogue bug a
// host can play; .ci/run passes it.
var allWallets = flag.Bool("all-wallets", false, "TestBrokenWalletIsCaught: every catalogue bug a host can play, not the sample")

// shortHunt names, for the bug -short hunts, the sub-property of its
// requirement that states what the bug breaks: chip's revocation check is
// R1.4 (revoked parties refused), while most of R1's time goes to
// tampering with every message.
var shortHunt = map[string]string{"skip-revocation-check": "R1.4"}

// deepHunt are the bugs six cases a property do not reach, with the
// cases that do (the default depth): each needs a drawn case the first six
// seldom draw (a lost acknowledgement before the count limit, a forgery
// paid after a genuine coin).
var deepHunt = map[string]int{
	"payer-counts-payment-on-deducted": 30,
	"payer-counts-payment-on-ack":      30,
	"payee-verifies-first-coin-only":   30,
}

// A wallet with a catalogue bug, served behind the protocol, is caught
// by the suite of the requirement the bug breaks, in some role. go test
// hunts a sample: the first bug of each requirement in each scheme's
// list (every requirement a wallet bug breaks, in every scheme, is held),
// -short one bug, chip's; with -all-wallets (.ci/run) every bug.
func TestBrokenWalletIsCaught(t *testing.T) {
	ctx := context.Background()
	refs := &refCache{m: map[string]func() (*conformance.Results, error){}}
	for _, h := range schemes {
		sampled := map[spec.ReqID]bool{}
		for i, name := range h.mutants {
			if testing.Short() && (i > 0 || h.scheme.Info().Name != "chip") {
				// -short: one bug, chip's; the full run hunts all of them.
				break
			}
			var m models.Mutant
			for _, x := range append(append(chip.Mutants(), cert.Mutants()...), chain.Mutants()...) {
				if x.Name == name && strings.HasPrefix(x.Scheme.Info().Name, h.scheme.Info().Name+"~") {
					m = x
				}
			}
			if !*allWallets && sampled[m.Breaks] {
				continue
			}
			sampled[m.Breaks] = true
			t.Run(h.scheme.Info().Name+"~"+name, func(t *testing.T) {
				t.Parallel()
				o := opts(6)
				if n, ok := deepHunt[name]; ok {
					o = opts(n)
				}
				o.Only = []string{string(m.Breaks)}
				if sub, ok := shortHunt[name]; ok && testing.Short() {
					if !strings.HasPrefix(sub, string(m.Breaks)+".") {
						t.Fatalf("shortHunt: %s is not a sub-property of %s, the requirement %s breaks", sub, m.Breaks, name)
					}
					t.Logf("-short: hunted with %s, not all of %s; the full run hunts with the whole requirement", sub, m.Breaks)
					o.Only = []string{sub}
				}
				ref, err := refs.get(h.scheme.Info().Name+"/"+strings.Join(o.Only, ","), func() (*conformance.Results, error) {
					return conformance.CheckAll(ctx, []models.Scheme{h.scheme}, o)
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, role := range catchRoles {
					rs, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(h.scheme, role, h.dial(name))}, o)
					if err != nil {
						t.Fatal(err)
					}
					interactive.Judge(rs, ref)
					if u := rs.Unexpected(); len(u) > 0 {
						t.Logf("caught as %s by %s: %s", role, u[0].Property, u[0].Reason)
						return
					}
				}
				t.Errorf("a wallet with bug %q (%s) passes the %s suite in every role", name, m.Doc, m.Breaks)
			})
		}
	}
}

// Judge turns an expected-fail into a fail where the reference holds the
// property, keeps an unexpected-pass (the documentation does not describe
// the wallet) unless the property's adversary was the external wallet
// itself (a skip naming why), and leaves everything else.
func TestJudge(t *testing.T) {
	cx := &conformance.Counterexample{Message: "lost the coins"}
	inside := "identity-substitution not staged: wallet-A is an external wallet: the harness cannot reach inside it"
	ref := &conformance.Results{Results: []conformance.Result{
		{Target: "chain", Suite: "GM", Sub: "R5.5", Property: "a", Verdict: conformance.Pass},
		{Target: "chain", Suite: "GM", Sub: "R5.5", Property: "b", Verdict: conformance.ExpectedFail},
		{Target: "chain", Suite: "GM", Sub: "R5.5", Property: "d", Verdict: conformance.UnexpectedPass},
	}}
	got := &conformance.Results{Results: []conformance.Result{
		{Target: "chain@payer", Suite: "GM", Sub: "R5.5", Property: "a", Verdict: conformance.ExpectedFail, Counterexample: cx,
			Documented: &conformance.Documented{Reason: "documented", Observed: "lost the coins"}},
		{Target: "chain@payer", Suite: "GM", Sub: "R5.5", Property: "b", Verdict: conformance.ExpectedFail, Counterexample: cx},
		{Target: "chain@payer", Suite: "INTL", Sub: "R5.5", Property: "a", Verdict: conformance.ExpectedFail, Counterexample: cx},
		{Target: "chain", Suite: "GM", Sub: "R5.5", Property: "a", Verdict: conformance.ExpectedFail, Counterexample: cx},
		{Target: "chain@payer", Suite: "GM", Sub: "R5.5", Property: "c", Verdict: conformance.UnexpectedPass, Reason: "documented"},
		{Target: "chain", Suite: "GM", Sub: "R5.5", Property: "c", Verdict: conformance.UnexpectedPass, Reason: "documented"},
		{Target: "chain@payer", Suite: "GM", Sub: "R5.5", Property: "e", Verdict: conformance.UnexpectedPass, Reason: "documented", Notes: []string{"T = 20000", inside}},
		{Target: "chain@payer", Suite: "GM", Sub: "R5.5", Property: "d", Verdict: conformance.ExpectedFail, Counterexample: cx},
		{Target: "chain@payer", Suite: "GM", Sub: "R5.4", Property: "a", Verdict: conformance.ExpectedFail, Counterexample: cx},
	}}
	if n := interactive.Judge(got, ref); n != 3 {
		t.Errorf("Judge changed %d verdicts, want 3", n)
	}
	want := []conformance.Verdict{conformance.Fail, conformance.ExpectedFail, conformance.ExpectedFail, conformance.ExpectedFail,
		conformance.UnexpectedPass, conformance.UnexpectedPass, conformance.Skip, conformance.Fail, conformance.ExpectedFail}
	for i, r := range got.Results {
		if r.Verdict != want[i] {
			t.Errorf("result %d (%s %s %s-%s): %s, want %s", i, r.Target, r.Suite, r.Sub, r.Property, r.Verdict, want[i])
		}
	}
	if !strings.Contains(got.Results[0].Reason, "lost the coins") {
		t.Errorf("reason %q does not carry the failure", got.Results[0].Reason)
	}
	if r := got.Results[6]; !strings.Contains(r.Reason, "external wallet") || !strings.Contains(r.Reason, inside) {
		t.Errorf("the skip does not say the adversary is the external wallet: %q", r.Reason)
	}
}

// TestSkipGames: a vendor's wallet plays the anonymity games of a scheme
// that documents a leak in them (they stop at the first looks), skips
// them for a scheme whose reference passes them (all N trials through the
// adapter), naming --games, and plays them there under WithGames.
func TestSkipGames(t *testing.T) {
	passing := 0
	for _, s := range append(all.Schemes(), all.Drafts()...) {
		leaks := false
		for _, v := range s.Info().Expected {
			leaks = leaks || v.Property == "R3.1-which-payer-game"
		}
		tg := interactive.Target(s, interactive.Payer, nil)
		why := tg.(conformance.SkipsGames).SkipGames()
		switch {
		case leaks && why != "":
			t.Errorf("%s documents a leak, yet its games are skipped: %s", s.Info().Name, why)
		case !leaks && !strings.Contains(why, "--games"):
			t.Errorf("%s's reference passes the games, yet they are not skipped (%q)", s.Info().Name, why)
		case !leaks:
			passing++
		}
		if w := interactive.WithGames(tg).(conformance.SkipsGames).SkipGames(); w != "" {
			t.Errorf("%s WithGames still skips: %s", s.Info().Name, w)
		}
	}
	if passing == 0 {
		t.Error("no scheme passes the games: the skip is untested")
	}
}
