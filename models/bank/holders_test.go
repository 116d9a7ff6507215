package bank

import (
	"fmt"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Revoking a holder with several pseudonyms revokes every one of them:
// a holder revoked is revoked on every card it holds.
func TestRevokeHolderRevokesEveryPseudonym(t *testing.T) {
	f := newFixture(t, suite.Default())
	var certs []*devcert.Certificate
	for i := 0; i < 3; i++ {
		k, err := f.s.GenerateKey(f.w.Rand(fmt.Sprintf("card/%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.cb.CertifyPseudonym("holder-H", fmt.Sprintf("card-%016x", i), devcert.RoleWallet, k.Public())
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}
	if err := f.cb.Revoke("holder-H"); err != nil {
		t.Fatal(err)
	}
	for _, c := range certs {
		if !f.cb.CRL().Revoked(c.Serial) {
			t.Errorf("revoking holder-H left its pseudonym %s in good standing", c.ID)
		}
	}
}

func TestAgentBindDrawsOnAccount(t *testing.T) {
	f := newFixture(t, suite.Default())
	f.agent.Open("holder-H", 1000)
	f.agent.Bind(walletA, "holder-H")
	before := f.agent.Balance("holder-H")
	if _, err := f.agent.Withdraw(walletA, 300); err != nil {
		t.Fatal(err)
	}
	if got, want := f.agent.Balance("holder-H"), before-300; got != want || f.agent.Balance(walletA) != got || f.agent.AccountOf(walletA) != "holder-H" {
		t.Errorf("after the bound card withdrew 300: account %d (want %d), card's balance %d, account of card %q", got, want, f.agent.Balance(walletA), f.agent.AccountOf(walletA))
	}
}

// CertifyUnlinkable's certificates tell nothing of when in the day or in
// which order they were issued: two issued at different times of one day
// carry the same validity and serials that are not consecutive; the
// register names the holder of each.
func TestCertifyUnlinkable(t *testing.T) {
	f := newFixture(t, suite.Default())
	var certs []*devcert.Certificate
	for i := 0; i < 2; i++ {
		k, err := f.s.GenerateKey(f.w.Rand(fmt.Sprintf("coin-key/%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.cb.CertifyUnlinkable("holder-H", fmt.Sprintf("coin-%016x", i), devcert.RoleWallet, k.Public())
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
		f.w.Advance(time.Hour)
	}
	a, b := certs[0], certs[1]
	if !a.NotBefore.Equal(b.NotBefore) || !a.NotAfter.Equal(b.NotAfter) || b.Serial == a.Serial+1 || a.Serial == b.Serial {
		t.Errorf("two certificates an hour apart: validity %v–%v and %v–%v, serials %d and %d", a.NotBefore, a.NotAfter, b.NotBefore, b.NotAfter, a.Serial, b.Serial)
	}
	for _, c := range certs {
		if f.cb.HolderOf(c.ID) != "holder-H" {
			t.Errorf("the register names %q as holder of %s", f.cb.HolderOf(c.ID), c.ID)
		}
	}
	if _, err := f.cb.CertifyUnlinkable("holder-H", a.ID, devcert.RoleWallet, a.PublicKey); err == nil {
		t.Errorf("a pseudonym certified twice")
	}
}
