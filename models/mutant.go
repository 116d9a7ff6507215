package models

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Mutant is a deliberately faulty variant of a reference scheme: one
// realistic implementation bug, switched on in one place, that breaks the
// requirement Breaks. The requirement suites are measured by how many
// mutants they kill (conformance.CheckMutants): a mutant is killed when
// some property of Breaks fails on it.
type Mutant struct {
	Name   string     // kebab-case, unique in the catalogue
	Breaks spec.ReqID // the requirement the bug breaks
	Doc    string     // one line: what the bug is
	Scheme Scheme     // the mutated scheme; Info().Name is "<base>~<Name>"
	// Base is the reference scheme the mutant is a variant of: a property
	// can only kill a mutant if it holds on the base.
	Base Scheme
}

// Mutate wraps mutated, base with its mutation switch set, so that its Info
// names the mutant ("<base>~<name>") and keeps the base's documentation,
// Expected included: a mutant is judged against what its base claims.
func Mutate(base, mutated Scheme, name string, breaks spec.ReqID, doc string) Mutant {
	return Mutant{Name: name, Breaks: breaks, Doc: doc, Scheme: mutantScheme{Scheme: mutated, name: name}, Base: base}
}

// MutantOf makes one mutant of a scheme's catalogue: its name, the
// requirement it breaks ("R1".."R6") and its one-line doc.
type MutantOf func(name, breaks, doc string) Mutant

// Mutator is the MutantOf of a scheme's catalogue: the mutant name is
// base with its mutation switch set to name (with(name)), made by Mutate.
func Mutator[S Scheme](base S, with func(name string) S) MutantOf {
	return func(name, breaks, doc string) Mutant {
		return Mutate(base, with(name), name, spec.ReqID(breaks), doc)
	}
}

// MutantNames lists the names of the mutants of catalogue that keep
// accepts, in catalogue order (nil if none): how a scheme names the
// subset of its catalogue that lives in one place, such as the mutants a
// wallet host can play.
func MutantNames(catalogue []Mutant, keep func(name string) bool) []string {
	var out []string
	for _, m := range catalogue {
		if keep(m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}

type mutantScheme struct {
	Scheme
	name string
}

func (m mutantScheme) Info() Info {
	i := m.Scheme.Info()
	i.Name += "~" + m.name
	return i
}

// Lineage checks a mutant may omit from transfer.Holding.Verify.
const (
	OmitIssuerSignature = "issuer-signature" // the root coin's issuer signature
	OmitRecordRules     = "record-rules"     // each record's arithmetic (Record.Validate)
)

// VerifyHoldingWithout is transfer.Holding.Verify with one check left out:
// the faulty lineage check of a mutant. It is never used by a reference
// model.
func VerifyHoldingWithout(h *transfer.Holding, issuer suite.PublicKey, certs transfer.Certs, omit string) (transfer.Owner, error) {
	if omit != OmitIssuerSignature {
		if err := h.Root.Check(issuer); err != nil {
			return transfer.Owner{}, err
		}
	} else if err := h.Root.Validate(); err != nil {
		return transfer.Owner{}, err
	}
	if len(h.Chain) > transfer.MaxHops {
		return transfer.Owner{}, spec.Errorf(spec.CodeMalformed, "chain of %d records, cap %d", len(h.Chain), transfer.MaxHops)
	}
	cur := transfer.Owner{Holder: h.Root.Agent, Value: h.Root.Denomination}
	serial := h.Root.Serial
	for i, rec := range h.Chain {
		if rec.Parent != serial {
			return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d spends %s, the chain holds %s", i, rec.Parent, serial)
		}
		if rec.ParentValue != cur.Value {
			return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d says the parent is worth %d fen, it is %d", i, rec.ParentValue, cur.Value)
		}
		if rec.Payer != cur.Holder {
			return transfer.Owner{}, spec.Errorf(spec.CodeWrongRecipient, "record %d is signed for %q, the holder is %q", i, rec.Payer, cur.Holder)
		}
		if omit != OmitRecordRules {
			if err := rec.Validate(); err != nil {
				return transfer.Owner{}, err
			}
		}
		cert, err := certs(rec.Payer)
		if err != nil {
			return transfer.Owner{}, err
		}
		wantRole := devcert.RoleWallet
		if i == 0 {
			wantRole = devcert.RoleAgent
		}
		if cert.Role != wantRole || cert.ID != rec.Payer {
			return transfer.Owner{}, spec.Errorf(spec.CodeUntrustedIssuer, "record %d signer %q has role %q, want %q", i, rec.Payer, cert.Role, wantRole)
		}
		if err := rec.Verify(cert.PublicKey); err != nil {
			return transfer.Owner{}, err
		}
		next := h.Serial
		if i+1 < len(h.Chain) {
			next = h.Chain[i+1].Parent
		}
		found := false
		for _, o := range rec.Outputs {
			if o.Serial == next {
				cur, serial, found = transfer.Owner{Holder: o.Holder, Value: o.Value}, o.Serial, true
				break
			}
		}
		if !found {
			return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "record %d creates no coin %s", i, next)
		}
	}
	if serial != h.Serial {
		return transfer.Owner{}, spec.Errorf(spec.CodeValueMismatch, "holding names %s, the chain ends at %s", h.Serial, serial)
	}
	return cur, nil
}
