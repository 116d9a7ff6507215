package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/reports"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors"
)

type checkFlags struct {
	schemes []string
	suite   string
	checks  int
	steps   int
	seed    uint64
	seeds   string // --seeds A..B: a sweep (conformance.CheckSeeds)
	seedSet bool   // --seed was given
	shard   string // --shard i/n: this machine's part of the run (conformance.Shard)
	only    []string
	json    string
	report  string
	junit   string
	timeout time.Duration
	shrink  time.Duration
	// threshold is the anonymity threshold T, fen (conformance.Options.Threshold).
	threshold int64
	mutants   bool
	vectors   bool
	verbose   bool
	profile   bool        // --profile: wall time against the crypto floor (profile.go)
	cpuprof   string      // --cpuprofile: write the run's CPU profile (pprof) to this file
	impl      implFlags   // --impl and its companions (interactive.go)
	reader    readerFlags // --reader (card_check.go)
}

func checkCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Run the requirement suites (R1–R6) over the reference models and print the verdict matrix",
		Long: `check runs every property of the requirement suites against the reference
models (or the ones named with --scheme) under the GM and INTL suites, and
prints the verdict matrix scheme × requirement. A cell is pass when every
property held on the generated cases, expected-fail when the scheme
documents that it does not meet a sub-property and the check confirmed
it, skip when the scheme lacks what a property needs, and FAIL or
UNEXPECTED-PASS otherwise; each unexpected result is printed with its
counterexample and the command that replays it.

Runs are deterministic: the same --seed, --checks and --steps give the same
verdicts, and the same counterexamples unless shrinking ran out of its
--shrink-time. --seeds A..B runs everything once per seed and merges the
runs: a property whose verdict differs between seeds is SEED-DEPENDENT, an
unexpected verdict of its own kind (the matrix must not depend on the seed
a certifier happens to run), shown with the verdict at each seed and the
replay line of the seed that failed. --mutants also runs the mutant catalogue
(deliberately faulty models) and prints how many each requirement's suite
killed, then the coverage per sub-property: the mutants a property of it
killed and a target on which all its properties passed; a sub-property
missing either is a coverage gap. With --scheme or --only, --mutants runs
only the mutants of those schemes that break a requirement the run checks,
and does not judge coverage.

--impl CMD runs the interactive suites instead: the implementation (a
program speaking the adapter protocol, conformance/adapter/PROTOCOL.md
§7) plays the wallets of --role (payer: wallet-A, payee: wallet-B,
wallet: every wallet; default all three, one after the other) in each
--scheme it declares, one process per device, against the reference
banks and wallets, under the same faults; power cuts kill and restart
its process on its state directory. What needs to reach inside a wallet
(a forged store) cannot be staged on the vendor's device and skips,
saying so.

--shard i/n runs the i-th of n deterministic parts of the run (by scheme ×
suite × property, weighted by measured cost so the parts finish together);
write each part with --json and merge them with "dualoffline merge" or
"dualoffline report --in a.json --in b.json …", which refuse parts of other
runs and missing or duplicated parts. It composes with --seeds (each part
sweeps its own properties); --mutants, --vectors, --impl and --reader are
refused with it.

--reader NAME runs the chip suites with the card in that PC/SC reader
(a build with -tags pcsc) or vpcd socket ("vpcd:HOST:PORT") as the
wallet of --role (default payer and payee); see "dualoffline card" and
the README's Hardware section.

Exit status: 0 every verdict as expected, 1 an unexpected verdict, a
surviving mutant or a coverage gap, 2 usage error, 3 a scheme could not be run.`,
		Example: `  dualoffline check
  dualoffline check --scheme chip --suite GM --checks 200
  dualoffline check --only R5.1 --seed 7 --json results.json
  dualoffline check --seeds 1..20
  dualoffline check --mutants
  dualoffline check --shard 2/4 --json shard-2.json
  dualoffline check --vectors --report report.html --junit junit.xml
  dualoffline check --impl ./my-wallet --scheme chip --role payer
  dualoffline check --impl "./vendor -device-mutant forget-spend-on-crash" --scheme chip
  dualoffline check --reader "Virtual PCD 00 00" --scheme chip --role payer --only R2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.seedSet = cmd.Flags().Changed("seed")
			return runCheck(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.schemes, "scheme", nil, "schemes to check (repeat or comma-separate): "+strings.Join(all.Names(), ", ")+"; default all")
	fl.StringVar(&f.suite, "suite", "all", "crypto suite: GM, INTL or all")
	fl.IntVar(&f.checks, "checks", conformance.DefaultChecks, "generated cases per property")
	fl.IntVar(&f.steps, "steps", conformance.DefaultSteps, "average actions per generated sequence")
	fl.Uint64Var(&f.seed, "seed", conformance.DefaultSeed, "base seed")
	fl.StringVar(&f.seeds, "seeds", "", "run once per seed of the range A..B and report every property whose verdict differs between seeds")
	fl.StringVar(&f.shard, "shard", "", "run only part i of n of the run (i/n) and say so in --json, for \"dualoffline merge\"")
	fl.StringSliceVar(&f.only, "only", nil, "run only these requirements, sub-properties or properties (R2, R2.3, R2.3-name)")
	fl.StringVar(&f.json, "json", "", "write the results as JSON to this file")
	fl.StringVar(&f.report, "report", "", "write a self-contained HTML report to this file")
	fl.StringVar(&f.junit, "junit", "", "write the results as JUnit XML to this file")
	fl.DurationVar(&f.timeout, "timeout", conformance.DefaultTimeout, "time limit per property")
	fl.DurationVar(&f.shrink, "shrink-time", conformance.DefaultShrinkTime, "time rapid may spend minimising each failure")
	fl.Int64Var(&f.threshold, "threshold", models.DefaultThreshold, "anonymity threshold T, fen (R3.6): payments of at most T are the anonymous ones; below the per-payment offline limit")
	fl.BoolVar(&f.mutants, "mutants", false, "also run the mutant catalogue and print the score per requirement")
	fl.BoolVar(&f.vectors, "vectors", false, "also run the published vectors through the reference verifier and put the results by flag in the report")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every property's verdict, not only the matrix")
	fl.BoolVar(&f.profile, "profile", false, "after the matrix, print wall time against the crypto floor (counted operations × unit costs measured in this process)")
	fl.StringVar(&f.cpuprof, "cpuprofile", "", "write a CPU profile of the property run (pprof format, for \"go tool pprof\") to this file")
	f.impl.register(fl)
	f.reader.register(fl)
	return cmd
}

// splitRoleTargets reads an interactive target name given as --scheme
// ("chip@payer", as replay lines print it) as the scheme and a --role.
func splitRoleTargets(f checkFlags) checkFlags {
	var schemes []string
	roles := slices.Clone(f.impl.roles)
	for _, name := range f.schemes {
		scheme, role, ok := interactive.Split(name)
		if ok && !slices.Contains(roles, string(role)) {
			roles = append(roles, string(role))
		}
		if !slices.Contains(schemes, scheme) {
			schemes = append(schemes, scheme)
		}
	}
	f.schemes, f.impl.roles = schemes, roles
	return f
}

// checkOptions validates the flags into conformance options and targets.
func checkOptions(f checkFlags) ([]models.Scheme, conformance.Options, error) {
	var targets []models.Scheme
	if len(f.schemes) == 0 && !f.interactive() {
		targets = all.Schemes()
	}
	for _, name := range f.schemes {
		if f.interactive() {
			break // the schemes the vendor's wallet plays: implTargets
		}
		s, ok := lookupTarget(name)
		if !ok {
			return nil, conformance.Options{}, usageErrorf("unknown scheme %q (have %s)", name, strings.Join(all.Names(), ", "))
		}
		targets = append(targets, s)
	}
	opts := conformance.Options{Checks: f.checks, Steps: f.steps, Seed: f.seed, Only: f.only, Timeout: f.timeout, ShrinkTime: f.shrink, Threshold: f.threshold}
	switch strings.ToUpper(f.suite) {
	case "ALL", "":
	default:
		s, err := suite.ByID(suite.ID(strings.ToUpper(f.suite)))
		if err != nil {
			return nil, opts, usageErrorf("unknown suite %q (GM, INTL or all)", f.suite)
		}
		opts.Suites = []suite.Suite{s}
	}
	if f.checks <= 0 || f.steps <= 0 {
		return nil, opts, usageErrorf("--checks and --steps must be positive")
	}
	if f.threshold <= 0 || f.threshold >= bank.DefaultLimits.PerPayment {
		return nil, opts, usageErrorf("--threshold %d: T must be positive and below the per-payment offline limit of %d fen, so that a payment of T+1 is allowed", f.threshold, bank.DefaultLimits.PerPayment)
	}
	if f.seeds != "" {
		if f.seedSet {
			return nil, opts, usageErrorf("--seed and --seeds: give one")
		}
		if f.interactive() {
			return nil, opts, usageErrorf("--seeds with --impl: sweep the seeds with one --seed run each (the interactive verdicts are judged against a reference run of the same seed)")
		}
		if _, err := conformance.ParseSeeds(f.seeds); err != nil {
			return nil, opts, usageErrorf("--seeds: %v", err)
		}
	}
	if f.shard != "" {
		sh, err := conformance.ParseShard(f.shard)
		if err != nil {
			return nil, opts, usageErrorf("--shard: %v", err)
		}
		if err := shardRefusals(f); err != nil {
			return nil, opts, err
		}
		opts.Shard = sh
	}
	return targets, opts, nil
}

// shardRefusals refuses the flags --shard does not compose with, saying why.
func shardRefusals(f checkFlags) error {
	switch {
	case f.mutants:
		return usageErrorf("--shard with --mutants: the mutant score and its coverage table judge each mutant against its base's and the control targets' results in one process; run --mutants in a job of its own (ci/README.md)")
	case f.impl.cmd != "":
		return usageErrorf("--shard with --impl: the interactive verdicts are judged against a reference run of the same process; run one --impl job per scheme instead")
	case len(f.reader.names) > 0:
		return usageErrorf("--shard with --reader: a card in a reader is one machine's hardware, and its verdicts are judged against a reference run of the same process; run the reader suite unsharded")
	case f.vectors:
		return usageErrorf("--shard with --vectors: the vectors are one cheap run, not a part of the property matrix; run \"dualoffline vectors\" in a job of its own")
	}
	return nil
}

func runCheck(ctx context.Context, stdout, stderr io.Writer, f checkFlags) error {
	if f.interactive() {
		f = splitRoleTargets(f)
	}
	targets, opts, err := checkOptions(f)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var impl interactiveRun
	switch {
	case len(f.reader.names) > 0:
		if impl, err = readerTargets(stdout, f, &opts); err != nil {
			return err
		}
	case f.impl.cmd != "":
		if impl, err = implTargets(stdout, f, &opts); err != nil {
			return err
		}
	}
	if impl != nil {
		defer impl.close(stdout)
		targets = impl.schemes()
	}
	before := measureBefore(f.profile, opts.Suites)
	stopCPU, err := startCPUProfile(f.cpuprof)
	if err != nil {
		return err
	}
	start := time.Now()
	seeds := []uint64{opts.Seed}
	if f.seeds != "" {
		seeds, _ = conformance.ParseSeeds(f.seeds) // checked by checkOptions
	}
	bar := newProgress(stderr, "properties", conformance.Total(opts, targets)*len(seeds))
	if bar != nil {
		opts.Progress = func(conformance.Result) { bar.Increment() }
	}
	var rs *conformance.Results
	if f.seeds != "" {
		rs, err = conformance.CheckSeeds(ctx, targets, opts, seeds)
	} else {
		rs, err = conformance.CheckAll(ctx, targets, opts)
	}
	bar.Done()
	if perr := stopCPU(); perr != nil && err == nil {
		return perr
	}
	if err != nil {
		return usageErrorf("%v", err)
	}
	if impl != nil {
		if err := impl.judge(ctx, rs, opts); err != nil {
			return err
		}
	}
	writeMatrix(stdout, rs, f.verbose)
	writeProfile(stdout, f.profile, rs, start, opts.Workers, before)
	unexpected := rs.Unexpected()
	gaps, err := checkMutants(ctx, stdout, stderr, rs, opts, f)
	if err != nil {
		return err
	}
	if f.json != "" {
		if err := writeJSONFile(f.json, rs); err != nil {
			return err
		}
	}
	ropts, vecBad, err := checkVectors(ctx, stdout, f)
	if err != nil {
		return err
	}
	if err := writeReports(rs, f.report, f.junit, "", ropts); err != nil {
		return err
	}
	counts := rs.Count()
	seedText := fmt.Sprintf("seed %d", opts.Seed)
	if f.seeds != "" {
		seedText = "seeds " + f.seeds
	}
	if opts.Shard.Count > 0 {
		seedText += ", shard " + opts.Shard.String()
	}
	fmt.Fprintf(stdout, "\n%d properties: %d pass, %d expected-fail, %d skip, %d fail, %d unexpected-pass, %d seed-dependent (%.1fs, %s, %d checks)\n",
		len(rs.Results), counts[conformance.Pass], counts[conformance.ExpectedFail], counts[conformance.Skip],
		counts[conformance.Fail], counts[conformance.UnexpectedPass], counts[conformance.SeedDependent], time.Since(start).Seconds(), seedText, f.checks)
	survivors := 0
	if rs.Mutants != nil {
		survivors = rs.Mutants.Total - rs.Mutants.Killed
	}
	if len(unexpected)+vecBad > 0 || survivors > 0 || gaps > 0 {
		return unexpectedError{n: len(unexpected) + vecBad, survivors: survivors, gaps: gaps}
	}
	return nil
}

// writeMatrix prints the verdict matrix and the detail of every
// unexpected result.
func writeMatrix(w io.Writer, rs *conformance.Results, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "scheme\tsuite")
	for _, r := range spec.Catalogue() {
		fmt.Fprintf(tw, "\t%s %s", r.ID, r.Name)
	}
	fmt.Fprintln(tw)
	type row struct{ target, suite string }
	var rows []row
	byRow := map[row]map[spec.ReqID]conformance.Cell{}
	for _, c := range rs.Matrix() {
		k := row{c.Target, c.Suite}
		if byRow[k] == nil {
			byRow[k] = map[spec.ReqID]conformance.Cell{}
			rows = append(rows, k)
		}
		byRow[k][c.Requirement] = c
	}
	for _, k := range rows {
		fmt.Fprintf(tw, "%s\t%s", k.target, k.suite)
		for _, r := range spec.Catalogue() {
			if c, ok := byRow[k][r.ID]; ok {
				fmt.Fprintf(tw, "\t%s", cellText(c))
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, r := range rs.Results {
		if verbose || r.Verdict.Unexpected() {
			writeResult(w, r)
		}
	}
}

func cellText(c conformance.Cell) string {
	n := len(c.Results)
	var text string
	switch c.Verdict {
	case conformance.Pass:
		text = fmt.Sprintf("pass %d/%d", c.Counts[conformance.Pass], n)
	case conformance.ExpectedFail:
		text = fmt.Sprintf("expected-fail %d/%d", c.Counts[conformance.ExpectedFail], n)
	case conformance.Skip:
		return fmt.Sprintf("skip %d/%d", n, n)
	case conformance.Fail:
		text = fmt.Sprintf("FAIL %d/%d", c.Counts[conformance.Fail], n)
	case conformance.SeedDependent:
		text = fmt.Sprintf("SEED-DEPENDENT %d/%d", c.Counts[conformance.SeedDependent], n)
	default:
		text = fmt.Sprintf("UNEXPECTED-PASS %d/%d", c.Counts[conformance.UnexpectedPass], n)
	}
	if k := c.Counts[conformance.Skip]; k > 0 {
		text += fmt.Sprintf(" (%d skip)", k)
	}
	return text
}

func writeResult(w io.Writer, r conformance.Result) {
	fmt.Fprintf(w, "\n%s %s/%s %s: %s (%d runs, %.0f ms)\n", strings.ToUpper(string(r.Verdict)), r.Target, r.Suite, r.Sub+"-"+spec.SubID(r.Property), r.Doc, r.Runs, r.DurationMS)
	if r.Reason != "" {
		fmt.Fprintf(w, "  reason: %s\n", r.Reason)
	}
	writeDocumented(w, r)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if cx := r.Counterexample; cx != nil && r.Verdict.Unexpected() {
		if cx.Plan != "" {
			fmt.Fprintf(w, "  fault plan: %s\n", cx.Plan)
		}
		for _, l := range cx.Log {
			fmt.Fprintf(w, "  | %s\n", l)
		}
		cx.WriteTrace(w, 30, "  ")
	}
	if r.Verdict != conformance.Pass && r.Verdict != conformance.Skip {
		fmt.Fprintf(w, "  replay: %s\n", r.Replay)
	}
}

// writeDocumented prints a documented property's documented cause and
// witness beside the cause the run observed.
func writeDocumented(w io.Writer, r conformance.Result) {
	d := r.Documented
	if d == nil {
		return
	}
	fmt.Fprintf(w, "  documented cause: %s\n  witness: %s\n", d.Reason, d.Witness.Match)
	if d.Observed != "" {
		fmt.Fprintf(w, "  observed cause: %s\n", indentLines(d.Observed))
	}
	fmt.Fprintf(w, "  so: %s\n", r.DocumentedStatus())
}

// indentLines indents the continuation lines of a multi-line message.
func indentLines(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func writeJSONFile(path string, rs *conformance.Results) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	if err := rs.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("--json: %w", err)
	}
	return f.Close()
}

// unexpectedError reports unexpected verdicts, surviving mutants and
// sub-properties without a control (exit status 1).
type unexpectedError struct{ n, survivors, gaps int }

func (e unexpectedError) Error() string {
	msg := fmt.Sprintf("%d unexpected verdicts, %d surviving mutants", e.n, e.survivors)
	if e.gaps > 0 {
		msg += fmt.Sprintf(", %d sub-properties without a killed mutant or a passing target", e.gaps)
	}
	return msg
}

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// controls returns the control targets and mutants the coverage table
// counts beside the reference models: targets built for the purpose of
// passing a sub-property no reference model meets (an ideal-anonymity
// target for R3.1–R3.3 and R3.6, package conformance/control) and its
// leaky mutants.
func controls() ([]models.Scheme, []models.Mutant) {
	return []models.Scheme{control.Ideal()}, control.Mutants()
}

// checkMutants runs the mutant catalogue when --mutants is set, prints
// the score per requirement, every survivor and the coverage per
// sub-property, and stores the score in rs. False alarms are the
// unexpected verdicts on the reference models of the same run. It
// returns the number of sub-properties with a coverage gap.
func checkMutants(ctx context.Context, w, stderr io.Writer, rs *conformance.Results, opts conformance.Options, f checkFlags) (int, error) {
	if !f.mutants {
		return 0, nil
	}
	ctlTargets, ctlMutants := controls()
	catalogue := append(all.Mutants(), ctlMutants...)
	narrowed := len(f.schemes) > 0 || len(f.only) > 0
	if narrowed {
		// --scheme and --only narrow the catalogue too: the mutants of those
		// schemes that break a requirement the run checks. The control is
		// not a scheme one can name, so it runs only in a whole catalogue.
		catalogue, ctlTargets = narrowMutants(all.Mutants(), f.schemes, f.only), nil
	}
	// CheckMutants reports no per-property progress: a spinner with the
	// elapsed time shows the phase is running.
	spin := newProgress(stderr, "mutants", 0)
	score, mutantResults, err := conformance.CheckMutants(ctx, catalogue, opts)
	var ctl *conformance.Results
	if err == nil && len(ctlTargets) > 0 {
		ctl, err = conformance.CheckAll(ctx, ctlTargets, opts)
	}
	spin.Done()
	if err != nil {
		return 0, err
	}
	score.Alarms = len(rs.Unexpected())
	score.Coverage = conformance.Coverage(coverageReferences(rs, mutantResults, ctl, score), score)
	rs.Mutants = score
	fmt.Fprintf(w, "\nmutants (suite %s, %d checks per property): %d of %d killed by the requirement they break (%.0f%%), %d false alarms on the reference models, %.1fs\n",
		score.Suite, score.Checks, score.Killed, score.Total, 100*score.Score, score.Alarms, score.DurationS)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range spec.Catalogue() {
		id := string(r.ID)
		fmt.Fprintf(tw, "  %s %s\t%d/%d\n", id, r.Name, score.ByReq[id], score.OfReq[id])
	}
	tw.Flush()
	for _, m := range score.Runs {
		mark := "killed by " + strings.Join(m.KilledBy, ", ")
		if !m.Killed {
			mark = "SURVIVED"
		}
		if f.verbose || !m.Killed {
			fmt.Fprintf(w, "  %-40s %s  %s: %s\n", m.Scheme, m.Breaks, mark, m.Doc)
		}
	}
	if narrowed {
		fmt.Fprintf(w, "\ncoverage per sub-property: not judged, --scheme or --only narrowed the catalogue\n")
		return 0, nil
	}
	return writeCoverage(w, score.Coverage), nil
}

// narrowMutants keeps the mutants of schemes (every one when empty) whose
// requirement is one that only selects (every one when empty).
func narrowMutants(ms []models.Mutant, schemes, only []string) []models.Mutant {
	var kept []models.Mutant
	for _, m := range ms {
		if len(schemes) > 0 && !slices.Contains(schemes, m.Base.Info().Name) {
			continue
		}
		if len(only) > 0 && !slices.ContainsFunc(only, func(id string) bool {
			req, _, _ := strings.Cut(id, ".") // R4, R4.6, R4.6-name
			return req == string(m.Breaks)
		}) {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// coverageReferences is what counts as "a target it passes on": the
// results of the run's reference models, of the mutants' bases and of
// the control targets, never a mutant's.
func coverageReferences(rs *conformance.Results, mutantResults []conformance.Result, ctl *conformance.Results, score *conformance.MutantScore) []conformance.Result {
	mutant := map[string]bool{}
	for _, m := range score.Runs {
		mutant[m.Scheme] = true
	}
	refs := append([]conformance.Result(nil), rs.Results...)
	for _, r := range mutantResults {
		if !mutant[r.Target] {
			refs = append(refs, r)
		}
	}
	if ctl != nil {
		refs = append(refs, ctl.Results...)
	}
	return refs
}

// writeCoverage prints the coverage per sub-property, then every gap, and
// returns the number of gaps.
func writeCoverage(w io.Writer, cov []conformance.SubCoverage) int {
	fmt.Fprintf(w, "\ncoverage per sub-property (mutants killed by a property of it; targets it passes on):\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range cov {
		killed, passes := strings.Join(c.Killed, ", "), strings.Join(c.PassesOn, ", ")
		if killed == "" {
			killed = "-"
		}
		if passes == "" {
			passes = "-"
		}
		mark := "ok"
		if c.Gap != "" {
			mark = "GAP: " + c.Gap
		}
		fmt.Fprintf(tw, "  %s\t%s\tkills %s\tpasses on %s\n", c.Sub, mark, killed, passes)
	}
	tw.Flush()
	gaps := conformance.CoverageGaps(cov)
	if len(gaps) > 0 {
		var ids []string
		for _, g := range gaps {
			ids = append(ids, string(g.Sub)+" ("+g.Gap+")")
		}
		fmt.Fprintf(w, "COVERAGE GAP: %d of %d sub-properties lack a killed mutant or a passing target: %s\n", len(gaps), len(cov), strings.Join(ids, "; "))
	}
	return len(gaps)
}

// lookupTarget finds a reference scheme, or a mutant by its full name
// ("chip~name"), so a surviving or killed mutant can be rerun alone.
func lookupTarget(name string) (models.Scheme, bool) {
	if s, ok := all.Lookup(name); ok {
		return s, true
	}
	for _, m := range all.Mutants() {
		if m.Scheme.Info().Name == name {
			return m.Scheme, true
		}
	}
	return nil, false
}

// checkVectors runs the published vectors through the reference verifier
// when --vectors is set, prints the totals and returns the report options
// showing them by flag, and the number of cases that mismatched or
// errored (each an unexpected verdict).
func checkVectors(ctx context.Context, w io.Writer, f checkFlags) (reports.Options, int, error) {
	if !f.vectors {
		return reports.Options{}, 0, nil
	}
	files, err := vectors.Files()
	if err != nil {
		return reports.Options{}, 0, fmt.Errorf("loading the vectors: %w", err)
	}
	rep, err := vectors.RunFiles(ctx, vectors.Reference(), files, vectors.Filter{})
	if err != nil {
		return reports.Options{}, 0, err
	}
	t := rep.Total
	fmt.Fprintf(w, "\nvectors (reference verifier, %s): %d cases: %d pass, %d mismatch, %d error, %d skip\n",
		vectorsVersion(files), t.Total(), t.Pass, t.Mismatch, t.Error, t.Skip)
	for _, c := range rep.Failures() {
		vc := vectorCase(c)
		fmt.Fprintf(w, "  %s %s: expected %s, got %s%s\n", strings.ToUpper(string(c.Status)), c.TcID, vc.Expected, vc.Got, c.Err)
	}
	return reports.Options{Vectors: vectorRuns("reference", files, rep), VectorsVersion: vectorsVersion(files)}, t.Mismatch + t.Error, nil
}
