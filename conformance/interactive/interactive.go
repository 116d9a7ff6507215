// Package interactive runs the requirement suites with a vendor's wallet
// in the scheme: the wallets a Role names are external devices (an
// adapter process each, PROTOCOL.md §7), and everything else — the
// central bank, the agent banks or chain nodes, the other wallets, the
// channel and its faults — is the reference model. The suites' properties
// run unchanged; what the vendor's device cannot do (a corruption that
// needs to reach inside it) is reported as skip, naming why.
//
// The target's name is "<scheme>@<role>", and it inherits the scheme's
// documented violations (Info.Expected, per property with the witness of
// its cause): a flaw of the published scheme is the same flaw with any
// conforming wallet. Judge holds the verdicts to the reference's.
package interactive

import (
	"fmt"
	"strings"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// Role says which wallets of an instance are the vendor's.
type Role string

// The roles. The suites' first payment goes from wallet-A to wallet-B, so
// payer makes the vendor's device the paying side of it, payee the
// receiving side; the vendor's wallet takes part in later payments in
// whichever role a property needs. wallet makes every wallet the vendor's
// (the vendor's devices pay each other).
const (
	Payer  Role = "payer"
	Payee  Role = "payee"
	Wallet Role = "wallet"
)

// Roles lists the roles.
var Roles = []Role{Payer, Payee, Wallet}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == strings.ToLower(s) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (payer, payee or wallet)", s)
}

// wallets are the wallet ids a role makes external among n wallets.
func (r Role) wallets(n int) []world.PartyID {
	switch r {
	case Payer:
		return []world.PartyID{"wallet-A"}
	case Payee:
		return []world.PartyID{"wallet-B"}
	}
	return models.Config{Wallets: n}.WalletIDs()
}

// Target returns base with the wallets role names played by the devices
// dial starts.
func Target(base models.Scheme, role Role, dial models.Dialer) models.Scheme {
	return target{base: base, role: role, dial: dial}
}

type target struct {
	base  models.Scheme
	role  Role
	dial  models.Dialer
	games bool // play the anonymity games even where they run all N trials
}

// WithGames makes a Target play the anonymity games (R3.1, R3.2, R3.6's
// game) whatever they cost; other schemes are returned as they are.
func WithGames(s models.Scheme) models.Scheme {
	if t, ok := s.(target); ok {
		t.games = true
		return t
	}
	return s
}

// SkipGames (conformance.SkipsGames): where the scheme documents no
// violation of the games, its reference wallets pass them, so a
// conforming wallet plays every one of their N trials through the
// adapter (2N payments a suite, minutes of CPU); that is WithGames's
// choice. Where the scheme documents a leak, the games stop at their
// first looks and are played.
func (t target) SkipGames() string {
	if t.games {
		return ""
	}
	for _, v := range t.base.Info().Expected {
		switch v.Property {
		case "R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split":
			return ""
		}
	}
	return fmt.Sprintf("%s's reference wallets pass the anonymity games, so the vendor's wallet would play all N trials of each through the adapter (2N payments a suite: minutes of CPU); `check --impl … --games` plays them", t.base.Info().Name)
}

func (t target) Info() models.Info {
	i := t.base.Info()
	i.Name = Name(i.Name, t.role)
	i.Title += fmt.Sprintf(" — the vendor's wallet as %s", t.role)
	return i
}

// FreshSetup: the vendor's devices are seeded at personalisation, in
// setup, so each case is set up from its own seed (conformance.T.New).
func (target) FreshSetup() {}

func (t target) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg = cfg.WithDefaults()
	cfg.External = t.role.wallets(cfg.Wallets)
	cfg.Dial = t.dial
	return t.base.New(w, cfg)
}

// Name is the target name of scheme with the vendor's wallet in role.
func Name(scheme string, role Role) string { return scheme + "@" + string(role) }

// Split undoes Name; ok is false for a name without a role.
func Split(name string) (scheme string, role Role, ok bool) {
	s, r, ok := strings.Cut(name, "@")
	return s, Role(r), ok
}

// Judge holds the implementation's results to the reference's (ref: the
// reference schemes with the same options). A property that holds on the
// reference (pass, or unexpected-pass: documented but not found) and
// fails with the implementation's wallet is a failure of the wallet, even
// where it fails with the scheme's documented cause (which settles it as
// expected-fail): a conforming wallet must do what the reference wallet
// does. A documented violation the run did not reproduce stays
// unexpected-pass — the scheme's documentation does not describe this
// wallet —, except where the adversary the violation needs is the
// external wallet itself, which the harness cannot reach inside (a note
// of the property says so): then the property could not run as written,
// and it is a skip naming why. Results of targets not made by Target are
// left as they are. It returns how many verdicts it changed.
func Judge(got, ref *conformance.Results) int {
	type key struct{ target, suite, property string }
	base := map[key]conformance.Result{}
	for _, r := range ref.Results {
		base[key{r.Target, r.Suite, r.ID()}] = r
	}
	n := 0
	for i := range got.Results {
		r := &got.Results[i]
		scheme, _, ok := Split(r.Target)
		if !ok {
			continue
		}
		switch r.Verdict {
		case conformance.UnexpectedPass:
			if note := unreachable(r.Notes); note != "" {
				r.Verdict = conformance.Skip
				r.Reason = "the scheme documents a violation of this property (" + r.Reason + "), but the adversary it needs is the external wallet, " +
					"which the harness cannot reach inside, so the property could not stage it: " + note
				n++
			}
		case conformance.ExpectedFail:
			b, ok := base[key{scheme, r.Suite, r.ID()}]
			if !ok || (b.Verdict != conformance.Pass && b.Verdict != conformance.UnexpectedPass) {
				continue
			}
			why := r.Reason // settle keeps the observed cause beside the documented one
			if r.Documented != nil && r.Documented.Observed != "" {
				why = r.Documented.Observed
			}
			r.Verdict = conformance.Fail
			r.Reason = "the reference wallet passes this property, the implementation's fails (the scheme's documented violation of " +
				r.ID() + " does not cover it): " + why
			n++
		}
	}
	return n
}

// unreachable returns the first note saying the harness could not reach
// inside an external wallet, or "".
func unreachable(notes []string) string {
	for _, n := range notes {
		if strings.Contains(n, "cannot reach inside") {
			return n
		}
	}
	return ""
}
