//go:build unix

package remote

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
	"github.com/dualoffline/dualoffline/vectors"
)

func TestMain(m *testing.M) { adaptertest.Main(m) }

// stubInput is the input of the cases the fake implementation decides.
type stubInput = adaptertest.Input

// helperConfig returns a Config running the fake implementation in mode.
func helperConfig(t testing.TB, mode string) adapter.Config {
	argv, env := adaptertest.Command(mode)
	return adapter.Config{Command: argv, Env: env, StateDir: t.TempDir(),
		CallTimeout: adaptertest.CallTimeout, HelloTimeout: adaptertest.HelloTimeout, ExitWait: adaptertest.ExitWait}
}

func start(t testing.TB, cfg adapter.Config) *adapter.Process {
	t.Helper()
	p, err := adapter.Start(context.Background(), cfg)
	if err != nil {
		var stderr string
		if p != nil {
			stderr = p.Stderr()
		}
		t.Fatalf("Start: %v\nstderr: %s", err, stderr)
	}
	return p
}

func stubCase(id string, in stubInput) vectors.Case {
	b, _ := json.Marshal(in)
	return vectors.Case{Scheme: "chip", Suite: "GM", Kind: "coin", TcID: id, Input: b}
}

func wantKind(t *testing.T, err error, k adapter.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", k)
	}
	if !errors.Is(err, &adapter.ProtocolError{Kind: k}) {
		t.Fatalf("error %v (kind %q), want kind %s", err, adapter.KindOf(err), k)
	}
}
