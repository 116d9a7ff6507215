package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
)

// TestMain runs the rapid properties over 100 operation sequences (25
// under -short) unless -rapid.checks is given explicitly.
func TestMain(m *testing.M) { modeltest.Main(m) }
