package pseudocoin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/pseudocoin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// external are the requirement suites the external element is held to
// here: all of R1, R2, R4, R5, R6 and the R3 properties that play no
// anonymity game. The games (R3.1, R3.2, R3.6) play N = 4021 trials
// each; through the adapter that is LANDING.md's estimate, not a test.
var external = []string{"R1", "R2", "R4", "R5", "R6", "R3.3", "R3.4", "R3.5"}

func hostDial(mutation string) models.Dialer { return loopback.Hosts(pseudocoin.NewHost, mutation) }

func gmOpts(checks int, only ...string) conformance.Options {
	gm, _ := suite.ByID(suite.GM)
	return conformance.Options{Checks: checks, Suites: []suite.Suite{gm}, Only: only}
}

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

// With the reference element served behind the protocol as every wallet
// (role wallet) and as the payee only (the reference payer then plays
// the insider against it), each property of the suites above finds what it finds
// on the model itself, except those that must reach inside a wallet,
// which skip naming the external device. Under -short: R6 only,
// role wallet.
func TestReferenceElementAsExternal(t *testing.T) {
	only := external
	if testing.Short() {
		only = []string{"R6"}
		t.Logf("-short: %v only; the full suite runs %v", only, external)
	}
	o := gmOpts(2, only...)
	ctx := context.Background()
	ref, err := conformance.CheckAll(ctx, []models.Scheme{pseudocoin.Scheme{}}, o)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]conformance.Result{}
	for _, r := range ref.Results {
		want[r.Suite+"/"+r.Property] = r
	}
	roles := []interactive.Role{interactive.Wallet, interactive.Payee}
	if testing.Short() {
		roles = roles[:1]
	}
	for _, role := range roles {
		got, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(pseudocoin.Scheme{}, role, hostDial(""))}, o)
		if err != nil {
			t.Fatal(err)
		}
		interactive.Judge(got, ref)
		if len(got.Results) != len(ref.Results) || len(got.Results) == 0 {
			t.Fatalf("%s: %d results with the external element, %d on the model", role, len(got.Results), len(ref.Results))
		}
		var skips []string
		for _, r := range got.Results {
			w := want[r.Suite+"/"+r.Property]
			if r.Verdict != conformance.Skip && (r.Runs == 0 || w.Runs == 0) {
				t.Errorf("%s: %d cases with the external element, %d on the model: a comparison of nothing", r.Key(), r.Runs, w.Runs)
			}
			switch {
			case raw(r.Verdict) == raw(w.Verdict):
			case r.Verdict == conformance.Skip && strings.Contains(r.Reason, "external"):
				skips = append(skips, r.ID())
			default:
				t.Errorf("%s: %s with the external element (%s), %s on the model (%s)", r.Key(), r.Verdict, r.Reason, w.Verdict, w.Reason)
			}
		}
		t.Logf("%s: %d properties, %d skipped for reaching inside the external element: %v", role, len(got.Results), len(skips), skips)
	}
}

// An element with a catalogue bug, served behind the protocol, is caught
// by the suite of the requirement the bug breaks (R1 for the payee's
// input-signature check: R1.1's tampering finds it), in some role, where
// the reference element served the same way in that role passes it.
func TestBrokenElementIsCaught(t *testing.T) {
	for _, c := range []struct{ mutant, req string }{
		{"no-offline-limits", "R6"},
		{"payee-skips-input-sig", "R1"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			if testing.Short() && c.req != "R6" {
				t.Skipf("-short: the R6 bug only; the full suite hunts %s with %s", c.mutant, c.req)
			}
			o := gmOpts(6, c.req)
			ctx := context.Background()
			ref, err := conformance.CheckAll(ctx, []models.Scheme{pseudocoin.Scheme{}}, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, role := range []interactive.Role{interactive.Payee, interactive.Payer, interactive.Wallet} {
				rs, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(pseudocoin.Scheme{}, role, hostDial(c.mutant))}, o)
				if err != nil {
					t.Fatal(err)
				}
				interactive.Judge(rs, ref)
				u := rs.Unexpected()
				if len(u) == 0 {
					continue
				}
				t.Logf("caught as %s by %s: %s", role, u[0].Property, u[0].Reason)
				// The control: the reference element in the role that
				// caught the bug passes the same run.
				ok, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(pseudocoin.Scheme{}, role, hostDial(""))}, o)
				if err != nil {
					t.Fatal(err)
				}
				interactive.Judge(ok, ref)
				if u := ok.Unexpected(); len(u) > 0 {
					t.Errorf("the reference element as %s fails too, %s: %s", role, u[0].Property, u[0].Reason)
				}
				return
			}
			t.Errorf("an element with bug %q passes %s in every role", c.mutant, c.req)
		})
	}
}

// The same hunt end to end, as check --impl plays it: examples/vendor
// processes (their params and results validated against the devices
// schema) as the payer, serving the element with -device-mutant
// no-offline-limits, fail R6.6; serving the reference element, pass it.
func TestVendorProcessBrokenElementIsCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds examples/vendor and starts a process per element and case; the full suite runs it")
	}
	bin, err := pseudocoin.VendorBinary()
	if err != nil {
		t.Fatal(err)
	}
	o := gmOpts(2, "R6.6")
	ctx := context.Background()
	ref, err := conformance.CheckAll(ctx, []models.Scheme{pseudocoin.Scheme{}}, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args   []string
		caught bool
	}{{nil, false}, {[]string{"-device-mutant", "no-offline-limits"}, true}} {
		devs := &adapter.Devices{Config: adapter.Config{Command: append([]string{bin}, c.args...)}}
		rs, err := conformance.CheckAll(ctx, []models.Scheme{interactive.Target(pseudocoin.Scheme{}, interactive.Payer, devs.Dial)}, o)
		devs.CloseAll()
		if err != nil {
			t.Fatal(err)
		}
		interactive.Judge(rs, ref)
		u := rs.Unexpected()
		if (len(u) > 0) != c.caught || len(rs.Results) == 0 {
			t.Errorf("vendor %v: %d unexpected verdicts of %d, want caught %v: %+v", c.args, len(u), len(rs.Results), c.caught, u)
		}
		if len(u) > 0 {
			t.Logf("vendor %v: %s %s: %s", c.args, u[0].Property, u[0].Verdict, u[0].Reason)
		}
	}
}
