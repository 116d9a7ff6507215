package conformance_test

import (
	"flag"
	"os"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/internal/rapidflag"
)

// TestMain runs the properties at conformance.DefaultChecks cases each
// (a fifth under -short) unless -rapid.checks says otherwise, and caps
// rapid's shrinking so an expected failure does not eat the budget. It
// also stops rapid writing fail files under testdata/rapid: a documented
// violation fails inside rapid on every run, and every failure prints the
// harness's own replay command (by seed), so the files were only litter.
func TestMain(m *testing.M) {
	flag.Parse()
	rapidflag.Default(conformance.DefaultChecks)
	if !isSet("rapid.steps") {
		flag.Set("rapid.steps", "12")
	}
	if !isSet("rapid.shrinktime") {
		flag.Set("rapid.shrinktime", conformance.DefaultShrinkTime.String())
	}
	if !isSet("rapid.nofailfile") {
		flag.Set("rapid.nofailfile", "true")
	}
	os.Exit(m.Run())
}

func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
