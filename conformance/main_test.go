package conformance_test

import (
	"flag"
	"os"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/internal/rapidflag"
)

// TestMain runs the properties at goTestChecks cases each (under -short
// a fifth of the default depth) unless -rapid.checks says otherwise, and
// caps rapid's shrinking so an expected failure does not eat the budget. It
// also stops rapid writing fail files under testdata/rapid: a documented
// violation fails inside rapid on every run, and every failure prints the
// harness's own replay command (by seed), so the files were only litter.
func TestMain(m *testing.M) {
	flag.Parse()
	checks := goTestChecks
	if testing.Short() {
		// A fifth of the default depth, as -short always ran (7 cases).
		checks = conformance.DefaultChecks
	}
	rapidflag.Default(checks)
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

// goTestChecks is the depth of TestReference: a third of the default
// (conformance.DefaultChecks), the depth TestMutants scores at, at which
// every documented violation of the matrix already shows. The default
// depth, at which TestReference costs three quarters more CPU, runs in
// .ci/run (`dualoffline check --seeds 1..3` and `check --mutants`) and
// with -rapid.checks 30.
const goTestChecks = 10

func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
