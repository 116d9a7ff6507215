package chain

import (
	"crypto/sha256"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec"
)

// TestValidateKnownBytes: the bytes of a block already validated are
// answered with that block without parsing it again, its parent still
// checked; other bytes (one bit flipped) are parsed and refused, and
// nothing is answered from the index while a check is switched off.
func TestValidateKnownBytes(t *testing.T) {
	in := newInstance(t, 1)
	modeltest.MustFund(t, in, "wallet-A", 700)
	bi := in.bb.blocks[in.bb.nodes[0].best]
	if bi == nil || in.bb.byRaw == nil {
		t.Fatal("funding validated no block")
	}
	known := func(BlockID) bool { return true }
	got, err := in.bb.validate(append([]byte(nil), bi.raw...), known)
	if err != nil || got != bi {
		t.Fatalf("the same bytes: %v, same block %v", err, got == bi)
	}
	if _, err := in.bb.validate(bi.raw, func(BlockID) bool { return false }); err == nil {
		t.Error("a known block whose parent the node lacks was accepted")
	}
	bad := append([]byte(nil), bi.raw...)
	bad[len(bad)-3] ^= 1 // inside the proposer's signature
	if got, err := in.bb.validate(bad, known); err == nil && got == bi {
		t.Error("other bytes were answered with the known block")
	}
	// The index is what answers: bytes that cannot parse, indexed as a
	// validated block, are answered with it while every check is on, and
	// parsed (and refused) while one is switched off.
	junk := []byte("no block parses from these bytes")
	planted := *bi
	planted.raw = junk
	in.bb.byRaw[sha256.Sum256(junk)] = &planted
	if got, err := in.bb.validate(junk, known); err != nil || got != &planted {
		t.Errorf("indexed bytes: %v, answered from the index %v: the known-block shortcut was not taken", err, got == &planted)
	}
	spec.Without([]string{"der-trailing"}, func() {
		if got, err := in.bb.validate(junk, known); err == nil || got == &planted {
			t.Errorf("with a check switched off the index answered (%v): a block validated under every check must be parsed again", err)
		}
	})
}
