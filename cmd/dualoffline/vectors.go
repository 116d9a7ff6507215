package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/lint"
	"github.com/dualoffline/dualoffline/vectors/remote"
)

func vectorsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vectors",
		Short: "Run the published test vectors through an implementation",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(vectorsVerifyCmd(), vectorsGenerateCmd(), vectorsLintCmd())
	return cmd
}

func vectorsGenerateCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write every vector file into a directory, deterministically",
		Long: `generate regenerates the published vector files from the fixed seed into
--dir (created if needed), replacing files of the same name. The output is
the same byte for byte on every run, so regenerating into vectors/ must
leave a clean git tree.`,
		Example: `  dualoffline vectors generate --dir /tmp/v && diff -r /tmp/v vectors`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usageErrorf("--dir must not be empty")
			}
			if err := vectors.Generate(dir); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote the vector files into %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "directory to write the vector files into")
	return cmd
}

func vectorsLintCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "lint [--dir DIR]",
		Short: "Check vector files: schema, unique tcIds, flags and notes, hex, codes, requirements",
		Long: `lint checks the vector files (*_test.json) — by default the ones embedded in
this binary, with --dir the files in a directory, such as a vendor's copy
or a regenerated set — with the checks the vectors package's own tests run
(package vectors/lint): each file against the JSON Schema; its name, algorithm,
schema and generator version; numberOfTests; tcIds unique across the files
and prefixed <scheme>-<suite>-<kind>-; every test with a comment, flags
described in the file's notes (and every note used), a requirement id of
the catalogue, a canonical error code on an invalid case (not internal or
unimplemented) and none on the others; inputs and signature fields in
even-length lowercase hex; an SM2 signature with the default id.
Across the files: every check of spec/checks.json (the checks
spec/formats.md and spec/formats-schemes.md state) named by the flags of
some test, unless the list marks it unpinnable (with the reason no vector
can pin it; a marked check no test names); a lower-case flag must be a
check of that list, and an invalid case it flags must fail the reference
run without that check. Unpinnable checks are listed after a clean run.

Exit status: 0 clean, 1 problems found (each printed as file: tcId:
problem), 2 usage error (--dir missing or not a directory).`,
		Example: `  dualoffline vectors lint
  dualoffline vectors generate --dir /tmp/v && dualoffline vectors lint --dir /tmp/v`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fsys, where := vectors.FS, "the embedded vectors"
			if cmd.Flags().Changed("dir") {
				if dir == "" {
					return usageErrorf("--dir must not be empty")
				}
				st, err := os.Stat(dir)
				if err != nil {
					return usageErrorf("--dir: %v", err)
				}
				if !st.IsDir() {
					return usageErrorf("--dir: %s is not a directory", dir)
				}
				fsys, where = os.DirFS(dir), dir
			}
			return runVectorsLint(cmd.OutOrStdout(), fsys, where)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "lint the vector files in this directory instead of the embedded ones")
	return cmd
}

func runVectorsLint(w io.Writer, fsys fs.FS, where string) error {
	names, _ := fs.Glob(fsys, vectors.FilePattern)
	errs := lint.Lint(fsys)
	for _, e := range errs {
		fmt.Fprintln(w, e.Error())
	}
	if len(errs) > 0 {
		return vectorsFailed{fmt.Sprintf("%d lint problems in %s", len(errs), where)}
	}
	tests := 0
	if files, err := vectors.LoadFS(fsys); err == nil {
		for _, f := range files {
			tests += f.NumberOfTests
		}
	}
	fmt.Fprintf(w, "%s: %d files, %d tests, clean\n", where, len(names), tests)
	for _, c := range lint.UnpinnableChecks() {
		fmt.Fprintf(w, "unpinnable check %s (%s, %q): %s\n", c.ID, c.Doc, c.Section, c.Unpinnable)
	}
	return nil
}

type verifyFlags struct {
	impl               string
	config             string
	allowUnimplemented bool
	json               string
	report             string
	junit              string
	filter             vectors.Filter
	timeout            time.Duration
	maxLine            int
	stateDir           string
	crashEvery         int
	verbose            bool
}

