package chain

import (
	"flag"
	"os"
	"testing"

	"github.com/dualoffline/dualoffline/internal/rapidflag"
)

// TestMain runs the rapid properties over 200 operation sequences (50
// under -short) unless -rapid.checks is given explicitly.
func TestMain(m *testing.M) {
	flag.Parse()
	rapidflag.Default(200)
	os.Exit(m.Run())
}
