package chip

import "github.com/dualoffline/dualoffline/models"

var _ models.CardWallet = Scheme{}

// CardMutants (models.CardWallet): the card's own bugs (CardMutants).
func (Scheme) CardMutants() []string { return CardMutants() }

// CardHost (models.CardWallet) starts the secure element on its store
// (NewHost).
func (Scheme) CardHost(store map[string][]byte, mutant string) (models.CardHost, error) {
	h, err := NewHost(store, mutant)
	if err != nil {
		return nil, err
	}
	return h, nil
}
