package pseudocoin

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Device is a wallet's secure element as the bank side (the agent bank,
// the desk) and the other party of a payment see it: the seam between
// the scheme's bank side (Instance) and an element. The model's own
// element implements it (ownWallet), and so does an external wallet
// reached through a models.Link (remote.go): that is how a vendor's
// wallet plays one in the interactive suites.
//
// The bank side never reaches inside a Device: each online step is the
// element's half (a request it persists, an answer it applies) around
// the desk's half, which the Instance performs.
//
// Contract: an operation that fails returns a *spec.Error and changes
// nothing. Every operation that changes the element's persistent state
// does so in one atomic write. An offline handler (Payer, Payee) refuses
// a message with its error; a payee that handles a PAY without refusing
// it has stored the payment, and a payer that handles an ACK without
// refusing it has its payment acknowledged.
type Device interface {
	// Identity is the certificate id the element signs its escrows
	// and uploads with.
	Identity() (string, error)
	// StartPayer opens a payer session: pay amount to the element whose
	// certificate names payee. It returns the HELLO the payer sends.
	StartPayer(payee string, amount int64) ([]world.Message, error)
	// StartPayee opens a payee session for amount.
	StartPayee(amount int64) error
	// Payer handles an INVOICE (it commits the payment, in one write,
	// and answers PAY) or an ACK.
	Payer(m world.Message) ([]world.Message, error)
	// Payee handles a HELLO (it persists the invoice and answers
	// INVOICE) or a PAY (it stores the payment and answers ACK).
	Payee(m world.Message) ([]world.Message, error)
	// EndSession closes the open sessions; what was committed stays.
	EndSession() error
	// Pending reads the element's online requests in progress.
	Pending() (*Pending, error)
	// Withdraw persists a withdrawal request for amount and returns it.
	Withdraw(amount int64) (string, error)
	// WithdrawDone forgets the pending withdrawal: served, or refused.
	WithdrawDone() error
	// MintRequest generates n one-time keys and persists them with the
	// sealed mint request for them, which it returns.
	MintRequest(n int) ([]byte, error)
	// MintReply opens and checks the desk's reply to the pending mint
	// request and stores its bundles, in one write.
	MintReply(reply []byte) error
	// Upload builds the reconciliation upload (a deposit surrenders
	// every holding), seals it to the desk and persists it, and returns
	// the sealed bytes.
	Upload(deposit bool) ([]byte, error)
	// UploadAnswer applies the desk's answer to the pending upload:
	// not cleared, the upload is forgotten and nothing else changes;
	// cleared, the uploaded log, the received holdings but those the
	// desk refused (by key name) and the void invoices go, and the
	// offline counters start again.
	UploadAnswer(cleared bool, refused []string) error
	// Restart power-cycles the element: open sessions are lost.
	Restart() error
}

// Pending are an element's online requests in progress, each presented
// again until the desk has answered it.
type Pending struct {
	Withdrawal *withdrawState
	Mint       *mintState
	Upload     *syncState
}

// ownWallet is the model's own element as a Device: the element of
// party p in in's world (the model), or the element a Host serves.
type ownWallet struct {
	in    *Instance
	e     *element
	payer *payerSession
	payee *payeeSession
}

var _ Device = (*ownWallet)(nil)

// device returns the Device playing wallet p.
func (in *Instance) device(p world.PartyID) (Device, error) {
	if rw, ok := in.ext[p]; ok {
		return rw, nil
	}
	e, err := in.element(p)
	if err != nil {
		return nil, err
	}
	return &ownWallet{in: in, e: e}, nil
}

func (o *ownWallet) Identity() (string, error) { return o.e.identity(), nil }

func (o *ownWallet) StartPayer(payee string, amount int64) ([]world.Message, error) {
	o.payer = &payerSession{e: o.e, amount: amount, payee: payee}
	return []world.Message{{Type: msgHello, Payload: Hello{Amount: amount}.Marshal()}}, nil
}

func (o *ownWallet) StartPayee(amount int64) error {
	o.payee = &payeeSession{e: o.e, amount: amount}
	return nil
}

func (o *ownWallet) Payer(m world.Message) ([]world.Message, error) {
	if o.payer == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "no payer session is open")
	}
	return o.payer.handle(m)
}

func (o *ownWallet) Payee(m world.Message) ([]world.Message, error) {
	if o.payee == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "no payee session is open")
	}
	return o.payee.handle(m)
}

func (o *ownWallet) EndSession() error {
	o.payer, o.payee = nil, nil
	return nil
}

func (o *ownWallet) Restart() error {
	if o.in.mutated(mutantPaidVolatile) {
		// The receiving keys it paid were kept in RAM: gone at power-on.
		if keys := o.e.dev.Keys(prefPaid); len(keys) > 0 {
			o.e.dev.Commit(nil, keys)
		}
	}
	return o.EndSession()
}

func (o *ownWallet) Pending() (*Pending, error) {
	var p Pending
	if ws, ok := readJSON[withdrawState](o.e, keyWithdraw); ok {
		p.Withdrawal = &ws
	}
	if ms, ok := readJSON[mintState](o.e, keyMint); ok {
		p.Mint = &ms
	}
	if ss, ok := readJSON[syncState](o.e, keySync); ok {
		p.Upload = &ss
	}
	return &p, nil
}