func vectorsVerifyCmd() *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify --impl CMD",
		Short: "Run the static vectors through an implementation speaking the adapter protocol",
		Long: `verify starts the implementation named by --impl (a command line, split on
spaces with "double" or 'single' quotes; no shell), performs the
dualoffline-adapter/1 handshake (conformance/adapter/PROTOCOL.md) and sends
it every vector case whose scheme, suite and kind it declares. Each answer
is compared with the expected result and canonical error code.

A vendor config (--config) disables cases, each with a reason, and maps
vendor error names to canonical codes. Cases the implementation answers
"unimplemented" are skips that fail the run unless --allow-unimplemented;
disabled and undeclared cases are skips that do not. A case on which the
implementation times out, crashes or breaks the protocol is an error; the
implementation is restarted on its state directory, and given up after
repeated failures.

Exit status: 0 every case as expected, 1 a mismatch, an error or an
unexpected skip, 2 usage or config error, 3 the implementation is unusable
(it cannot start, fails the handshake or crashes repeatedly).`,
		Example: `  go build -o /tmp/vendor ./examples/vendor
  dualoffline vectors verify --impl /tmp/vendor
  dualoffline vectors verify --impl "/tmp/vendor -vendor-errors" --config examples/vendor/vendor.json
  dualoffline vectors verify --impl ./shim --kind coin --json vectors-report.json
  dualoffline vectors verify --impl /tmp/vendor --report vectors.html --junit vectors.xml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			// An interrupt ends the run cleanly: the implementation is
			// shut down and the partial report printed.
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runVectorsVerify(ctx, cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.impl, "impl", "", "the implementation's command line (required)")
	fl.StringVar(&f.config, "config", "", "vendor config file (JSON: disabled cases with reasons, error name map)")
	fl.BoolVar(&f.allowUnimplemented, "allow-unimplemented", false, "do not fail the run on cases the implementation answers \"unimplemented\"")
	fl.StringVar(&f.json, "json", "", "write the report as JSON to this file")
	fl.StringVar(&f.report, "report", "", "write a self-contained HTML report (results by flag, environment) to this file")
	fl.StringVar(&f.junit, "junit", "", "write the results as JUnit XML to this file (one testsuite per vector file)")
	fl.StringVar(&f.filter.Scheme, "scheme", "", "only cases of this scheme")
	fl.StringVar(&f.filter.Suite, "suite", "", "only cases of this suite")
	fl.StringVar(&f.filter.Kind, "kind", "", "only cases of this kind")
	fl.StringVar(&f.filter.Flag, "flag", "", "only cases carrying this flag")
	fl.StringSliceVar(&f.filter.IDs, "id", nil, "only these tcIds (repeat or comma-separate)")
	fl.DurationVar(&f.timeout, "timeout", adapter.DefaultCallTimeout, "time limit per call; on expiry the implementation is killed and restarted")
	fl.IntVar(&f.maxLine, "max-line", adapter.DefaultMaxLine, "longest answer line accepted, in bytes")
	fl.StringVar(&f.stateDir, "state-dir", "", "the implementation's state directory (default: a fresh temporary one)")
	fl.IntVar(&f.crashEvery, "crash-every", 0, "the crash fault: SIGKILL and restart the implementation on its state directory before every N-th case (0: never)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every case, the skips and the implementation's stderr")
	return cmd
}

// vectorsReport is what --json writes.
type vectorsReport struct {
	Implementation adapter.Hello   `json:"implementation"`
	Command        []string        `json:"command"`
	Config         string          `json:"config,omitempty"`
	Restarts       int             `json:"restarts"`
	Crashes        int             `json:"crashes,omitempty"` // deliberate kills (--crash-every)
	Skips          []skipRecord    `json:"skips,omitempty"`
	Stderr         string          `json:"stderr,omitempty"`
	Unusable       string          `json:"unusable,omitempty"`
	Report         *vectors.Report `json:"report"`
}

type skipRecord struct {
	TcID   string         `json:"tcId"`
	Why    remote.SkipWhy `json:"why"`
	Reason string         `json:"reason,omitempty"`
}

// recorder keeps the reason of every skip the adapter verifier returns.
type recorder struct {
	v     vectors.Verifier
	skips []skipRecord
}

func (r *recorder) VerifyVector(ctx context.Context, c vectors.Case) (vectors.Outcome, error) {
	o, err := r.v.VerifyVector(ctx, c)
	var se *remote.SkipError
	if errors.As(err, &se) {
		r.skips = append(r.skips, skipRecord{TcID: c.TcID, Why: se.Why, Reason: se.Reason})
	}
	return o, err
}

// CaseLog and TakeLateFailures pass on those of the adapter verifier.
func (r *recorder) CaseLog(tcID string) string {
	if l, ok := r.v.(vectors.CaseLogger); ok {
		return l.CaseLog(tcID)
	}
	return ""
}

func (r *recorder) TakeLateFailures() []vectors.LateFailure {
	if l, ok := r.v.(vectors.LateFailer); ok {
		return l.TakeLateFailures()
	}
	return nil
}

// vectorsFailed is an unexpected vectors result (exit status 1).
type vectorsFailed struct{ msg string }

func (e vectorsFailed) Error() string { return e.msg }
func (e vectorsFailed) Unwrap() error { return unexpectedError{n: 1} }

func runVectorsVerify(ctx context.Context, w io.Writer, f verifyFlags) error {
	if f.impl == "" {
		return usageErrorf("--impl is required: the command line of the implementation")
	}
	argv, err := splitCommand(f.impl)
	if err != nil {
		return usageErrorf("--impl: %v", err)
	}
	if len(argv) == 0 {
		return usageErrorf("--impl: empty command")
	}
	if f.timeout <= 0 || f.maxLine <= 0 {
		return usageErrorf("--timeout and --max-line must be positive")
	}
	var cfg *adapter.VendorConfig
	if f.config != "" {
		cfg, err = adapter.LoadConfig(f.config)
		if err != nil {
			return usageError{err}
		}
	}
	files, err := vectors.Files()
	if err != nil {
		return fmt.Errorf("loading the vectors: %w", err)
	}
	if err := checkDisabledExist(cfg, files); err != nil {
		return usageError{err}
	}

	p, err := adapter.Start(ctx, adapter.Config{
		Command: argv, StateDir: f.stateDir,
		CallTimeout: f.timeout, HelloTimeout: f.timeout, MaxLine: f.maxLine,
	})
	if err != nil {
		return fmt.Errorf("implementation unusable: %w", err)
	}
	defer p.Close()
	h := p.Hello()
	fmt.Fprintf(w, "implementation: %s %s (%s)\n  schemes %s; suites %s; kinds %s\n", h.Name, h.Version, h.Protocol,
		strings.Join(h.Schemes, ","), strings.Join(h.Suites, ","), strings.Join(h.Kinds, ","))

	av := remote.NewVerifier(p, cfg)
	av.CrashEvery = f.crashEvery
	rec := &recorder{v: av}
	started := time.Now()
	report, runErr := vectors.RunFiles(ctx, rec, files, f.filter)
	closeErr := av.Close() // a duplicate of the last answer is charged to its case
	report.Charge(av.TakeLateFailures())

	out := vectorsReport{Implementation: h, Command: argv, Config: f.config, Restarts: av.Restarts(), Crashes: av.Crashes(),
		Skips: rec.skips, Stderr: p.Stderr(), Report: report}
	if u := av.Unusable(); u != nil {
		out.Unusable = u.Error()
	}
	writeVectorsReport(w, &out, f)
	if f.json != "" {
		if err := writeJSON(f.json, &out); err != nil {
			return err
		}
	}
	if err := writeVectorsOutputs(f.report, f.junit, &out, files, started); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	if u := av.Unusable(); u != nil {
		return u // wraps remote.ErrUnusable: exit status 3
	}
	var problems []string
	t := report.Total
	if t.Mismatch > 0 || t.Error > 0 {
		problems = append(problems, fmt.Sprintf("%d mismatches, %d errors", t.Mismatch, t.Error))
	}
	if n := countSkips(rec.skips, remote.SkipUnimplemented); n > 0 && !f.allowUnimplemented {
		problems = append(problems, fmt.Sprintf("%d cases answered unimplemented (--allow-unimplemented to accept)", n))
	}
	if closeErr != nil {
		problems = append(problems, "at shutdown: "+closeErr.Error())
	}
	if t.Pass == 0 && len(problems) == 0 {
		problems = append(problems, "no case was verified")
	}
	if len(problems) > 0 {
		return vectorsFailed{strings.Join(problems, "; ")}
	}
	return nil
}

// checkDisabledExist refuses a config that disables a case no vector
// has: a stale suppression hides nothing and misleads the reader.
func checkDisabledExist(cfg *adapter.VendorConfig, files []*vectors.File) error {
	if cfg == nil {
		return nil
	}
	for _, d := range cfg.Disabled {
		found := false
		for _, f := range files {
			for _, t := range f.Tests() {
				if ok, _ := path.Match(d.TcID, t.TcID); ok || d.TcID == t.TcID {
					found = true
					break
				}
			}
		}
		if !found {
			return fmt.Errorf("vendor config: disabled case %q matches no vector", d.TcID)
		}
	}
	return nil
}

func countSkips(s []skipRecord, why remote.SkipWhy) int {
	n := 0
	for _, r := range s {
		if r.Why == why {
			n++
		}
	}
	return n
}

func writeVectorsReport(w io.Writer, r *vectorsReport, f verifyFlags) {
	rep := r.Report
	kinds := make([]string, 0, len(rep.PerKind))
	for k := range rep.PerKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nkind\tpass\tmismatch\terror\tskip")
	for _, k := range kinds {
		c := rep.PerKind[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", k, c.Pass, c.Mismatch, c.Error, c.Skip)
	}
	tw.Flush()
	for _, c := range rep.Cases {
		switch {
		case c.Status == vectors.StatusMismatch:
			fmt.Fprintf(w, "MISMATCH %s (%s, %s, flags %s): want %s, got %s\n", c.TcID, c.File, c.Requirement,
				strings.Join(c.Flags, ","), outcomeText(c.Expected, c.Acceptable), outcomeText(*c.Got, false))
			caseDetail(w, c)
		case c.Status == vectors.StatusError:
			fmt.Fprintf(w, "ERROR %s (%s): %s\n", c.TcID, c.File, c.Err)
			caseDetail(w, c)
		case f.verbose:
			fmt.Fprintf(w, "%s %s\n", c.Status, c.TcID)
		}
	}
	byWhy := map[remote.SkipWhy][]skipRecord{}
	for _, s := range r.Skips {
		byWhy[s.Why] = append(byWhy[s.Why], s)
	}
	for _, why := range []remote.SkipWhy{remote.SkipDisabled, remote.SkipUndeclared, remote.SkipUnimplemented} {
		list := byWhy[why]
		if len(list) == 0 {
			continue
		}
		fmt.Fprintf(w, "skipped %d cases: %s\n", len(list), why)
		if f.verbose || why == remote.SkipUnimplemented && !f.allowUnimplemented || why == remote.SkipDisabled {
			for i, s := range list {
				if i == 20 && !f.verbose {
					fmt.Fprintf(w, "  … %d more (-v lists all)\n", len(list)-i)
					break
				}
				fmt.Fprintf(w, "  %s: %s\n", s.TcID, s.Reason)
			}
		}
	}
	if r.Restarts > 0 {
		fmt.Fprintf(w, "implementation restarted %d times after failures\n", r.Restarts)
	}
	if r.Crashes > 0 {
		fmt.Fprintf(w, "implementation killed and restarted %d times (--crash-every)\n", r.Crashes)
	}
	if r.Unusable != "" {
		fmt.Fprintf(w, "UNUSABLE: %s\n", r.Unusable)
	}
	if r.Stderr != "" && (f.verbose || !rep.OK() || r.Unusable != "") {
		fmt.Fprintf(w, "implementation stderr (latest):\n%s\n", indent(tail(r.Stderr, 4096), "  | "))
	}
	t := rep.Total
	fmt.Fprintf(w, "\n%d cases: %d pass, %d mismatch, %d error, %d skip (%.2fs)\n",
		t.Total(), t.Pass, t.Mismatch, t.Error, t.Skip, rep.Duration.Seconds())
}

// caseDetail prints the vector's comment and what the implementation
// logged while it decided the case.
func caseDetail(w io.Writer, c vectors.CaseResult) {
	if c.Comment != "" {
		fmt.Fprintf(w, "  vector: %s\n", c.Comment)
	}
	if c.Log != "" {
		fmt.Fprintf(w, "  stderr of the implementation for this case:\n%s\n", indent(strings.TrimRight(c.Log, "\n"), "  | "))
	}
}

func outcomeText(o vectors.Outcome, acceptable bool) string {
	switch {
	case acceptable:
		return "acceptable (valid or any refusal)"
	case o.Valid:
		return "valid"
	default:
		return "invalid/" + o.Error
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func writeJSON(file string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	return nil
}

// splitCommand splits a command line on white space, honouring 'single'
// and "double" quotes and backslash escapes outside single quotes. No
// shell is involved: no variables, globs or pipes.
func splitCommand(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inArg = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if escaped {
		return nil, errors.New("trailing backslash")
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}
