package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/conformance/reader"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
)

// readerFlags are check's flags for the suites of a card scheme
// (models.CardWallet) against a card in a reader.
type readerFlags struct {
	names []string
}

func (f *readerFlags) register(fl *pflag.FlagSet) {
	fl.StringSliceVar(&f.names, "reader", nil, "run the suites of the card scheme ("+strings.Join(cardSchemes(), ", ")+") with the card in this PC/SC reader as the wallet of --role (repeat for a card per wallet; \"vpcd:HOST:PORT\" serves a virtual reader without PC/SC)")
}

// interactive reports whether check runs the interactive suites (an
// implementation's wallet or a card in a reader).
func (f checkFlags) interactive() bool { return f.impl.cmd != "" || len(f.reader.names) > 0 }

// interactiveRun is a run of the interactive suites: --impl (implRun) or
// --reader (readerRun).
type interactiveRun interface {
	schemes() []models.Scheme
	judge(ctx context.Context, rs *conformance.Results, opts conformance.Options) error
	close(w io.Writer)
}

func (r *implRun) schemes() []models.Scheme { return r.targets }

// readerRun is a card scheme's suites with cards in readers.
type readerRun struct {
	implRun
	readers *reader.Devices
	cards   map[string]string // reader → its card, described
	out     io.Writer
}

func (r *readerRun) judge(ctx context.Context, rs *conformance.Results, opts conformance.Options) error {
	if err := r.implRun.judge(ctx, rs, opts); err != nil {
		return err
	}
	// The report names the card of every verdict it changes or skips.
	cards := r.describe()
	var skipped []string
	for i := range rs.Results {
		res := &rs.Results[i]
		if _, _, ok := interactive.Split(res.Target); !ok {
			continue
		}
		switch res.Verdict {
		case conformance.Fail, conformance.UnexpectedPass, conformance.SeedDependent:
			res.Reason += " [the wallet was " + cards + "]"
		case conformance.Skip:
			skipped = append(skipped, fmt.Sprintf("  %s/%s %s: %s", res.Target, res.Suite, res.ID(), res.Reason))
		}
	}
	// The results file, the HTML report and JUnit name the readers, the
	// cards' ATRs, the cut granularity and how many properties skipped.
	if rs.Env.Params == nil {
		rs.Env.Params = map[string]string{}
	}
	for i, name := range r.readers.Readers {
		rs.Env.Params[fmt.Sprintf("reader %d", i+1)] = r.cards[name]
	}
	rs.Env.Params["reader power cuts"] = "between two APDUs only (a cut at a write inside the card's handling of one APDU cannot be staged)"
	rs.Env.Params["reader skipped"] = fmt.Sprintf("%d properties (rollback, clone and forged stores need the card's memory); the reasons are in the results", len(skipped))
	fmt.Fprintf(r.out, "skipped with %s: %d\n%s", cards, len(skipped), strings.Join(skipped, "\n"))
	if len(skipped) > 0 {
		fmt.Fprintln(r.out)
	}
	return nil
}

func (r *readerRun) describe() string {
	var parts []string
	for _, n := range r.readers.Readers {
		parts = append(parts, r.cards[n])
	}
	return strings.Join(parts, ", ")
}

func (r *readerRun) close(w io.Writer) {
	fmt.Fprintf(w, "%d cards readied (selected, erased, personalised) in %s\n", r.readers.Started(), strings.Join(r.readers.Readers, ", "))
}

// readerTargets checks the readers hold dualoffline cards and returns one
// target per role: the card scheme with the cards as that role's
// wallets.
func readerTargets(w io.Writer, f checkFlags, opts *conformance.Options) (interactiveRun, error) {
	if f.impl.cmd != "" {
		return nil, usageErrorf("--reader and --impl: give one")
	}
	var sch models.Scheme
	for _, s := range f.schemes {
		if _, err := cardWallet(s); err != nil {
			return nil, usageErrorf("--reader: only a scheme whose wallet is a card (%s) plays a card in a reader (got --scheme %s)", strings.Join(cardSchemes(), ", "), s)
		}
		if sch != nil {
			return nil, usageErrorf("--reader: one scheme at a time (the readers hold one scheme's cards)")
		}
		sch, _ = all.Lookup(s)
	}
	if cards := cardSchemes(); sch == nil && len(cards) == 1 {
		sch, _ = all.Lookup(cards[0]) // the one scheme whose wallet is a card
	} else if sch == nil {
		return nil, usageErrorf("--reader: give the --scheme whose cards the readers hold (%s)", strings.Join(cards, ", "))
	}
	roles, err := parseRoles(f.impl.roles, []interactive.Role{interactive.Payer, interactive.Payee})
	if err != nil {
		return nil, err
	}
	if n := (models.Config{}).WithDefaults().Wallets; slices.Contains(roles, interactive.Wallet) && len(f.reader.names) < n {
		return nil, usageErrorf("--role wallet makes every wallet a card: give a --reader for each of the %d wallets (have %d)", n, len(f.reader.names))
	}
	run := &readerRun{readers: &reader.Devices{Readers: f.reader.names}, cards: map[string]string{}, out: w}
	for _, name := range f.reader.names {
		conn, err := reader.Connect(name)
		if err != nil {
			return nil, fmt.Errorf("reader %q unusable: %w", name, err)
		}
		l, err := reader.Open(conn, "probe", nil)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("reader %q: %w", name, err)
		}
		run.cards[name] = l.Card()
		_ = l.Close()
		fmt.Fprintf(w, "reader %q: card ATR %X, dualoffline application selected\n", name, conn.ATR())
	}
	base := cardScheme{Scheme: sch, devices: run.readers}
	run.bases = []models.Scheme{sch}
	for _, r := range roles {
		run.targets = append(run.targets, interactive.Target(base, r, nil))
	}
	// The jobs share the cards: run them one at a time, or two jobs each
	// holding some of the readers wait for the others' (--role wallet).
	opts.Workers = 1
	opts.ReplayFlags = ""
	for _, n := range f.reader.names {
		opts.ReplayFlags += " --reader " + shellQuote(n)
	}
	return run, nil
}

// cardScheme is a card scheme whose external wallets are the cards in the
// readers; each card is named in the trace when it joins. It is used only
// as interactive.Target's base, which reads its Info and New.
type cardScheme struct {
	models.Scheme
	devices *reader.Devices
}

func (s cardScheme) New(w *world.World, cfg models.Config) (models.Instance, error) {
	cfg.Dial = func(id world.PartyID) (models.Link, error) {
		l, err := s.devices.Dial(id)
		if err != nil {
			return nil, err
		}
		if rl, ok := l.(*reader.Link); ok {
			w.Trace().Note(id, "played by %s", rl.Card())
		}
		return l, nil
	}
	return s.Scheme.New(w, cfg)
}
