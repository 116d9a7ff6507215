package vectors

import (
	"context"
	"testing"
)

// Every case of the generator, run through the reference verifier, must
// come out as the file says.
func TestReferenceBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the generator's cases through the reference; under -short TestRegenerateByteIdentical holds them byte-identical to the embedded files and TestReference runs those; the full suite runs this test")
	}
	files, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := RunFiles(context.Background(), Reference(), files, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Failures() {
		t.Errorf("%s: %s: expected %+v, got %+v %s", c.TcID, c.Status, c.Expected, c.Got, c.Err)
	}
	t.Logf("%d cases: %+v", r.Total.Total(), r.Total)
}
