package reader

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// readerScheme is chip with its external wallets the cards in d's readers.
type readerScheme struct {
	chip.Scheme
	d *Devices
}

func (s readerScheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg.Dial = s.d.Dial
	return s.Scheme.New(w, cfg)
}

// TestCardMutantsCaught is issue 18's "each card-side mutant served as a
// virtual card is caught by the same requirement", through the reader
// (vpcd sockets, one card per wallet): for every chip card mutant, the
// suite of the requirement it breaks, in the roles payee, payer, wallet
// until one catches it; the reference card passes the same suites in
// every role first. It costs minutes of CPU, so it runs only with
// DUALOFFLINE_CARD_SWEEP=1 (DUALOFFLINE_CARD_SWEEP=NAME,… for some).
func TestCardMutantsCaught(t *testing.T) {
	sweep := os.Getenv("DUALOFFLINE_CARD_SWEEP")
	if sweep == "" {
		t.Skip("the card mutant sweep through the reader takes minutes: set DUALOFFLINE_CARD_SWEEP=1 (or a comma-separated list of mutants)")
	}
	gm, _ := suite.ByID(suite.GM)
	ctx := context.Background()
	refs := map[string]*conformance.Results{}
	for _, name := range chip.CardMutants() {
		if sweep != "1" && !strings.Contains(","+sweep+",", ","+name+",") {
			continue
		}
		var m models.Mutant
		for _, x := range chip.Mutants() {
			if x.Name == name {
				m = x
			}
		}
		t.Run(name, func(t *testing.T) {
			o := conformance.Options{Checks: 6, Suites: []suite.Suite{gm}, Only: []string{string(m.Breaks)}}
			ref := refs[string(m.Breaks)]
			if ref == nil {
				var err error
				if ref, err = conformance.Check(ctx, chip.Scheme{}, o); err != nil {
					t.Fatal(err)
				}
				refs[string(m.Breaks)] = ref
				// The reference card first, in every role: a mutant counts as
				// caught only where the reference card passes, or a transport
				// failure would count as a catch.
				for _, role := range sweepRoles {
					if u := throughReaders(t, "", role, o, ref); len(u) > 0 {
						t.Fatalf("the reference card fails %s as %s through the reader: %s: %.300s", m.Breaks, role, u[0].ID(), u[0].Reason)
					}
				}
			}
			for _, role := range sweepRoles {
				if u := throughReaders(t, name, role, o, ref); len(u) > 0 {
					t.Logf("%s (breaks %s) caught as %s by %s: %.200s", name, m.Breaks, role, u[0].ID(), u[0].Reason)
					return
				}
			}
			t.Errorf("the card of %q (%s) passes the %s suite through the reader in every role", name, m.Doc, m.Breaks)
		})
	}
}

// sweepRoles are the roles the sweep plays the cards in, in order.
var sweepRoles = []interactive.Role{interactive.Payee, interactive.Payer, interactive.Wallet}

// throughReaders serves three cards of mutant ("" for the reference),
// runs o's suite with them as role's wallets and returns the unexpected
// verdicts, judged against the reference run ref.
func throughReaders(t *testing.T, mutant string, role interactive.Role, o conformance.Options, ref *conformance.Results) []conformance.Result {
	t.Helper()
	d := &Devices{}
	for range 3 {
		d.Readers = append(d.Readers, serveCard(t, "", mutant))
	}
	rs, err := conformance.Check(context.Background(), interactive.Target(readerScheme{d: d}, role, nil), o)
	if err != nil {
		t.Fatal(err)
	}
	interactive.Judge(rs, ref)
	return rs.Unexpected()
}
