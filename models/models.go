package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Config sets up one instance of a scheme.
type Config struct {
	Suite   suite.Suite // nil means suite.Default()
	Wallets int         // how many wallets, named wallet-A, wallet-B, … (WalletIDs)
	Opening int64       // each wallet's opening account balance, fen
	Limits  bank.Limits // zero means bank.DefaultLimits
	// Threshold is the anonymity threshold T, fen (R3.6): a scheme binds
	// a payment above it to the payer's registered identity at
	// reconciliation and keeps payments of at most T anonymous. Zero
	// means DefaultThreshold.
	Threshold int64

	// External names wallets (wallet-A, …) that are not the model's own
	// devices but a vendor's implementation, reached through Dial: the
	// interactive suites (package conformance/interactive). A scheme that
	// cannot host external wallets refuses a non-empty list with
	// spec.CodeUnimplemented.
	External []world.PartyID
	Dial     Dialer
}

// IsExternal reports whether cfg makes wallet an external device.
func (c Config) IsExternal(wallet world.PartyID) bool {
	for _, w := range c.External {
		if w == wallet {
			return true
		}
	}
	return false
}

// DefaultThreshold is the anonymity threshold T a Config without one
// uses, fen.
const DefaultThreshold = 20000

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.Suite == nil {
		c.Suite = suite.Default()
	}
	if c.Wallets == 0 {
		c.Wallets = 3
	}
	if c.Opening == 0 {
		c.Opening = 100000
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.Limits == (bank.Limits{}) {
		c.Limits = bank.DefaultLimits
	}
	return c
}

// Info describes a scheme (or a variant of one).
type Info struct {
	Name    string        // stable id: "chip", "cert", "cert-literal", "chain"
	Title   string        // one line for people
	Source  string        // the publication it models
	Channel world.Channel // the offline link payments use
	// Expected lists the properties this scheme, as published, does not
	// meet, each with the reason and a witness that recognises the
	// documented cause in a failure. A listed property that fails with a
	// matching witness is expected-fail; one that fails otherwise is a
	// fail; every property not listed keeps its own verdict.
	Expected []Violation
	// Exposure bounds how long a party to one payment stays exposed: from
	// its first state change to the point its outcome can no longer be
	// reversed (R5.3). Zero declares no bound.
	Exposure Exposure
}

// Violation documents that one property fails on a scheme as published,
// and for which cause. Property is the property's id, sub-property and
// name ("R3.1-which-payer-game"); Reason says why in words; Witness is the
// cause a failure must show to be this violation and not another bug.
type Violation struct {
	Property string  `json:"property"`
	Reason   string  `json:"reason"`
	Witness  Witness `json:"witness"`
}

// Witness recognises a documented cause in a failure. It is declarative,
// so that results and reports can show it: Match is a regular expression
// (RE2 syntax, Go's regexp) the failure's message must match; it names
// the cause — the leaking field or distinguisher, the error code, the
// lost-value pattern — never just that something failed.
type Witness struct {
	Match string `json:"match"`
}

// Matches reports whether message shows the witnessed cause. A witness
// whose expression does not compile matches nothing (Validate finds it).
func (w Witness) Matches(message string) bool {
	re, err := regexp.Compile(w.Match)
	return err == nil && re.MatchString(message)
}

// Validate checks the witness: a non-empty expression that compiles and
// does not match the empty message (a witness must name something).
func (w Witness) Validate() error {
	if w.Match == "" {
		return fmt.Errorf("witness has no expression")
	}
	re, err := regexp.Compile(w.Match)
	if err != nil {
		return fmt.Errorf("witness %q: %v", w.Match, err)
	}
	if re.MatchString("") {
		return fmt.Errorf("witness %q matches an empty message, so it recognises no cause", w.Match)
	}
	return nil
}

// Identifying material, as the R3 properties name it in their messages:
// the identity fields (device id, party id, certificate) and keys of a
// payer, and the coin serials and lineage records it withdrew.
const (
	identityField = `(?:device id|party id|certificate of|public key \(SPKI\) of|public key point of) \S+`
	leakDists     = `(?:identity|key-reuse|serial-linkage|equal-bytes)`
	// placeEnd ends a place: the item's own key, if any ("merchant store
	// coin/…", "registry record 1a2b3c4d"), then the offset, so that
	// "message TX" does not also name "message TX-REFUND".
	placeEnd = `(?: [^\n,;]*?)? at byte \d+`
)

