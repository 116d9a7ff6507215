package world

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A crash-end fault cuts the write a device makes finishing a session,
// and only that device's; without it the write lands.
func TestFinishCrashEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		plan    Plan
		crashed bool
	}{
		{"no fault", nil, false},
		{"other device", Plan{{Kind: FaultCrashEnd, Party: "b"}}, false},
		{"write 0", Plan{{Kind: FaultCrashEnd, Party: "a"}}, true},
		{"past the last write", Plan{{Kind: FaultCrashEnd, Arg: 1, Party: "a"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := New(1)
			d := w.AddDevice("a", false)
			w.AddDevice("b", false)
			crashed, err := w.Finish(tc.plan, "a", func() error { d.Put("k", []byte{1}); return nil })
			if err != nil || crashed != tc.crashed {
				t.Fatalf("Finish = %v, %v; want crashed %v", crashed, err, tc.crashed)
			}
			_, has := d.Get("k")
			if has == tc.crashed {
				t.Errorf("after crashed=%v the store holds the deferred write: %v", crashed, has)
			}
			d.Put("later", nil) // disarmed: a later write lands
		})
	}
	if d := cmp.Diff([]Fault{{Kind: FaultCrashEnd, Party: "a"}, {Kind: FaultCrashEnd, Arg: 1, Party: "a"}, {Kind: FaultCrashEnd, Party: "b"}, {Kind: FaultCrashEnd, Arg: 1, Party: "b"}},
		EndPoints([]PartyID{"a", "b"}, 2)); d != "" {
		t.Errorf("EndPoints (-want +got):\n%s", d)
	}
}
