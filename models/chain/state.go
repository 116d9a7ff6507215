package chain

import (
	"bytes"
	"errors"
	"maps"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
)

// Output is a coin on the chain: a value and the address that may spend it.
type Output struct {
	Value int64
	Owner Address
}

// state is the ledger after a block: every output the chain created (spent
// or not), which transaction spent each spent one, the height each
// transaction was included at, and the root serials minted. It is a pure
// function of the block id, so the backbone caches it. A state is a layer
// over its parent's (what its block added), flattened every flattenDepth
// layers, so a block costs what it changes.
type state struct {
	height  uint64
	parent  *state
	depth   int
	created map[OutPoint]Output
	spentBy map[OutPoint]TxID
	txAt    map[TxID]uint64
	minted  map[coin.Serial]TxID
}

const flattenDepth = 32

func emptyState() *state {
	return &state{created: map[OutPoint]Output{}, spentBy: map[OutPoint]TxID{}, txAt: map[TxID]uint64{}, minted: map[coin.Serial]TxID{}}
}

// out returns the output op if the chain created it (spent or not).
func (st *state) out(op OutPoint) (Output, bool) {
	for l := st; l != nil; l = l.parent {
		if o, ok := l.created[op]; ok {
			return o, true
		}
	}
	return Output{}, false
}

// spender returns the transaction that spent op on the chain.
func (st *state) spender(op OutPoint) (TxID, bool) {
	for l := st; l != nil; l = l.parent {
		if id, ok := l.spentBy[op]; ok {
			return id, true
		}
	}
	return TxID{}, false
}

func (st *state) unspent(op OutPoint) bool {
	if _, ok := st.out(op); !ok {
		return false
	}
	_, spent := st.spender(op)
	return !spent
}

// txHeight returns the height transaction id was included at.
func (st *state) txHeight(id TxID) (uint64, bool) {
	for l := st; l != nil; l = l.parent {
		if h, ok := l.txAt[id]; ok {
			return h, true
		}
	}
	return 0, false
}

func (st *state) mintedBy(r coin.Serial) (TxID, bool) {
	for l := st; l != nil; l = l.parent {
		if id, ok := l.minted[r]; ok {
			return id, true
		}
	}
	return TxID{}, false
}

// unspentAll returns every unspent output.
func (st *state) unspentAll() map[OutPoint]Output {
	f := st.flat()
	out := make(map[OutPoint]Output, len(f.created))
	for op, o := range f.created {
		if _, spent := f.spentBy[op]; !spent {
			out[op] = o
		}
	}
	return out
}

// flat returns st with its layers merged into one.
func (st *state) flat() *state {
	if st.parent == nil {
		return st
	}
	var layers []*state
	for l := st; l != nil; l = l.parent {
		layers = append(layers, l)
	}
	f := emptyState()
	f.height = st.height
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		maps.Copy(f.created, l.created)
		maps.Copy(f.spentBy, l.spentBy)
		maps.Copy(f.txAt, l.txAt)
		maps.Copy(f.minted, l.minted)
	}
	return f
}

// checked is a transaction that passed the checks that depend on its bytes
// alone (the static checks): parsed, certificates chained to the root,
// signatures verified, the seal opened and matched to its commitment.
type checked struct {
	id       TxID
	tx       *Tx
	cert     *devcert.Certificate // payer (payments)
	transfer *Transfer            // opened (payments)
	plain    []byte               // the opened transfer's DER (evidence)
	mintVals []int64
	roots    []coin.Serial
	lump     bool // mint-lumps-holdings (mutant_sources.go)
	short    bool // node-settles-short-payment (mutant.go)
	// ownerFirstOnly: node-checks-first-input-owner-only; skipSum:
	// node-skips-input-sum (mutant.go)
	ownerFirstOnly, skipSum bool
}

func (c *checked) inputs() []OutPoint {
	if c.transfer == nil {
		return nil
	}
	return c.transfer.Inputs
}

// resolver finds an output the chain (or a pool) created.
type resolver func(OutPoint) (Output, bool)

// errWaiting marks a transaction whose inputs the node does not know (yet):
// the uploader keeps it and tries again later.
type waitingError struct{ error }

func (e waitingError) Unwrap() error { return e.error }

func isWaiting(err error) bool {
	var w waitingError
	return errors.As(err, &w)
}

// outputs returns the outputs c creates given the outputs it spends: for a
// payment the amount to the payee and the change to the payer, each split
// into table denominations (largest first, payee first); for a mint one
// output per holding.
func (c *checked) outputs(res resolver) ([]Output, error) {
	if c.tx.Mint != nil && c.lump {
		return lumpMint(c), nil
	}
	if c.tx.Mint != nil {
		outs := make([]Output, len(c.mintVals))
		for i, v := range c.mintVals {
			outs[i] = Output{Value: v, Owner: c.tx.Mint.Owner}
		}
		return outs, nil
	}
	p := c.tx.Payment
	var sum int64
	for i, in := range c.transfer.Inputs {
		o, ok := res(in)
		if !ok {
			return nil, waitingError{spec.Errorf(spec.CodeUntrustedIssuer, "coin %s is not on the chain this node follows", in)}
		}
		if o.Owner != p.Payer && (i == 0 || !c.ownerFirstOnly) {
			return nil, spec.Errorf(spec.CodeWrongRecipient, "coin %s belongs to %s, the payer is %s", in, o.Owner, p.Payer)
		}
		sum += o.Value
	}
	amount := p.Amount
	if c.short && sum < amount {
		amount = sum // node-settles-short-payment: pay what the inputs hold
	}
	if c.skipSum && sum < amount {
		sum = amount // node-skips-input-sum: the inputs taken to cover the amount
	}
	// To whom the payer sealed it; checkPayment holds it to the clear
	// payee (chain-literal has no other).
	return splitOutputs(sum, amount, p.Payer, c.transfer.Payee)
}

