package bank

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func TestEscrowTrace(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			w := world.New(1)
			cb, err := NewCentralBank(w, s)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Escrow(cb.TraceKey(), w.Rand("escrow"), "wallet-A")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Escrow(cb.TraceKey(), w.Rand("escrow"), "wallet-A")
			if bytes.Equal(a, b) {
				t.Fatal("two escrows of one identity are equal: payments would be linkable")
			}
			for _, env := range [][]byte{a, b} {
				if id, err := cb.Trace(env); err != nil || id != "wallet-A" {
					t.Fatalf("Trace = %q, %v", id, err)
				}
			}
			bad := bytes.Clone(a)
			bad[len(bad)-1] ^= 1
			if _, err := cb.Trace(bad); spec.CodeOf(err) != spec.CodeBadSeal {
				t.Fatalf("tampered envelope: %v", err)
			}
			other, _ := NewCentralBank(world.New(2), s)
			if _, err := other.Trace(a); spec.CodeOf(err) != spec.CodeBadSeal {
				t.Fatalf("another central bank opened the envelope: %v", err)
			}
			if _, err := Escrow(cb.TraceKey(), w.Rand("escrow"), ""); spec.CodeOf(err) != spec.CodeMalformed {
				t.Fatalf("empty identity: %v", err)
			}
		})
	}
}
