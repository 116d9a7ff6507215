package interactive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func chipHosts(mutation string) models.Dialer {
	return loopback.Dialer(func(store map[string][]byte) (loopback.Host, error) {
		return chip.NewHost(store, mutation)
	})
}

func opts() conformance.Options {
	gm, _ := suite.ByID(suite.GM)
	return conformance.Options{Checks: 5, Suites: []suite.Suite{gm}}
}

// With the reference card served behind the protocol, every property has
// the verdict it has on the model itself, except those that must reach
// inside a wallet, which skip naming the external device.
func TestReferenceCardAsExternalWallet(t *testing.T) {
	ctx := context.Background()
	ref, err := conformance.Check(ctx, chip.Scheme{}, opts())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]conformance.Result{}
	for _, r := range ref.Results {
		want[r.Suite+"/"+r.Property] = r
	}
	for _, role := range interactive.Roles {
		t.Run(string(role), func(t *testing.T) {
			got, err := conformance.Check(ctx, interactive.Target(chip.Scheme{}, role, chipHosts("")), opts())
			if err != nil {
				t.Fatal(err)
			}
			skips := 0
			for _, r := range got.Results {
				w := want[r.Suite+"/"+r.Property]
				switch {
				case r.Verdict == w.Verdict:
				case r.Verdict == conformance.Skip && strings.Contains(r.Reason, "external"):
					skips++
				default:
					t.Errorf("%s: %s with the external card (%s), %s on the model", r.Key(), r.Verdict, r.Reason, w.Verdict)
				}
			}
			t.Logf("%d properties, %d skipped for reaching inside the external card", len(got.Results), skips)
		})
	}
}

// A card with a known bug, served behind the protocol, is caught by the
// suite of the requirement the bug breaks, in at least one role.
func TestBrokenCardIsCaught(t *testing.T) {
	ctx := context.Background()
	for _, name := range chip.CardMutants() {
		t.Run(name, func(t *testing.T) {
			var m models.Mutant
			for _, x := range chip.Mutants() {
				if x.Name == name {
					m = x
				}
			}
			o := opts()
			o.Only = []string{string(m.Breaks)}
			var caught []string
			for _, role := range interactive.Roles {
				rs, err := conformance.Check(ctx, interactive.Target(chip.Scheme{}, role, chipHosts(name)), o)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs.Unexpected() {
					caught = append(caught, string(role)+": "+r.Property)
				}
			}
			if len(caught) == 0 {
				t.Errorf("a card with bug %q (%s) passes the %s suite in every role", name, m.Doc, m.Breaks)
			}
			t.Logf("caught by %v", caught)
		})
	}
}