// splitOutputs pays amount of sum to payee and the rest back to payer,
// each in table denominations.
func splitOutputs(sum, amount int64, payer, payee Address) ([]Output, error) {
	if sum < amount {
		return nil, spec.Errorf(spec.CodeValueMismatch, "inputs hold %d fen, the payment is %d", sum, amount)
	}
	pay, err := coin.MakeChange(amount)
	if err != nil {
		return nil, err
	}
	var outs []Output
	for _, v := range pay {
		outs = append(outs, Output{Value: v, Owner: payee})
	}
	if sum > amount {
		change, err := coin.MakeChange(sum - amount)
		if err != nil {
			return nil, err
		}
		for _, v := range change {
			outs = append(outs, Output{Value: v, Owner: payer})
		}
	}
	if len(outs) > 1<<16-1 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "%d outputs", len(outs))
	}
	return outs, nil
}

func (st *state) resolve(op OutPoint) (Output, bool) { return st.out(op) }

// apply returns the state after appending the transactions of a block at
// height h to st, or the rule the block breaks: ascending transaction ids,
// none already on the chain, every input unspent before the block (a block
// never spends what it creates) and spent once, every root minted once.
func (st *state) apply(h uint64, txs []*checked) (*state, error) {
	next := emptyState()
	next.height, next.parent, next.depth = h, st, st.depth+1
	for i, c := range txs {
		if i > 0 && bytes.Compare(txs[i-1].id[:], c.id[:]) >= 0 {
			return nil, spec.Errorf(spec.CodeMalformed, "block: transactions not in ascending id order")
		}
		if _, dup := st.txHeight(c.id); dup {
			return nil, spec.Errorf(spec.CodeReplay, "block: transaction %s is already on the chain", c.id)
		}
		for _, in := range c.inputs() {
			if _, twice := next.spentBy[in]; twice || !st.unspent(in) {
				return nil, spec.Errorf(spec.CodeDoubleSpend, "block: transaction %s spends %s, which is not unspent", c.id, in)
			}
		}
		for _, r := range c.roots {
			_, before := st.mintedBy(r)
			if _, twice := next.minted[r]; twice || before {
				return nil, spec.Errorf(spec.CodeDoubleSpend, "block: coin %s minted twice", r)
			}
		}
		outs, err := c.outputs(st.resolve)
		if err != nil {
			return nil, err
		}
		for _, in := range c.inputs() {
			next.spentBy[in] = c.id
		}
		for _, r := range c.roots {
			next.minted[r] = c.id
		}
		for j, o := range outs {
			next.created[OutPoint{Tx: c.id, Index: uint16(j)}] = o
		}
		next.txAt[c.id] = h
	}
	if next.depth > flattenDepth {
		next = next.flat()
	}
	return next, nil
}

// staticCheck runs the byte-only checks of a transaction. It is a pure
// function of the bytes (and of the trust anchors fixed at setup), so its
// result is cached by the backbone.
func (bb *backbone) staticCheck(t *Tx) (*checked, error) {
	if t.Mint != nil {
		return bb.checkMint(t)
	}
	return bb.checkPayment(t)
}

