package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/reports"
)

type reportFlags struct {
	in                       []string
	out, junit, json, gotest string
}

func reportCmd() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Rebuild the HTML report (and JUnit XML) from saved JSON results",
		Long: `report reads results written by "check --json" and writes the same
self-contained HTML report that "check --report" writes for them: the
verdict matrix, each cell's properties, seeds and replay commands, the
counterexamples as message sequence diagrams, the anonymity games, the
mutant score and the environment of the run. --junit also writes JUnit
XML; --gotest adds the results of a "go test -json" stream. Several --in
files are the shards of one run ("check --shard i/n --json"): they are
merged first, as "dualoffline merge" does, and refused when they come
from different versions, seeds or options or a shard is missing or given
twice.

Exit status: 0 written, 2 the input is not a results file or a flag is
wrong.`,
		Example: `  dualoffline check --json results.json
  dualoffline report --in results.json --out report.html --junit junit.xml
  dualoffline report --in shard-1.json --in shard-2.json --out report.html --junit junit.xml
  go test -json ./conformance/... > test.json; dualoffline report --in results.json --gotest test.json --out report.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.in, "in", nil, "results JSON written by check --json (required; repeat for the shards of one run)")
	fl.StringVar(&f.out, "out", "", "write the HTML report to this file")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to this file")
	fl.StringVar(&f.json, "json", "", "write the results again as JSON to this file")
	fl.StringVar(&f.gotest, "gotest", "", "a go test -json stream to include in the report")
	return cmd
}

func runReport(stdout io.Writer, f reportFlags) error {
	if len(f.in) == 0 {
		return usageErrorf("report: --in results.json is required")
	}
	if f.out == "" && f.junit == "" && f.json == "" {
		return usageErrorf("report: nothing to write; give --out, --junit or --json")
	}
	parts, err := readResultsFiles("report", f.in)
	if err != nil {
		return err
	}
	rs, err := conformance.MergeShards(parts)
	if err != nil {
		return usageErrorf("report: %v", mergeErrorText(err, f.in))
	}
	opts := reports.Options{}
	if f.gotest != "" {
		g, err := readGoTest(f.gotest)
		if err != nil {
			return usageErrorf("report: --gotest: %v", err)
		}
		opts.GoTest = g
	}
	if err := writeReports(rs, f.out, f.junit, f.json, opts); err != nil {
		return err
	}
	for _, p := range []string{f.out, f.junit, f.json} {
		if p != "" {
			fmt.Fprintln(stdout, "wrote", p)
		}
	}
	return nil
}

// readResultsFiles reads results files written by check --json; a file
// that is not one is a usage error naming it (cmd names the command).
func readResultsFiles(cmd string, paths []string) ([]*conformance.Results, error) {
	var parts []*conformance.Results
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, usageErrorf("%s: %v", cmd, err)
		}
		rs, err := conformance.ReadResults(bytes.NewReader(data))
		if err != nil {
			return nil, usageErrorf("%s: %s is not a dualoffline results file: %v", cmd, p, err)
		}
		parts = append(parts, rs)
	}
	return parts, nil
}

// mergeErrorText names the file of a MergeError's part.
func mergeErrorText(err error, paths []string) string {
	var me *conformance.MergeError
	if errors.As(err, &me) && me.Part >= 0 && me.Part < len(paths) {
		return fmt.Sprintf("%s: %v", paths[me.Part], err)
	}
	return err.Error()
}

func readGoTest(path string) (*reports.GoTestRun, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return reports.ReadGoTest(file)
}

// writeReports writes the HTML report, JUnit XML and JSON of rs to the
// files named (an empty name skips that form). check and report share it,
// so both write the same bytes for the same results.
func writeReports(rs *conformance.Results, htmlPath, junitPath, jsonPath string, opts reports.Options) error {
	if htmlPath != "" {
		if err := writeFile(htmlPath, "--report", func(w io.Writer) error { return reports.WriteHTML(w, rs, opts) }); err != nil {
			return err
		}
	}
	if junitPath != "" {
		if err := writeFile(junitPath, "--junit", func(w io.Writer) error { return reports.WriteJUnit(w, rs) }); err != nil {
			return err
		}
	}
	if jsonPath != "" {
		if err := writeFile(jsonPath, "--json", rs.WriteJSON); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes a file through a buffer, so a failed render leaves no
// half-written file.
func writeFile(path, flag string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return usageErrorf("%s: %v", flag, err)
		}
		return fmt.Errorf("%s: %w", flag, err)
	}
	return nil
}
