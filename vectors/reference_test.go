package vectors

import (
	"context"
	"testing"
)

// Every case of the generator, run through the reference verifier, must
// come out as the file says.
func TestReferenceBuilt(t *testing.T) {
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
