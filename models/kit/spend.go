package kit

import "github.com/dualoffline/dualoffline/spec/transfer"

// Spending is one held coin a payment spends (Core.SpendCoins).
type Spending struct {
	Key     string              // the coin's key (after PrefCoin)
	Holding *transfer.Holding   // the coin
	Record  *transfer.Signed    // the record spending it, signed by the element
	Whole   bool                // the coin is paid whole: no change
	Change  []*transfer.Holding // the payer's change outputs, extended by Record
}

// Spend picks the coins that pay amount (pick: the scheme's choice; its
// refusal is Spend's) and spends them from payer to payee (SpendCoins)
// under challenge, copied into the records' challenge (zero-padded),
// numbering the records after *counter and advancing it past them. On an
// error *counter is unchanged.
func (c *Core) Spend(pick func(amount int64) ([]string, error), amount int64, payer, payee string, challenge []byte, counter *uint64) ([]Spending, error) {
	keys, err := pick(amount)
	if err != nil {
		return nil, err
	}
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], challenge)
	spent, n, err := c.SpendCoins(keys, amount, payer, payee, ch, *counter)
	if err != nil {
		return nil, err
	}
	*counter = n
	return spent, nil
}

// SpendCoins spends the held coins of keys (Pick's choice, in order) for
// amount fen from payer to payee under challenge: one record per coin,
// whole coins first and the last one split (transfer.Split), each signed
// with the element's key (or its holder's, Core.KeyFor, which it then
// names as payer and holder of the change) and numbered on from counter
// (a holder's record: recordCounter). It returns the spends and the last
// counter used; nothing is committed.
func (c *Core) SpendCoins(keys []string, amount int64, payer, payee string, challenge [transfer.ChallengeSize]byte, counter uint64) ([]Spending, uint64, error) {
	remaining := amount
	var out []Spending
	for _, k := range keys {
		h := c.Held[k]
		v := h.Value()
		pay := min(v, remaining)
		remaining -= pay
		key, payer := c.signerOf(h, c.Priv, payer)
		outs, err := transfer.Split(h.Serial, v, pay, payer, payee)
		if err != nil {
			return nil, counter, err
		}
		counter++
		rec, err := transfer.Sign(key, transfer.Record{
			Version: transfer.Version1, Parent: h.Serial, ParentValue: v, Outputs: outs,
			Payer: payer, Payee: payee, Challenge: challenge, Counter: c.recordCounter(h, payer, counter),
		})
		if err != nil {
			return nil, counter, err
		}
		sp := Spending{Key: k, Holding: h, Record: rec, Whole: pay == v}
		for _, o := range outs {
			if o.Holder == payer {
				sp.Change = append(sp.Change, h.Extend(rec, o.Serial))
			}
		}
		out = append(out, sp)
	}
	return out, counter, nil
}

// recordCounter is the counter a record spending h signed by payer
// carries, the element's next being next: next for the element's own id;
// for another holder it signs for (Core.KeyFor, chip's per-coin
// pseudonyms), one more than the records of h's lineage that holder
// signed. A pseudonym's records then number from 1, so their counters say
// nothing of the card's other payments (a counter running for the card's
// life, carried by every record, linked them: SOURCES.md D2, lesson a).
func (c *Core) recordCounter(h *transfer.Holding, payer string, next uint64) uint64 {
	if payer == c.Name || c.CountsCardWide {
		return next
	}
	if _, ok := c.KeyOf(payer); !ok {
		return next
	}
	n := uint64(1)
	for _, r := range h.Chain {
		if r.Payer == payer {
			n++
		}
	}
	return n
}
