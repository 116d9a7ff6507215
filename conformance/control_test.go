package conformance_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestIdealControlPassesR3: every R3 property passes on the
// ideal-anonymity control at the default depth (default Options) under
// both suites (GM only under -short), the games certified after N trials.
// It runs on CheckAll's pool, whose results are Check's
// (TestScheduleSameResults): Check would run the twelve games on one core.
func TestIdealControlPassesR3(t *testing.T) {
	opts := conformance.Options{Only: []string{"R3"}}
	if testing.Short() {
		gm, _ := suite.ByID(suite.GM)
		opts.Suites = []suite.Suite{gm}
	}
	rs, err := conformance.CheckAll(context.Background(), []models.Scheme{control.Ideal()}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := 6 * len(rs.Env.Suites); len(rs.Results) != want || want == 0 {
		t.Fatalf("%d results, want %d (six R3 properties under %v)", len(rs.Results), want, rs.Env.Suites)
	}
	for _, r := range rs.Results {
		if r.Verdict != conformance.Pass {
			t.Errorf("%s: %s, want pass: %s", r.Key(), r.Verdict, r.Reason)
			continue
		}
		if g := r.Game; g != nil && len(g.Distinguishers) > 0 {
			if g.Outcome != conformance.OutcomeCertified || g.Trials != g.Planned {
				t.Errorf("%s: game %s after %d of %d trials, want certified after all", r.Key(), g.Outcome, g.Trials, g.Planned)
			}
			t.Logf("%s: certified after %d trials in %.1f s", r.Key(), g.Trials, r.DurationMS/1000)
		}
	}
}

// TestIdealControlMutants: each leaky mutant of the control fails its R3
// property (under GM), and the failure names the distinguisher and what
// it keyed on, or the field that carries the identity.
func TestIdealControlMutants(t *testing.T) {
	want := map[string]struct {
		only string
		// what the reason must contain; dist, if set, must have leaked
		// with a Leak containing leak.
		reason     []string
		dist, leak string
	}{
		"payer-id-in-message":                 {"R3.3", []string{"device id wallet-", "message PAY"}, "", ""},
		"stable-payer-tag":                    {"R3.2", []string{"linking game: distinguisher equal-bytes", "keyed on payment 1:", "found only in"}, "equal-bytes", "found only in"},
		"payer-key-in-message":                {"R3.1", []string{"which-payer game: distinguisher", "keyed on"}, "key-reuse", "public key (SPKI) of wallet-"},
		"payer-dependent-length":              {"R3.1", []string{"distinguisher length-timing", "keyed on", "bytes in 1 messages"}, "length-timing", "nearest to wallet-"},
		"large-payment-anonymous":             {"R3.6", []string{"a payment of T+1 = 20001 fen", "carries none of its identity fields"}, "", ""},
		"payer-dependent-length-at-threshold": {"R3.6", []string{"which-payer game on T-fen payments: distinguisher length-timing", "keyed on"}, "length-timing", "nearest to wallet-"},
		"escrow-to-payee-key":                 {"R3.3", []string{"decrypted device id wallet-", "escrow opened with the device key of wallet-C"}, "", ""},
		"payee-skips-escrow-proof":            {"R3.5", []string{"flagged nothing"}, "", ""},
		"payer-id-in-refused-attempt":         {"R3.3", []string{"device id wallet-", "refused attempt's message PROBE"}, "", ""},
		"payer-sequence-number":               {"R3.1", []string{"which-payer game: distinguisher counter-linkage", "keyed on"}, "counter-linkage", "INTEGER"},
	}
	gm, _ := suite.ByID(suite.GM)
	ms := control.Mutants()
	if len(ms) != len(want) {
		t.Errorf("%d mutants, the test knows %d", len(ms), len(want))
	}
	for _, m := range ms {
		w, ok := want[m.Name]
		if !ok {
			t.Errorf("mutant %s: no expectation", m.Name)
			continue
		}
		if m.Breaks != "R3" || m.Base.Info().Name != control.Name {
			t.Errorf("mutant %s breaks %s of %s, want R3 of %s", m.Name, m.Breaks, m.Base.Info().Name, control.Name)
		}
		t.Run(m.Name, func(t *testing.T) {
			rs, err := conformance.Check(context.Background(), m.Scheme, conformance.Options{Only: []string{w.only}, Suites: []suite.Suite{gm}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs.Results) == 0 {
				t.Fatalf("no result for %s", w.only)
			}
			r := rs.Results[0]
			if r.Verdict != conformance.Fail {
				t.Fatalf("%s: %s, want fail: %s", r.Key(), r.Verdict, r.Reason)
			}
			for _, s := range w.reason {
				if !strings.Contains(r.Reason, s) {
					t.Errorf("%s: reason does not name %q:\n%s", r.Key(), s, r.Reason)
				}
			}
			if w.dist != "" {
				found := false
				for _, d := range r.Game.Distinguishers {
					if d.Name == w.dist {
						found = strings.Contains(d.Leak, w.leak)
						if !found {
							t.Errorf("%s: distinguisher %s leak %q, want it to name %q", r.Key(), d.Name, d.Leak, w.leak)
						}
					}
				}
				if !found && !t.Failed() {
					t.Errorf("%s: no distinguisher %s in the game", r.Key(), w.dist)
				}
				// Each of these mutants leaks in every payment the game
				// scores: the distinguisher is right every time, and the
				// leak stops the game at its first look.
				if r.Game.Outcome != conformance.OutcomeLeak || r.Game.Trials != firstLook {
					t.Errorf("%s: game %s after %d of %d trials, want a leak at the first look (%d trials)", r.Key(), r.Game.Outcome, r.Game.Trials, r.Game.Planned, firstLook)
				}
			}
			t.Logf("%s: %s", r.Key(), firstLine(r.Reason))
		})
	}
}

// firstLook is the game's first look (spec/requirements.md, "The anonymity
// game's test"): a distinguisher that is always right stops it there.
const firstLook = 20

var _ models.Scheme = control.Ideal()

// TestSequenceMutantNeedsCounterLinkage: the payer-sequence-number mutant
// is certified by the library without counter-linkage (the gap a
// reviewer found: equal-bytes misses a counter that changes at every
// use, and its INTEGER's length is the same for every payer), and
// counter-linkage is what kills it (TestIdealControlMutants).
func TestSequenceMutantNeedsCounterLinkage(t *testing.T) {
	var m models.Mutant
	for _, x := range control.Mutants() {
		if x.Name == "payer-sequence-number" {
			m = x
		}
	}
	if m.Scheme == nil {
		t.Fatal("no mutant payer-sequence-number")
	}
	restore := conformance.WithoutDistinguisher("counter-linkage")
	defer restore()
	gm, _ := suite.ByID(suite.GM)
	rs, err := conformance.Check(context.Background(), m.Scheme, conformance.Options{Only: []string{"R3.1", "R3.2"}, Suites: []suite.Suite{gm}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Results) != 2 {
		t.Fatalf("%d results, want R3.1 and R3.2", len(rs.Results))
	}
	for _, r := range rs.Results {
		if r.Verdict != conformance.Pass || r.Game == nil || r.Game.Outcome != conformance.OutcomeCertified {
			t.Errorf("%s without counter-linkage: %s, want certified (the gap): %s", r.Key(), r.Verdict, r.Reason)
			continue
		}
		for _, d := range r.Game.Distinguishers {
			if d.Name == "counter-linkage" {
				t.Errorf("%s: counter-linkage still in the library", r.Key())
			}
		}
	}
}
