package kit_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestLoadFollowsStore: what Load hands out after each kind of change is
// what a Load from the store alone gives (the oracle, a fresh Core),
// byte for byte, for the holdings, the earlier holders' certificates and
// the agents' certificates: a holding rewritten with other bytes, one
// deleted, a certificate added, rewritten under its own id with other
// bytes, stored under another id (the layout Load cannot follow by the
// change log: read whole) and deleted, an agent certificate added and
// deleted, a rollback to a snapshot (the log cannot tell: read whole),
// and the element changing the maps it was handed (adding a certificate
// it holds in RAM only, which Load drops, or one it then stores, which
// costs no copy; clearing them).
func TestLoadFollowsStore(t *testing.T) {
	c, dev, keys, load := loadedCard(t)
	check := func(after string) {
		t.Helper()
		fresh := &kit.Core{S: suite.Default(), Dev: dev}
		fresh.Load("oracle", func() {}, func() {})
		if diff := cmp.Diff(coinBytes(fresh.Held), coinBytes(c.Held)); diff != "" {
			t.Errorf("after %s, holdings (-want +got):\n%s", after, diff)
		}
		if diff := cmp.Diff(certBytes(fresh.Certs), certBytes(c.Certs)); diff != "" {
			t.Errorf("after %s, certificates (-want +got):\n%s", after, diff)
		}
		if diff := cmp.Diff(certBytes(fresh.Agents), certBytes(c.Agents)); diff != "" {
			t.Errorf("after %s, agent certificates (-want +got):\n%s", after, diff)
		}
	}
	check("the first load")
	snap := dev.Snapshot()
	other, _ := dev.Get(keys[1])
	own, _ := dev.Get(kit.KeyCert)
	// Two certificates of one id and other bytes: roots made twice.
	same := sameID(t, c.S, "holder-x")
	z := sameID(t, c.S, "holder-z")
	// After these, Load hands out the map it handed last time, brought
	// up to date, not a copy.
	const heldThenStored = "a certificate held in RAM only, then stored under its id"
	keeps := map[string]bool{"an agent certificate deleted": true, heldThenStored: true}
	for _, step := range []struct {
		after  string
		change func()
	}{
		{"a holding rewritten", func() { dev.Put(keys[0], other) }},
		{"a holding deleted", func() { dev.Delete(keys[1]) }},
		{"a certificate added", func() { dev.Put(kit.PrefCert+c.OwnCert.ID, own) }},
		{"a second certificate added", func() { dev.Put(kit.PrefCert+"holder-x", same[0]) }},
		{"a certificate rewritten under its own id", func() { dev.Put(kit.PrefCert+"holder-x", same[1]) }},
		// Sorted before holder-x: a wrong increment keeps same[0].
		{"a certificate stored under another id", func() { dev.Put(kit.PrefCert+"holder-a", same[0]) }},
		{"the certificate under another id deleted", func() { dev.Delete(kit.PrefCert + "holder-a") }},
		{"a certificate deleted", func() { dev.Delete(kit.PrefCert + c.OwnCert.ID) }},
		{"an agent certificate added", func() { dev.Put(kit.PrefAgent+"holder-x", same[0]) }},
		{"an agent certificate deleted", func() { dev.Delete(kit.PrefAgent + "holder-x") }},
		// chip's payee: the lineage's certificates in RAM, then stored
		// (here with other bytes in RAM than in the store, which wins).
		{heldThenStored, func() {
			c.Certs["holder-z"] = c.OwnCert
			dev.Put(kit.PrefCert+"holder-z", z[0])
		}},
		{"the element added a certificate it holds in RAM only", func() {
			c.Certs["ram-only"] = c.OwnCert
			c.Agents["ram-only"] = c.OwnCert
		}},
		{"a certificate added after one in RAM only", func() {
			c.Certs["ram-only"] = c.OwnCert
			dev.Put(kit.PrefCert+"holder-y", same[0])
		}},
		{"the element cleared the maps it was handed", func() {
			clear(c.Held)
			clear(c.Certs)
			clear(c.Agents)
		}},
		{"a rollback", func() { dev.Restore(snap) }},
	} {
		step.change()
		handed := reflect.ValueOf(c.Certs).Pointer()
		load()
		check(step.after)
		if keeps[step.after] && reflect.ValueOf(c.Certs).Pointer() != handed {
			t.Errorf("after %s, Load handed out a copy of the certificates", step.after)
		}
	}
}

func coinBytes(held map[string]*transfer.Holding) map[string]string {
	out := map[string]string{}
	for k, h := range held {
		out[k] = string(h.Marshal())
	}
	return out
}

func certBytes(certs map[string]*devcert.Certificate) map[string]string {
	out := map[string]string{}
	for id, c := range certs {
		out[id] = string(c.Raw)
	}
	return out
}

// sameID returns two certificates of id with other bytes: roots of two
// keys.
func sameID(t *testing.T, s suite.Suite, id string) [2][]byte {
	t.Helper()
	var out [2][]byte
	r := rand.NewChaCha8([32]byte{1})
	for i := range out {
		key, err := s.GenerateKey(r)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Unix(1_700_000_000, 0)
		a, err := devcert.NewRoot(s, key, id, uint64(i+1), at, at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = a.Cert.Raw
	}
	return out
}