// LeakWitness witnesses an anonymity game (game is "which-payer game" or
// "linking game") lost to a distinguisher that keyed on the payer's
// identifying material in one of the places in — view items named
// "message TYPE", "merchant store" (what the payee keeps) or "registry
// record" (what it uploads): an identity field or key, or bytes first
// seen in its certificate; and, where lineage is set (the scheme
// documents that coins carry their lineage in the clear), a coin serial
// or bytes first seen in its withdrawal. A game lost to length or timing,
// to a leak of another kind, or one that failed for lack of evidence,
// does not match.
func LeakWitness(game string, lineage bool, in ...string) Witness {
	where := `(?:` + strings.Join(quoteAll(in), "|") + `)` + placeEnd
	origins := `certificate`
	alts := identityField + ` in ` + where
	if lineage {
		origins = `(?:certificate|withdrawal)`
		alts += `|serial [^\n]*?, in ` + where
	}
	alts += `|of ` + where + `, first seen in \S+ ` + origins
	return Witness{Match: regexp.QuoteMeta(game) + `: distinguisher ` + leakDists + ` was right in \d+ of \d+ trials [^\n]*?: it keyed on [^\n]*?(?:` + alts + `)`}
}

// IdentityWitness witnesses R3.3's and R3.6's finding: after prefix (a
// regular expression for the start of the message), the adversary's view
// holds one of the payer's identity fields in one of the places in (as
// for LeakWitness).
func IdentityWitness(prefix string, in ...string) Witness {
	return Witness{Match: prefix + `the adversary's view holds the payer's ` + identityField + ` in (?:` + strings.Join(quoteAll(in), "|") + `)` + placeEnd}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = regexp.QuoteMeta(s)
	}
	return out
}

// Sub is the sub-property of the violation's property ("R3.1"), or ""
// when Property has no sub-property prefix.
func (v Violation) Sub() spec.SubID {
	for i := 0; i < len(v.Property); i++ {
		if v.Property[i] == '-' {
			return spec.SubID(v.Property[:i])
		}
	}
	return ""
}

// Violation returns the documented violation of property id, if any.
func (i Info) Violation(property string) (Violation, bool) {
	for _, v := range i.Expected {
		if v.Property == property {
			return v, true
		}
	}
	return Violation{}, false
}

// Validate checks the documented violations as far as package models
// can: each names a catalogued sub-property, has a reason and a valid
// witness, and no property is listed twice. That each names an existing
// property is checked by conformance.ValidateInfo.
func (i Info) Validate() error {
	seen := map[string]bool{}
	for _, v := range i.Expected {
		if _, ok := spec.LookupSub(v.Sub()); !ok {
			return fmt.Errorf("%s: violation of %q: no catalogued sub-property", i.Name, v.Property)
		}
		if v.Reason == "" {
			return fmt.Errorf("%s: violation of %s has no reason", i.Name, v.Property)
		}
		if err := v.Witness.Validate(); err != nil {
			return fmt.Errorf("%s: violation of %s: %v", i.Name, v.Property, err)
		}
		if seen[v.Property] {
			return fmt.Errorf("%s: violation of %s listed twice", i.Name, v.Property)
		}
		seen[v.Property] = true
	}
	return nil
}

// Exposure is a bound on an exposure window. Steps counts the payment's
// message deliveries and, after it, the online operations (each
// reconciliation of either party) until the outcome is final; Time is the
// simulated time the window may span, not counting the time the parties
// spend offline before the reconciliation that makes the outcome final
// (R5.3 lets time pass offline, reports it, and does not hold it against
// the bound).
type Exposure struct {
	Steps int
	Time  time.Duration
}

// Package is what a scheme package contributes to the harness (package
// all lists one per scheme package): its schemes, variants included, in
// a stable order, and the mutant catalogue of all of them.
type Package struct {
	Schemes func() []Scheme
	Mutants func() []Mutant
}

