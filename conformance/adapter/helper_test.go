//go:build unix

package adapter

import (
	"os"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
)

func TestMain(m *testing.M) {
	adaptertest.Main()
	os.Exit(m.Run())
}

// stubInput is the input of the cases the fake decides.
type stubInput = adaptertest.Input

// helperConfig returns a Config running the fake implementation in mode.
func helperConfig(t testing.TB, mode string) Config {
	t.Helper()
	argv, env := adaptertest.Command(mode)
	return Config{
		Command:      argv,
		Env:          env,
		StateDir:     t.TempDir(),
		CallTimeout:  2 * time.Second,
		HelloTimeout: 5 * time.Second,
		ExitWait:     time.Second,
	}
}
