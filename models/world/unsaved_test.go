package world

import "testing"

// An external snapshot without state is Unsaved; a saved one and a model
// device's are not.
func TestSnapshotUnsaved(t *testing.T) {
	w := New(1)
	d := w.AddDevice("wallet-A", false)
	d.Put("k", []byte("v"))
	for _, tc := range []struct {
		name string
		s    Snapshot
		want bool
	}{
		{"model device", d.Snapshot(), false},
		{"external, saved", ExternalSnapshot("wallet-A", []byte("{}")), false},
		{"external, not saved", ExternalSnapshot("wallet-A", nil), true},
	} {
		if got := tc.s.Unsaved(); got != tc.want {
			t.Errorf("%s: Unsaved() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
