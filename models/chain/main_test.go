package chain

import (
	"flag"
	"os"
	"testing"
)

// TestMain runs the rapid properties over 200 operation sequences (50
// under -short) unless -rapid.checks is given explicitly. rapid itself
// divides -rapid.checks by 5 under -short, hence 250 there.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		n := "200"
		if testing.Short() {
			n = "250"
		}
		flag.Set("rapid.checks", n)
	}
	os.Exit(m.Run())
}
