//go:build unix

package adapter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/device"
)

// TestDeviceSchemaBothWays: a device's result that does not match the
// devices schema breaks the protocol (models.ErrBroken); params the
// harness would send that do not match are its own error and are never
// sent; matching calls go through.
func TestDeviceSchemaBothWays(t *testing.T) {
	adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
		cfg := helperConfig(t, "good")
		d := &Devices{Config: cfg}
		l, err := d.start("wallet-a", nil)
		if err != nil {
			t.Fatal(err)
		}
		pid := l.p.Pid()
		var end struct {
			Received bool `json:"received"`
		}
		if err := l.Call(chip.OpEndSession, struct{}{}, &end); err != nil || !end.Received {
			t.Errorf("a matching call: %+v, %v", end, err)
		}
		err = l.Call(chip.OpState, struct{}{}, &chip.WireState{})
		if !errors.Is(err, models.ErrBroken) || !strings.Contains(err.Error(), "devices schema") {
			t.Errorf("a result of the wrong shape: %v", err)
		}
		// Params with a member the operation does not have, or missing
		// one, are refused before they are sent.
		for _, params := range []any{
			map[string]any{"key": "k", "accepted": true, "extra": 1},
			map[string]any{"key": "k"},
			map[string]any{"key": 5, "accepted": true},
		} {
			err = l.Call(chip.OpFinishDeposit, params, nil)
			if err == nil || errors.Is(err, models.ErrBroken) || !strings.Contains(err.Error(), "the harness sent") {
				t.Errorf("params %v: %v", params, err)
			}
		}
		if err := l.Call(chip.OpFinishDeposit, device.FinishDepositParams{Key: "k", Accepted: true}, nil); err != nil {
			t.Errorf("matching params: %v", err)
		}
		if err := l.Call("chip.no-such-op", struct{}{}, nil); err == nil || !strings.Contains(err.Error(), "no operation") {
			t.Errorf("an operation the schema does not know: %v", err)
		}
		_ = l.Close()
		return []int{pid}
	})
}
