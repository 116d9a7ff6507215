package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/internal/recbench"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Goals of the reconcile benchmark (issue "Performance and scale").
const (
	goalRatio        = 0.90 // of raw parallel signature verification
	goalBytesPerCoin = 48
	goalLookups      = 5e6 // per second
)

func benchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the harness at scale",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(benchReconcileCmd())
	return cmd
}

func benchReconcileCmd() *cobra.Command {
	var cfg recbench.Config
	var suiteName string
	cmd := &cobra.Command{
		Use:   "reconcile",
		Short: "Generate and reconcile offline payment records; report throughput, memory and the double-spend index",
		Long: `reconcile generates --records offline payment records (holdings and signed
transfer records in the published formats, deterministically from --seed,
on every core), with a fraction --double-spend of double spends injected,
and reconciles them as the central bank does: every signature verified in
parallel, every double spend flagged through a compact index. It reports
records per second, the machine's raw parallel signature-verification
throughput measured in the same process and the ratio between the two
(goal ≥ 90%), peak memory, the index's bytes per coin (goal ≤ 48) and its
lookups per second on one core (goal ≥ 5 million).

Exit status: 0 every injected double spend found and nothing else flagged,
1 otherwise, 2 usage error.`,
		Example: `  dualoffline bench reconcile
  dualoffline bench reconcile --records 100000 --suite INTL --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := suite.ByID(suite.ID(strings.ToUpper(suiteName)))
			if err != nil {
				return usageErrorf("unknown suite %q (GM or INTL)", suiteName)
			}
			if cfg.Records <= 0 || cfg.DoubleSpendRate < 0 || cfg.DoubleSpendRate >= 1 {
				return usageErrorf("--records must be positive and --double-spend in [0, 1)")
			}
			cfg.Suite = s
			rep, err := recbench.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			writeBenchReport(cmd.OutOrStdout(), rep)
			if !rep.OK() {
				return unexpectedError{n: rep.Missed + rep.FalseFlags + rep.Invalid + rep.Orphans}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&cfg.Records, "records", recbench.DefaultRecords, "records to generate and reconcile, double spends included")
	fl.Uint64Var(&cfg.Seed, "seed", 1, "seed of every random choice")
	fl.StringVar(&suiteName, "suite", string(suite.GM), "crypto suite: GM or INTL")
	fl.Float64Var(&cfg.DoubleSpendRate, "double-spend", recbench.DefaultDoubleSpendRate, "fraction of records that are injected double spends")
	return cmd
}

func writeBenchReport(w io.Writer, r *recbench.Report) {
	mark := func(ok bool) string {
		if ok {
			return "goal met"
		}
		return "GOAL NOT MET"
	}
	fmt.Fprintf(w, "reconcile: %d records of %d coins, suite %s, %d workers (GOMAXPROCS %d)\n", r.Records, r.Coins, r.Suite, r.Workers, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "  double spends: %d injected, %d found, %d missed, %d false; %d invalid uploads, %d orphan spends\n",
		r.Injected, r.Found, r.Missed, r.FalseFlags, r.Invalid, r.Orphans)
	if r.FirstReason != "" {
		fmt.Fprintf(w, "  first invalid upload: %s\n", r.FirstReason)
	}
	fmt.Fprintf(w, "  time: setup %.1fs, generate %.1fs, reconcile %.1fs, total %.1fs\n",
		r.Setup.Seconds(), r.Generate.Seconds(), r.Reconcile.Seconds(), r.Total.Seconds())
	fmt.Fprintf(w, "  throughput: %.0f records/s, %.0f signature verifications/s (%d verifications)\n", r.RecordsPerSec, r.VerifiesPerSec, r.Verifies)
	fmt.Fprintf(w, "  raw parallel verification: %.0f/s; ratio %.1f%% (goal ≥ %.0f%%: %s)\n", r.RawVerifyPerSec, 100*r.Ratio, 100*goalRatio, mark(r.Ratio >= goalRatio))
	if r.CPURatio > 0 {
		fmt.Fprintf(w, "  in process CPU time: %.1f µs per verification reconciling, %.1f µs raw; ratio %.1f%%\n",
			float64(r.ReconcileCPU.Nanoseconds())/1e3/float64(max(1, r.Verifies)), float64(r.RawCPUPerVerify.Nanoseconds())/1e3, 100*r.CPURatio)
	}
	fmt.Fprintf(w, "  double-spend index: %d coins, %.1f MB, %.1f B/coin (goal ≤ %d: %s); %.1f M lookups/s on one core (goal ≥ %.0f M: %s)\n",
		r.IndexCoins, float64(r.IndexBytes)/1e6, r.BytesPerCoin, goalBytesPerCoin, mark(r.BytesPerCoin <= goalBytesPerCoin),
		r.LookupsPerSec/1e6, goalLookups/1e6, mark(r.LookupsPerSec >= goalLookups))
	fmt.Fprintf(w, "  peak memory: heap %.0f MB, Go runtime total %.0f MB\n", float64(r.PeakHeapBytes)/1e6, float64(r.PeakTotalBytes)/1e6)
}
