package der

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
)

// members collects what Members yields: the members before the first
// error, and that error.
func members(list []byte, max int) ([][]byte, error) {
	var out [][]byte
	for el, err := range Members(list, max, "list") {
		if err != nil {
			return out, err
		}
		out = append(out, el)
	}
	return out, nil
}

// Members yields the members of a SEQUENCE OF whole elements of any tag,
// up to its cap, in order, and then, in their place, a malformed error
// for anything else: another tag, a member that is not DER, a member
// beyond the cap. A caller that stops early stops it.
func TestMembers(t *testing.T) {
	list := func(f func(b *Builder)) []byte { return Marshal(asn1.SEQUENCE, f) }
	three := list(func(b *Builder) {
		b.AddASN1OctetString([]byte("a"))
		b.AddASN1Int64(7)
		b.AddASN1(Application(24), func(b *Builder) { b.AddASN1OctetString([]byte("b")) })
	})
	want := [][]byte{{0x04, 0x01, 'a'}, {0x02, 0x01, 0x07}, {0x78, 0x03, 0x04, 0x01, 'b'}}
	for _, max := range []int{3, 4, -1} {
		got, err := members(three, max)
		if err != nil {
			t.Fatalf("cap %d: %v", max, err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("cap %d: members (-want +got):\n%s", max, d)
		}
	}
	if got, err := members(list(func(*Builder) {}), 0); err != nil || len(got) != 0 {
		t.Errorf("the empty list: %x, %v", got, err)
	}
	for name, c := range map[string]struct {
		b      []byte
		max    int
		before int // members yielded before the error
	}{
		"beyond the cap":      {three, 2, 2},
		"not a SEQUENCE":      {Marshal(asn1.SET, func(b *Builder) { b.AddASN1Int64(1) }), -1, 0},
		"a member not DER":    {[]byte{0x30, 0x05, 0x02, 0x01, 0x07, 0x04, 0x05}, -1, 1},
		"a truncated element": {three[:len(three)-1], -1, 0},
	} {
		got, err := members(c.b, c.max)
		if spec.CodeOf(err) != spec.CodeMalformed || len(got) != c.before {
			t.Errorf("%s: %x, %v; want %d members, then malformed", name, got, err, c.before)
		}
	}
	n := 0
	for range Members(three, -1, "list") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("a loop that breaks at the first member ran %d times", n)
	}
}
