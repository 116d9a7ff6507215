package vgen

import (
	"errors"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/spec/suite"
)

func TestSessionPaymentsRecordsTwoUnderTheSessionPKI(t *testing.T) {
	g := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM)}
	var labels []string
	record := func(g *Gen, p *PKI, issuer suite.PrivateKey, label string) string {
		if p == nil || p.Certs[CertPayee] == nil || issuer == nil {
			t.Errorf("record %s: no session PKI or issuer", label)
		}
		labels = append(labels, label)
		return label
	}
	p, crl, issuer, clean, other := SessionPayments(g, record)
	if g.Err != nil || p == nil || len(crl) == 0 || issuer == nil {
		t.Fatalf("SessionPayments: err %v, pki %v, crl of %d bytes, issuer %v", g.Err, p != nil, len(crl), issuer)
	}
	if want := []string{"session/s1", "session/s2"}; !slices.Equal(labels, want) || clean != want[0] || other != want[1] {
		t.Errorf("recorded %v, clean %q, other %q; want %v, the clean one first", labels, clean, other, want)
	}

	failed := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM), Err: errors.New("earlier")}
	if _, _, _, clean, other := SessionPayments(failed, func(*Gen, *PKI, suite.PrivateKey, string) *int {
		t.Error("a failed Gen recorded a payment")
		return new(int)
	}); clean != nil || other != nil {
		t.Errorf("a failed Gen returned payments %v, %v", clean, other)
	}
}
