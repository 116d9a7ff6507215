package cert

import (
	"flag"
	"os"
	"testing"

	"github.com/dualoffline/dualoffline/internal/rapidflag"
)

// TestMain runs the rapid properties over 100 operation sequences (25
// under -short) unless -rapid.checks is given explicitly.
func TestMain(m *testing.M) {
	flag.Parse()
	rapidflag.Default(100)
	os.Exit(m.Run())
}
