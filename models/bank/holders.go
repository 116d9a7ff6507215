package bank

import (
	"encoding/binary"
	"maps"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// CertifyPseudonym issues a device certificate whose subject is pseudonym
// (a name that carries nothing of the holder) and records, in the central
// bank's register only, that it belongs to holder: the register is what
// lets the issuer trace (R3.4) and name double spenders by their
// registered identity while merchants and agent banks see the pseudonym.
func (cb *CentralBank) CertifyPseudonym(holder, pseudonym string, role devcert.Role, pub suite.PublicKey) (*devcert.Certificate, error) {
	c, err := cb.Certify(pseudonym, role, pub)
	if err != nil {
		return nil, err
	}
	if cb.holders == nil {
		cb.holders = map[string]string{}
	}
	cb.holders[pseudonym] = holder
	return c, nil
}

// CertifyUnlinkable is CertifyPseudonym for a certificate that must not
// tell when or in which batch it was issued (chip's per-coin pseudonyms,
// SOURCES.md D2): its serial is drawn at random, not counted, and its
// validity starts at the start of the day, so every certificate issued
// the same day, to any holder, carries the same validity.
func (cb *CentralBank) CertifyUnlinkable(holder, pseudonym string, role devcert.Role, pub suite.PublicKey) (*devcert.Certificate, error) {
	if _, dup := cb.certs[pseudonym]; dup {
		return nil, spec.Errorf(spec.CodeMalformed, "device id %q already certified", pseudonym)
	}
	serial := binary.BigEndian.Uint64(cb.w.Rand("central-bank/pseudonym-serials").Bytes(8))>>2 | 1<<61
	day := cb.w.Now().Truncate(24 * time.Hour)
	c, err := cb.authority.Issue(devcert.Template{Serial: serial, ID: pseudonym, Role: role, PublicKey: pub, NotBefore: day, NotAfter: day.Add(CertValidity)})
	if err != nil {
		return nil, err
	}
	cb.certs[pseudonym] = c
	if cb.holders == nil {
		cb.holders = map[string]string{}
	}
	cb.holders[pseudonym] = holder
	return c, nil
}

// HolderOf returns the registered holder behind a certificate id: the
// holder CertifyPseudonym recorded, or id itself when it is not a
// pseudonym.
func (cb *CentralBank) HolderOf(id string) string {
	if h, ok := cb.holders[id]; ok {
		return h
	}
	return id
}

// certsOf returns the certificate ids Revoke acts on for id: id itself if
// the bank certified it, else every pseudonym certified for holder id, in
// sorted order (a holder revoked is revoked on every card).
func (cb *CentralBank) certsOf(id string) []string {
	if _, ok := cb.certs[id]; ok {
		return []string{id}
	}
	var out []string
	for _, p := range slices.Sorted(maps.Keys(cb.holders)) {
		if cb.holders[p] == id {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{id}
	}
	return out
}

// Bind makes the card card draw on, and deposit into, the account
// account (opened with Open): the card holds coins and signs records
// under its own id (a pseudonym), while the account stays under the
// holder's number, which no payment carries.
func (a *Agent) Bind(card, account string) {
	if card == account {
		return
	}
	if a.cards == nil {
		a.cards = map[string]string{}
	}
	a.cards[card] = account
}

// AccountOf returns the account holder draws on: the one Bind named, else
// holder's own.
func (a *Agent) AccountOf(holder string) string {
	if acct, ok := a.cards[holder]; ok {
		return acct
	}
	return holder
}
