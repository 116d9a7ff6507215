package pseudocoin

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// forgedDeep stages models.CorruptForgedCoinDeep: a bundle of value fen
// signed by forger (addForged), then a record, signed with the bundle's
// own key, that pays its whole value to a fresh key of the element, which
// keeps the record: the forged bundle lies below the top of the lineage
// the element pays with.
func (in *Instance) forgedDeep(e *element, value int64, forger suite.PrivateKey) error {
	before := map[string]bool{}
	for _, h := range e.holdings() {
		before[h.name] = true
	}
	if err := in.addForged(e, value, forger, nil); err != nil {
		return err
	}
	added := map[string]held{}
	for _, h := range e.holdings() {
		if !before[h.name] {
			added[h.name] = h
		}
	}
	if len(added) != 1 {
		return spec.Errorf(spec.CodeInternal, "a forged bundle added %d holdings", len(added))
	}
	bundle := added[slices.Sorted(maps.Keys(added))[0]]
	k, err := bundle.key()
	if err != nil {
		return err
	}
	return in.addForged(e, value, k, &bundle)
}
