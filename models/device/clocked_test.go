package device_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// DeliverAt sets the clock to the reading before the message is handled
// (the handler sees it), and answers as Deliver does: the handler's
// messages without From, its refusal inside the result.
func TestDeliverAt(t *testing.T) {
	k := device.NewKit("wallet", "element", false)
	var clock time.Time
	var seen []string
	handle := func(m world.Message) ([]world.Message, error) {
		seen = append(seen, clock.UTC().Format(time.RFC3339)+" "+string(m.From)+"→"+string(m.To)+" "+m.Type)
		if m.Type == "BAD" {
			return nil, spec.Errorf(spec.CodeMalformed, "bad")
		}
		return []world.Message{{From: "wallet", To: "till", Type: "OK", Payload: m.Payload}}, nil
	}
	deliver := k.DeliverAt(func(t time.Time) { clock = t }, handle)
	got, err := deliver(device.DeliverAtParams{Message: device.Message{From: "till", Type: "HELLO", Payload: models.Hex{1}}, Now: 86400})
	if err != nil {
		t.Fatal(err)
	}
	want := device.DeliverResult{Messages: []device.Message{{To: "till", Type: "OK", Payload: models.Hex{1}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
	got, err = deliver(device.DeliverAtParams{Message: device.Message{From: "till", Type: "BAD"}, Now: 2 * 86400})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := got.(device.DeliverResult)
	if r.Refused == nil || r.Refused.Code != string(spec.CodeMalformed) {
		t.Errorf("refusal: %+v, want one of code malformed", got)
	}
	wantSeen := []string{"1970-01-02T00:00:00Z till→wallet HELLO", "1970-01-03T00:00:00Z till→wallet BAD"}
	if d := cmp.Diff(wantSeen, seen); d != "" {
		t.Errorf("what the handler saw (-want +got):\n%s", d)
	}
}
