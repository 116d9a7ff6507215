package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// issue is the agent bank's issuance device (代理投放设备) handing
// withdrawn coins to a wallet: each issuer-signed coin goes out as the
// coin string its HSM seals (数字货币加密字符串), beside the agent's
// signed record that transfers the coin to the holder.
func (in *Instance) issue(holder string, hs []*transfer.Holding) ([]byte, error) {
	r := in.w.Rand("cert/hsm-nonce/" + AgentID)
	items := make([]issueItem, len(hs))
	for i, h := range hs {
		if len(h.Chain) != 1 {
			return nil, spec.Errorf(spec.CodeInternal, "a withdrawal of %d hops", len(h.Chain))
		}
		sealed, err := in.hsm.Seal(r, h.Root)
		if err != nil {
			return nil, err
		}
		items[i] = issueItem{coinString: sealed.String(), record: h.Chain[0]}
	}
	if len(items) > MaxIssueItems {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "a withdrawal of %d coins, an ISSUE carries %d", len(items), MaxIssueItems)
	}
	return encodeIssue(AgentID, holder, items), nil
}

// openIssue is the SIM taking delivery of an ISSUE envelope: it opens every
// coin string with the HSM key its agent provisioned, rebuilds the holding
// from the coin and the agent's record, and verifies it (the coin's policy
// and issuer signature, the agent's signature and role). It returns what
// to commit and changes nothing; any refusal refuses the whole envelope.
func (se *SIM) openIssue(b []byte) (map[string]*transfer.Holding, map[string][]byte, error) {
	agent, holder, items, err := parseIssue(b)
	if err != nil {
		return nil, nil, err
	}
	if se.Agents[agent] == nil {
		return nil, nil, spec.Errorf(spec.CodeUntrustedIssuer, "ISSUE from %q, not an agent this SIM knows", agent)
	}
	if holder != se.Name {
		return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "ISSUE for %q, this SIM is %q", holder, se.Name)
	}
	coins := map[string]*transfer.Holding{}
	puts := map[string][]byte{}
	lookup := se.lookup(nil)
	for i, it := range items {
		sealed, err := coin.ParseSealedString(it.coinString)
		if err != nil {
			return nil, nil, err
		}
		// The coin's issuer signature is checked once, by Verify below
		// (holding-root); OpenCoin's sealed-coin check is the same Check,
		// for a sealed string verified on its own (the vectors).
		c, err := se.hsm.Open(sealed)
		if err != nil {
			return nil, nil, err
		}
		if c.Agent != agent {
			return nil, nil, spec.Errorf(spec.CodeUntrustedIssuer, "item %d: coin issued through %q inside an ISSUE from %q", i, c.Agent, agent)
		}
		rec := it.record
		if rec.Payee != se.Name || len(rec.Outputs) != 1 || rec.Outputs[0].Holder != se.Name {
			return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "item %d: the record does not hand the whole coin to %q", i, se.Name)
		}
		// Verify checks the coin (policy and issuer signature), that the
		// record is the issuing agent's and hands the coin to this SIM.
		h := (&transfer.Holding{Root: c, Serial: c.Serial}).Extend(rec, rec.Outputs[0].Serial)
		owner, err := h.Verify(se.CoinKey, lookup)
		if err != nil {
			return nil, nil, err
		}
		if owner.Holder != se.Name {
			return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "item %d: coin held by %q", i, owner.Holder)
		}
		k := kit.CoinKey(h)
		if coins[k] != nil || se.Held[k] != nil {
			return nil, nil, spec.Errorf(spec.CodeReplay, "item %d: coin %s already delivered", i, h.Serial)
		}
		coins[k] = h
		puts[kit.PrefCoin+k] = h.Marshal()
	}
	return coins, puts, nil
}
