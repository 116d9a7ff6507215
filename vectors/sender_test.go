package vectors_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/vectors"
)

// A valid InitiatePay case is passed only with the TRANSFER the card
// sends, verified as the payee terminal would: the reference's passes; a
// bare "valid", a TRANSFER altered after signing, and one spending a coin
// the card was not given are mismatches.
func TestSenderOutputVerified(t *testing.T) {
	ref := vectors.Reference()
	for _, id := range []string{"chip-GM-apdu-pay-eight-coins", "chip-INTL-apdu-pay-eight-coins"} {
		var c vectors.Case
		for _, f := range load(t) {
			for _, tc := range f.Tests() {
				if tc.TcID == id {
					c = f.Case(tc)
				}
			}
		}
		if c.TcID == "" {
			t.Fatalf("no case %s", id)
		}
		o, err := ref.VerifyVector(context.Background(), c)
		if err != nil || !o.Valid || o.Output == "" {
			t.Fatalf("%s: reference %+v, %v", id, o, err)
		}
		if err := vectors.CheckOutput(c, o); err != nil {
			t.Errorf("%s: the reference's own TRANSFER: %v", id, err)
		}
		out, _ := hex.DecodeString(o.Output)
		flipped := append([]byte(nil), out...)
		flipped[len(flipped)-10] ^= 0x01 // inside the last record's signature
		var in map[string]any
		if err := json.Unmarshal(c.Input, &in); err != nil {
			t.Fatal(err)
		}
		in["holdings"] = in["holdings"].([]any)[1:]
		fewer := c
		fewer.Input, _ = json.Marshal(in)
		for _, bad := range []struct {
			name string
			c    vectors.Case
			o    vectors.Outcome
			want string
		}{
			{"bare valid", c, vectors.Outcome{Valid: true}, "without the output"},
			{"not hex", c, vectors.Outcome{Valid: true, Output: "zz"}, "not lowercase hex"},
			{"altered", c, vectors.Outcome{Valid: true, Output: hex.EncodeToString(flipped)}, "terminal refuses"},
			{"coin not held", fewer, o, "does not hold"},
		} {
			err := vectors.CheckOutput(bad.c, bad.o)
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%s, %s: %v, want an error saying %q", id, bad.name, err, bad.want)
			}
		}
		v := scripted(func(vectors.Case) (vectors.Outcome, error) { return vectors.Outcome{Valid: true}, nil })
		r, err := vectors.Run(context.Background(), v, vectors.Filter{IDs: []string{id}})
		if err != nil || len(r.Cases) != 1 || r.Cases[0].Status != vectors.StatusMismatch {
			t.Errorf("%s: a bare valid through Run: %+v, %v", id, r.Cases, err)
		}
	}
}