// Scheme is one executable scheme model. New builds an independent
// instance in w; everything random comes from w.
type Scheme interface {
	Info() Info
	New(w *world.World, cfg Config) (Instance, error)
}

// Instance is a running scheme: the banks, the wallets and the operations
// the requirement suites drive. Wallet operations take the wallet's world
// party id. Online operations bring the wallet online for their duration.
//
// Contract: an operation that fails returns a *spec.Error (or an error
// wrapping one) and leaves every party's persistent state as it was,
// except where a crash fault interrupted it, which the trace records.
type Instance interface {
	World() *world.World
	Bank() *bank.CentralBank
	Wallets() []world.PartyID

	// Fund withdraws amount from the wallet's account into the wallet.
	Fund(wallet world.PartyID, amount int64) error
	// Pay runs one offline payment under the fault plan.
	Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (Payment, error)
	// Reconcile takes the wallet online: it uploads its offline records,
	// receives what is owed to it, resolves interrupted payments and
	// resets its offline limits.
	Reconcile(wallet world.PartyID) error
	// Deposit returns every coin the wallet holds to its account.
	Deposit(wallet world.PartyID) (int64, error)

	// Restart power-cycles the wallet outside any session.
	Restart(wallet world.PartyID)
	// Snapshot copies the wallet's persistent state; Restore rolls the
	// wallet back to it (a compromised or backed-up device).
	Snapshot(wallet world.PartyID) world.Snapshot
	Restore(wallet world.PartyID, s world.Snapshot)
	// Clone makes a second device with a copy of the wallet's state and
	// identity, and returns its party id.
	Clone(wallet world.PartyID) (world.PartyID, error)

	// View is the wallet's state as the suites observe it.
	View(wallet world.PartyID) View
	// Ledger is the banks' state.
	Ledger() Ledger
	// Audit accounts for every fen issued, from the god's-eye view of all
	// devices and banks together.
	Audit() Audit
}

// Audit classifies the value the central bank issued. Every coin instance
// that some record (or issuance) created and no record spent is live; a
// live coin is held by a device, pending in a payer's write-ahead log, or
// waiting at the bank to be forwarded (mail). Conservation is
// Held + Pending + Mail + Redeemed = Issued; Lost is live value that is in
// none of those places. A double spend creates value the sum then exceeds
// Issued by; Ledger.DoubleSpends names it and its culprit.
type Audit struct {
	Issued   int64
	Held     int64
	Pending  int64
	Mail     int64
	Redeemed int64
	Lost     int64
}

// Balanced reports whether value is conserved.
func (a Audit) Balanced() bool {
	return a.Lost == 0 && a.Held+a.Pending+a.Mail+a.Redeemed == a.Issued
}

// Payment is what one Pay call did.
type Payment struct {
	Outcome  world.Outcome
	Paid     bool // the payer saw the payee's acknowledgement
	Received bool // the payee stored the value
}

// Coin is one coin instance a wallet holds or has in flight.
type Coin struct {
	ID    string // instance id: creating record id and serial, hex
	Value int64
}

// View is a wallet's observable state.
type View struct {
	Party    world.PartyID
	Identity string // the holder's registered identity (wallet id) the central bank's trace names
	// Presents is the id of the certificate the device presents in a
	// payment, if not Identity (a pseudonym); "" means Identity.
	Presents string
	// AccountID is the number the agent bank keeps the holder's account
	// under, if not Identity; "" means Identity.
	AccountID string
	Coins     []Coin // spendable, persisted
	Pending   []Coin // debited, not acknowledged, not yet settled online
	Account   int64  // balance at its agent bank
	Spent     int64  // offline spending since the last reconciliation
	Payments  int    // offline payments since the last reconciliation
}

// Offline returns the value of the coins the wallet holds.
func (v View) Offline() int64 {
	var s int64
	for _, c := range v.Coins {
		s += c.Value
	}
	return s
}

// Ledger is the banks' state.
type Ledger struct {
	Issued       int64 // Σ issued by the central bank
	Redeemed     int64 // Σ redeemed
	Accounts     int64 // Σ customer accounts
	Mail         []Coin
	DoubleSpends []bank.DoubleSpend
}
