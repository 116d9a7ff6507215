package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// cutOnly pairs each wallet bug with the power cut that alone finds it on
// an external device, the role it is played in, the sub-property that
// catches it and the requirement it breaks.
var cutOnly = []struct {
	bug    string
	kind   world.FaultKind
	role   interactive.Role
	sub    string // under -short, the catching property only
	breaks string
}{
	{"undo-open-session", world.FaultCrashBefore, interactive.Payer, "R5.2-balanced-every-fault-point", "R5"},
}

// caughtByEitherCut are wallet bugs that more than one power cut finds.
// log-at-session-end was cutOnly's bug of crash-after (a cut after the
// payer commits loses the TRANSFER and, with the unflushed log, the value:
// R5.2); since R5.4 reads the payer's receipts, a cut before the CONFIRM
// finds it too (the payee holds the coins, the restarted payer holds no
// logged record of the payment), so no cut is the one that finds it.
var caughtByEitherCut = []struct {
	bug  string
	role interactive.Role
	sub  string
}{
	{"log-at-session-end", interactive.Payer, "R5"},
}

// Each bug of caughtByEitherCut is caught with every kind scheduled.
func TestWalletBugsCaught(t *testing.T) {
	for _, c := range caughtByEitherCut {
		t.Run(c.bug, func(t *testing.T) {
			u := unexpected(t, c.bug, c.role, c.sub)
			if len(u) == 0 {
				t.Fatalf("a %s wallet with bug %s (%s) passes %s", c.role, c.bug, walletBugs[c.bug], c.sub)
			}
			t.Logf("caught by %s: %s", u[0].Key(), u[0].Reason)
		})
	}
}

// unexpected runs the interactive suite on chip with the wallet role
// plays served in process with bug, judged against the reference wallet
// run with the same options (and the same kinds switched off: off names
// them, the caller has switched them off), and returns the properties
// whose verdict is a surprise. Both runs are on CheckAll's pool, one
// property per core (its results are Check's); the reference's results
// are computed once per options and kinds switched off, whichever bug is
// judged against them.
func unexpected(t *testing.T, bug string, role interactive.Role, only string, off ...world.FaultKind) []conformance.Result {
	t.Helper()
	gm, _ := suite.ByID(suite.GM)
	o := conformance.Options{Checks: 6, Suites: []suite.Suite{gm}, Only: []string{only}}
	if testing.Short() {
		// One generated case a property (rapid runs a fifth of its
		// checks under -short, at least one): the catching property
		// enumerates every cut besides, it needs no more.
		o.Checks = 2
	}
	ctx := context.Background()
	ref, err := refRun(fmt.Sprint(o.Checks, only, off), func() (*conformance.Results, error) {
		return conformance.CheckAll(ctx, []models.Scheme{chip.Scheme{}}, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	dial := loopback.Dialer(func(store map[string][]byte) (loopback.Host, error) { return openBuggy(hosts["chip"], store, "", bug) })
	got, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(chip.Scheme{}, role, dial)}, o)
	if err != nil {
		t.Fatal(err)
	}
	interactive.Judge(got, ref)
	return got.Unexpected()
}

// refs holds the reference wallet's results by refRun's key.
var refs sync.Map // string -> func() (*conformance.Results, error)

// refRun returns run's results, run once per key.
func refRun(key string, run func() (*conformance.Results, error)) (*conformance.Results, error) {
	f, _ := refs.LoadOrStore(key, sync.OnceValues(run))
	return f.(func() (*conformance.Results, error))()
}

// Each wallet bug is caught by the interactive suite with every kind
// scheduled, and passes with only its power cut switched off: on an
// external device, whose writes the harness cannot count (no crash-at),
// that cut is what finds it. Under -short the second run is the catching
// property only, at one generated case a property (besides the cuts it
// enumerates); without, the whole requirement the bug breaks, at 6. The
// reference wallet served the same way, through the same wrapper,
// passes (TestReferenceWallet).
func TestWalletBugsNeedTheirCut(t *testing.T) {
	for _, c := range cutOnly {
		t.Run(c.bug, func(t *testing.T) {
			u := unexpected(t, c.bug, c.role, c.sub)
			if len(u) == 0 {
				t.Fatalf("a %s wallet with bug %s (%s) passes %s with %s scheduled", c.role, c.bug, walletBugs[c.bug], c.sub, c.kind)
			}
			t.Logf("caught by %s: %s", u[0].Key(), u[0].Reason)
			off := c.breaks
			if testing.Short() {
				off = c.sub
			}
			defer conformance.SwitchOff(c.kind)()
			for _, r := range unexpected(t, c.bug, c.role, off, c.kind) {
				t.Errorf("with %s switched off, %s still catches %s: the cut is not what finds it: %s", c.kind, r.Key(), c.bug, r.Reason)
			}
		})
	}
}

// The control: the reference wallet served through the same path and
// the same wrapper (the no-op bug wrapOnly) passes what catches the
// bugs, so what catches them is the bug: R5, or under -short the
// properties that catch them under -short (cutOnly's sub, whose
// reference runs the bug tests share).
func TestReferenceWallet(t *testing.T) {
	only := []string{"R5"}
	if testing.Short() {
		only = nil
		for _, c := range cutOnly {
			if !slices.Contains(only, c.sub) {
				only = append(only, c.sub)
			}
		}
		t.Logf("-short: %v, not all of R5; the full run checks R5", only)
	}
	for _, o := range only {
		if u := unexpected(t, wrapOnly, interactive.Payer, o); len(u) > 0 {
			t.Errorf("the reference wallet fails %s: %s", u[0].Key(), u[0].Reason)
		}
	}
}
