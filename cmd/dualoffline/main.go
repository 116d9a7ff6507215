// Command dualoffline is the command line of the dualoffline conformance
// harness. It prints the requirement catalogue and the crypto suites; later
// commands run the requirement suites over the reference models
// ("check"), replay single runs ("simulate"), generate vectors and write
// reports.
//
// Exit status: 0 success, 1 unexpected verdicts, 2 usage or configuration
// error, 3 implementation unusable.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Exit codes.
const (
	exitOK         = 0
	exitUnexpected = 1
	exitUsage      = 2
	exitUnusable   = 3
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "dualoffline:", err)
	var ue usageError
	var unexpected unexpectedError
	if errors.As(err, &unexpected) {
		return exitUnexpected
	}
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitUnusable
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "dualoffline",
		Short:         "Conformance and fuzz-testing harness for dual-offline digital currency payments",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(catalogueCmd(), checkCmd(), simulateCmd(), vectorsCmd(), reportCmd(), versionCmd())
	root.AddCommand(mergeCmd())
	root.AddCommand(benchCmd())
	root.AddCommand(cardCmd())
	return root
}

func catalogueCmd() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "catalogue",
		Short: "Print the requirement catalogue (R1–R6 and their sub-properties)",
		Example: `  dualoffline catalogue
  dualoffline catalogue -v    # with statements, threat profiles and sources`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			writeCatalogue(cmd.OutOrStdout(), verbose)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print statements, threat profiles and sources")
	return cmd
}

func writeCatalogue(w io.Writer, verbose bool) {
	for _, r := range spec.Catalogue() {
		fmt.Fprintf(w, "%s %s — %s\n", r.ID, r.Name, r.Stated)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, s := range r.Subs {
			if s.Retired {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t[%s]\n", s.ID, s.Title, s.Threat)
		}
		tw.Flush()
		if verbose {
			for _, s := range r.Subs {
				fmt.Fprintf(w, "\n  %s %s\n    %s\n", s.ID, s.Title, wrap(s.Statement, 96, "    "))
				for _, src := range s.Sources {
					fmt.Fprintf(w, "    source: %s\n", src.Ref)
				}
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "crypto suites:")
	for _, s := range suite.All() {
		fmt.Fprintf(w, "  %-5s %s; seal %s\n", s.ID(), s.SignatureAlgorithm(), s.SealAlgorithm())
	}
}

func wrap(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(word) > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the module version and the Go version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			v, goV := "(devel)", "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				v, goV = bi.Main.Version, bi.GoVersion
			}
			fmt.Fprintf(cmd.OutOrStdout(), "dualoffline %s %s\n", v, goV)
		},
	}
}

// isCobraUsage reports whether cobra refused the command line itself
// (unknown command or flag, wrong argument count).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "invalid argument", "flag needs an argument", "requires at least", "requires at most"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
