package devicetest

import (
	"slices"

	"github.com/dualoffline/dualoffline/models"
)

// Masked is v without what differs between an own and an external device
// that behave alike: its coins and pending coins keep only their values,
// in value order (an external device has its own keys and randomness, so
// its coins, and the payments that make them, have other ids).
func Masked(v models.View) models.View {
	v.Coins, v.Pending = values(v.Coins), values(v.Pending)
	return v
}

func values(cs []models.Coin) []models.Coin {
	var out []models.Coin
	for _, c := range cs {
		out = append(out, models.Coin{Value: c.Value})
	}
	slices.SortFunc(out, func(a, b models.Coin) int { return int(a.Value - b.Value) })
	return out
}

// Books is what the banks and the audit say after a run, for comparing a
// run with external devices with the same run with the model's own.
type Books struct {
	Audit   models.Audit
	Ledger  [3]int64 // issued, redeemed, accounts
	Culprit []string // double-spend culprits, in the ledger's order
}

// BooksOf reads in's books.
func BooksOf(in models.Instance) Books {
	b := Books{Audit: in.Audit()}
	l := in.Ledger()
	b.Ledger = [3]int64{l.Issued, l.Redeemed, l.Accounts}
	for _, d := range l.DoubleSpends {
		b.Culprit = append(b.Culprit, d.Culprit)
	}
	return b
}

// Outcome is what a run comes to, for comparing a run with external
// devices with the same run with the model's own: the wallets' views,
// Masked, in wallet order, and the books.
type Outcome struct {
	Views []models.View
	Books
}

// Observe reads in's Outcome.
func Observe(in models.Instance) Outcome {
	var o Outcome
	for _, id := range in.Wallets() {
		o.Views = append(o.Views, Masked(in.View(id)))
	}
	o.Books = BooksOf(in)
	return o
}