func (bb *backbone) checkPayment(t *Tx) (*checked, error) {
	c, err := bb.openPayment(t)
	if err != nil {
		return nil, err
	}
	p, tr := t.Payment, c.transfer
	if in, twice := repeatedInput(tr); twice && !bb.mutated("node-allows-repeated-input") {
		return nil, spec.Errorf(spec.CodeMalformed, "transfer.inputs: %s twice", in)
	}
	switch {
	case tr.Payee != p.Payee && !bb.mutated("node-skips-payee-match"):
		return nil, spec.Errorf(spec.CodeWrongRecipient, "sealed payee %s, clear payee %s", tr.Payee, p.Payee)
	case p.Payer == p.Payee:
		return nil, spec.Errorf(spec.CodeWrongRecipient, "payer and payee are both %s", p.Payer)
	case bb.dir.byAddr[p.Payee] == nil && !bb.redeem[p.Payee]:
		// The payer saw only an address at the till: a payment to one no
		// certified wallet (or bank) holds is refused, and the payer's
		// coins stay its own.
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "payee %s is no certified wallet", p.Payee)
	}
	if t.Receipt != nil {
		if err := bb.checkReceipt(c.id, p.Payee, t.Receipt); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// openPayment checks that a payment is its payer's own statement and
// opens it: a wallet certificate the root issued, whose address is the
// payer's and whose key signed it; the sealed transfer of its version,
// matching the commitment signed and naming the certificate as escrow.
// The transfer may list an input twice (checkPayment refuses that).
func (bb *backbone) openPayment(t *Tx) (*checked, error) {
	p := t.Payment
	cert, err := devcert.Parse(bb.s, p.Cert)
	if err != nil {
		return nil, err
	}
	if cert.Role != devcert.RoleWallet {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "payer certificate has role %q", cert.Role)
	}
	if (p.Version == Version2) != bb.literal {
		return nil, spec.Errorf(spec.CodeUnknownVersion, "a version-%d payment on the chain of %s", p.Version, map[bool]string{false: Name, true: LiteralName}[bb.literal])
	}
	if err := bb.fillLiteral(p); err != nil {
		return nil, err
	}
	// History is not undone by revocation or expiry: the static check is
	// the issuer only; node.submit refuses a payment made after its
	// payer's revocation (checkRevocation).
	if err := cert.Verify(bb.root, cert.NotBefore, nil); err != nil {
		return nil, err
	}
	if addressOfCert(bb.s, cert) != p.Payer {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "payer address %s is not the certificate's", p.Payer)
	}
	if err := cert.PublicKey.Verify(p.TBS(), p.Signature); err != nil {
		return nil, err
	}
	plain, tr, err := bb.openTransfer(p.Sealed)
	if err != nil {
		return nil, err
	}
	var commit [IDSize]byte
	copy(commit[:], bb.s.Hash(plain))
	switch {
	case tr.Version != p.Version:
		return nil, spec.Errorf(spec.CodeMalformed, "a version-%d payment seals a version-%d transfer", p.Version, tr.Version)
	case commit != p.Commitment:
		return nil, spec.Errorf(spec.CodeBadSeal, "the sealed transfer does not match its commitment")
	case tr.Escrow != cert.Serial && !bb.mutated("node-skips-escrow-check"):
		return nil, spec.Errorf(spec.CodeWrongRecipient, "identity escrow names certificate %d, the payer's is %d", tr.Escrow, cert.Serial)
	}
	return &checked{id: p.ID(bb.s), tx: t, cert: cert, transfer: tr, plain: plain, short: bb.mutated("node-settles-short-payment"),
		ownerFirstOnly: bb.mutated("node-checks-first-input-owner-only"), skipSum: bb.mutated("node-skips-input-sum")}, nil
}

// openTransfer opens a sealed transfer with the chain key and reads it
// loosely (an input may be listed twice).
func (bb *backbone) openTransfer(sealed []byte) (plain []byte, tr *Transfer, err error) {
	if plain, err = bb.chainKey.Open(sealed, sealInfo); err != nil {
		return nil, nil, err
	}
	if tr, err = parseTransferLoose(plain); err != nil {
		return nil, nil, err
	}
	return plain, tr, nil
}

func (bb *backbone) checkReceipt(id TxID, payee Address, r *SignedReceipt) error {
	if r.Tx != id || r.Payee != payee {
		return spec.Errorf(spec.CodeWrongRecipient, "receipt for %s by %s attached to %s for %s", r.Tx, r.Payee, id, payee)
	}
	cert := bb.dir.byAddr[payee]
	if cert == nil {
		return spec.Errorf(spec.CodeUntrustedIssuer, "no wallet certificate for address %s", payee)
	}
	return cert.PublicKey.Verify(r.TBS(), r.Signature)
}

func (bb *backbone) checkMint(t *Tx) (*checked, error) {
	m := t.Mint
	c := &checked{id: m.ID(bb.s), tx: t, lump: bb.mutated("mint-lumps-holdings")}
	seen := map[coin.Serial]bool{}
	for i, h := range m.Holdings {
		if len(h.Chain) != 1 {
			return nil, spec.Errorf(spec.CodeValueMismatch, "mint holding %d has %d records, want the agent's one", i, len(h.Chain))
		}
		o, err := h.Verify(bb.coinKey, bb.certs)
		if err != nil {
			return nil, err
		}
		cert := bb.dir.byID[o.Holder]
		if cert == nil || AddressOf(bb.s, cert.PublicKey) != m.Owner {
			return nil, spec.Errorf(spec.CodeWrongRecipient, "mint holding %d is held by %q, not by owner %s", i, o.Holder, m.Owner)
		}
		if seen[h.Root.Serial] {
			return nil, spec.Errorf(spec.CodeDoubleSpend, "mint holding %d repeats coin %s", i, h.Root.Serial)
		}
		seen[h.Root.Serial] = true
		c.mintVals = append(c.mintVals, o.Value)
		c.roots = append(c.roots, h.Root.Serial)
	}
	return c, nil
}

// certs resolves agent banks (issuer-checked) for mint lineage checks.
func (bb *backbone) certs(id string) (*devcert.Certificate, error) {
	if c, ok := bb.agentCerts[id]; ok {
		return c, nil
	}
	return nil, spec.Errorf(spec.CodeUntrustedIssuer, "%q is not an authorised agent bank", id)
}