func (o *ownWallet) Withdraw(amount int64) (string, error) {
	e := o.e
	if _, pending := e.dev.Get(keyWithdraw); pending {
		return "", spec.Errorf(spec.CodeMalformed, "a withdrawal is pending")
	}
	if amount <= 0 {
		return "", spec.Errorf(spec.CodeValueMismatch, "withdrawal of %d fen", amount)
	}
	ws := withdrawState{Request: e.newRequest(fmt.Sprint(e.counter(), amount)), Amount: amount}
	e.dev.Commit(map[string][]byte{keyWithdraw: mustJSON(ws)}, nil)
	return ws.Request, nil
}

func (o *ownWallet) WithdrawDone() error {
	if _, pending := o.e.dev.Get(keyWithdraw); !pending {
		return spec.Errorf(spec.CodeMalformed, "no withdrawal is pending")
	}
	o.e.dev.Commit(nil, []string{keyWithdraw})
	return nil
}

func (o *ownWallet) MintRequest(n int) ([]byte, error) {
	e, in := o.e, o.in
	if _, pending := e.dev.Get(keyMint); pending {
		return nil, spec.Errorf(spec.CodeMalformed, "a mint request is pending")
	}
	if n <= 0 || n > MaxMintKeys {
		return nil, spec.Errorf(spec.CodeMalformed, "a mint request for %d keys, want 1..%d", n, MaxMintKeys)
	}
	ms := mintState{Request: e.newRequest("mint" + strconv.FormatUint(e.counter(), 10))}
	r := in.w.Rand("pseudocoin/keys/" + string(e.dev.ID()) + "/" + ms.Request)
	var pubs [][]byte
	for range n {
		k, err := in.s.GenerateKey(r)
		if err != nil {
			return nil, err
		}
		ms.Keys = append(ms.Keys, k.Bytes())
		pubs = append(pubs, k.Public().SPKI())
	}
	var err error
	if ms.AEAD, ms.Sealed, err = in.sealMintRequest(e, ms.Request, pubs); err != nil {
		return nil, err
	}
	e.dev.Commit(map[string][]byte{keyMint: mustJSON(ms)}, nil)
	return ms.Sealed, nil
}

func (o *ownWallet) MintReply(reply []byte) error {
	e, in := o.e, o.in
	ms, pending := readJSON[mintState](e, keyMint)
	if !pending {
		return spec.Errorf(spec.CodeMalformed, "no mint request is pending")
	}
	var privs []suite.PrivateKey
	var pubs [][]byte
	for _, b := range ms.Keys {
		k, err := suite.PrivateKeyFromBytes(in.s, b)
		if err != nil {
			return err
		}
		privs = append(privs, k)
		pubs = append(pubs, k.Public().SPKI())
	}
	plain, err := openMintReply(in.s, ms.AEAD, reply)
	if in.mutated(mutantMintClear) {
		plain, err = reply, nil
	}
	if err != nil {
		return err
	}
	_, bundles, err := checkMintReply([]byte(ms.Request), pubs, plain)
	if err != nil {
		return err
	}
	puts := map[string][]byte{}
	for i, b := range bundles {
		puts[prefHold+keyName(pubs[i])] = storeHolding(privs[i].Bytes(), b)
	}
	e.dev.Commit(puts, []string{keyMint})
	in.w.Trace().State(e.dev.ID(), "minted %d bundles", len(bundles))
	return nil
}

func (o *ownWallet) Upload(deposit bool) ([]byte, error) {
	e := o.e
	if _, pending := e.dev.Get(keySync); pending {
		return nil, spec.Errorf(spec.CodeMalformed, "an upload is pending")
	}
	ss, err := o.in.prepareSync(e, deposit)
	if err != nil {
		return nil, err
	}
	puts := map[string][]byte{keySync: mustJSON(ss)}
	if o.in.mutated(mutantResetAtUpload) {
		puts[keyLimits] = mustJSON(limitsState{})
	}
	e.dev.Commit(puts, nil)
	return ss.Sealed, nil
}

func (o *ownWallet) UploadAnswer(cleared bool, refused []string) error {
	return o.uploadAnswer(cleared, refused, nil)
}

// uploadAnswer is UploadAnswer committing also extra (a served
// element's revocation list) in the same write.
func (o *ownWallet) uploadAnswer(cleared bool, refused []string, extra map[string][]byte) error {
	e := o.e
	ss, pending := readJSON[syncState](e, keySync)
	if !pending {
		return spec.Errorf(spec.CodeMalformed, "no upload is pending")
	}
	if !cleared {
		e.dev.Commit(extra, []string{keySync})
		return nil
	}
	dels := []string{keySync}
	dels = append(dels, ss.Spent...)
	for _, k := range ss.Recv {
		if !slices.Contains(refused, strings.TrimPrefix(k, prefHold)) {
			dels = append(dels, k)
		}
	}
	dels = append(dels, ss.Void...)
	puts := map[string][]byte{keyLimits: mustJSON(limitsState{})}
	if o.in.mutated(mutantLimitsNotReset) {
		delete(puts, keyLimits)
	}
	maps.Copy(puts, extra)
	e.dev.Commit(puts, dels)
	return nil
}
