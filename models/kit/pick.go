package kit

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Pick chooses held coins covering amount for a payment of at most most
// coins: largest first (ties by key, so the choice does not depend on map
// order), among those spendable accepts. Spendable coins that do not cover
// amount are a CodeInsufficient error, coins that cover it when no most of
// them do a CodeLimitExceeded one; each calls the element noun ("wallet",
// "card"). It walks the coins in the order Core keeps (byValue) and asks
// spendable, which must not change the element, only until they cover
// amount: a payment reads the coins it takes, not every coin held.
func (c *Core) Pick(amount int64, most int, spendable func(*transfer.Holding) bool, noun string) ([]string, error) {
	var picked []string
	var sum int64
	for e := range c.order.all() {
		if sum >= amount {
			break
		}
		if spendable(c.Held[e.Key]) {
			picked = append(picked, e.Key)
			sum += e.Value
		}
	}
	if sum < amount {
		return nil, spec.Errorf(spec.CodeInsufficient, "%s holds %d fen spendable offline, payment of %d", noun, sum, amount)
	}
	if len(picked) > most {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "%s's spendable coins cover %d fen but no %d of them do", noun, amount, most)
	}
	return picked, nil
}

// LineageCerts lists (DER, sorted by id) the certificates element c
// stored of every wallet that signed in the lineages of the holdings of
// spends (holding reads one), except itself (its certificate travels
// separately) and the agents (every element is provisioned with them);
// omit drops them all (a mutant).
func LineageCerts[S any](c *Core, spends []S, holding func(S) *transfer.Holding, omit bool) [][]byte {
	ids := map[string]bool{}
	for _, sp := range spends {
		for _, r := range holding(sp).Chain {
			if r.Payer != c.Name && c.Agents[r.Payer] == nil {
				ids[r.Payer] = true
			}
		}
	}
	var out [][]byte
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		if cert := c.Certs[id]; cert != nil && !omit {
			out = append(out, cert.Raw)
		}
	}
	return out
}

// HoldersCertified reports whether every earlier payer of h's lineage,
// other than the element itself, is an agent it is provisioned with or a
// holder whose certificate it keeps, and that certificate passes check
// (the root, the element's clock, its revocation list): what a coin must
// meet to count as spendable offline (cert-payer-holder-certs,
// chip-holder-certs), since the payee verifies the lineage under the
// certificates the payment can carry.
func (c *Core) HoldersCertified(h *transfer.Holding, check func(*devcert.Certificate) error) bool {
	for _, r := range h.Chain {
		if r.Payer == c.Name {
			continue
		}
		if c.KeyFor != nil {
			if _, own := c.KeyFor(r.Payer); own {
				continue
			}
		}
		cert := c.Agents[r.Payer]
		if cert == nil {
			cert = c.Certs[r.Payer]
		}
		if cert == nil || check(cert) != nil {
			return false
		}
	}
	return true
}
