package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/reports"
)

type mergeFlags struct {
	out, report, junit, costs string
	verbose                   bool
}

func mergeCmd() *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge [flags] shard.json...",
		Short: "Merge the results files of the shards of one run (check --shard i/n --json) into the whole run's",
		Long: `merge reads the results files that "check --shard i/n --json" wrote, one
per shard, and writes the results of the whole run: the same verdicts,
counterexamples and replay commands, in the same order, as one unsharded
run with the same seed and options, so the matrix, the HTML report
(--report) and the JUnit XML (--junit) are the unsharded run's. It prints
the matrix and, per shard, the estimated and measured time (the shards
should finish together; when they do not, --costs writes the measured
cost table, conformance/shard_costs.json, to commit).

It refuses parts of different harness versions, schemas, seeds or options
(the error names the field), a file that is not a shard, a missing or
duplicated shard, and a result present in two shards.

Exit status: 0 every verdict as expected, 1 an unexpected verdict (the
files are written), 2 a file is not a results file, or the parts do not
make one run.`,
		Example: `  dualoffline check --shard 1/2 --json shard-1.json
  dualoffline check --shard 2/2 --json shard-2.json
  dualoffline merge --out all.json --report report.html --junit junit.xml shard-1.json shard-2.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.OutOrStdout(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "write the merged results as JSON to this file")
	fl.StringVar(&f.report, "report", "", "write the HTML report to this file")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to this file")
	fl.StringVar(&f.costs, "costs", "", "write the measured cost per property (the form of conformance/shard_costs.json) to this file")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every property's verdict, not only the matrix")
	return cmd
}

func runMerge(stdout io.Writer, f mergeFlags, paths []string) error {
	parts, err := readResultsFiles("merge", paths)
	if err != nil {
		return err
	}
	rs, err := conformance.MergeShards(parts)
	if err != nil {
		return usageErrorf("merge: %v", mergeErrorText(err, paths))
	}
	writeMatrix(stdout, rs, f.verbose)
	writeBalance(stdout, conformance.Balance(parts))
	if err := writeReports(rs, f.report, f.junit, f.out, reports.Options{}); err != nil {
		return err
	}
	if f.costs != "" {
		if err := writeFile(f.costs, "--costs", func(w io.Writer) error {
			e := json.NewEncoder(w)
			e.SetIndent("", "  ")
			return e.Encode(conformance.MeasuredCosts(rs))
		}); err != nil {
			return err
		}
	}
	c := rs.Count()
	fmt.Fprintf(stdout, "\n%d properties from %d shards: %d pass, %d expected-fail, %d skip, %d fail, %d unexpected-pass, %d seed-dependent\n",
		len(rs.Results), len(parts), c[conformance.Pass], c[conformance.ExpectedFail], c[conformance.Skip],
		c[conformance.Fail], c[conformance.UnexpectedPass], c[conformance.SeedDependent])
	if n := len(rs.Unexpected()); n > 0 {
		return unexpectedError{n: n}
	}
	return nil
}

// writeBalance prints each shard's estimated and measured time.
func writeBalance(w io.Writer, bs []conformance.ShardBalance) {
	if len(bs) < 2 {
		return
	}
	fmt.Fprintf(w, "\nshards (estimated from the cost table; measured: the sum of the properties' wall times):\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var most, sum float64
	for _, b := range bs {
		fmt.Fprintf(tw, "  %s\t%d properties\test %.1fs\tmeasured %.1fs\n", b.Shard, b.Units, float64(b.EstimateMS)/1000, b.MeasuredMS/1000)
		most = max(most, b.MeasuredMS)
		sum += b.MeasuredMS
	}
	tw.Flush()
	if sum > 0 {
		fmt.Fprintf(w, "  slowest shard / mean: %.2f\n", most/(sum/float64(len(bs))))
	}
}
