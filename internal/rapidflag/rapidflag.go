// Package rapidflag sets how many cases the rapid properties of a test
// binary run, unless -rapid.checks was given on the command line.
package rapidflag

import (
	"flag"
	"strconv"
	"testing"
)

// Default makes rapid run n sequences per property, and n/4 under -short
// (rapid itself divides -rapid.checks by 5 under -short, so it is asked
// for 5·n/4). Call it from TestMain after flag.Parse.
func Default(n int) {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if set {
		return
	}
	if testing.Short() {
		n = 5 * n / 4
	}
	flag.Set("rapid.checks", strconv.Itoa(n))
}
