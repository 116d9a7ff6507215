//go:build unix

package adapter

import (
	"testing"

	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
)

func TestMain(m *testing.M) { adaptertest.Main(m) }

// stubInput is the input of the cases the fake decides.
type stubInput = adaptertest.Input

// helperConfig returns a Config running the fake implementation in mode.
func helperConfig(t testing.TB, mode string) Config {
	argv, env := adaptertest.Command(mode)
	return Config{Command: argv, Env: env, StateDir: t.TempDir(),
		CallTimeout: adaptertest.CallTimeout, HelloTimeout: adaptertest.HelloTimeout, ExitWait: adaptertest.ExitWait}
}
