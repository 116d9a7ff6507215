package vectors_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// A valid InitiatePay case is passed only with the TRANSFER the card
// sends, verified as the payee terminal would: the reference's passes; a
// bare "valid", a TRANSFER altered after signing, and one spending a coin
// the card was not given are mismatches.
func TestSenderOutputVerified(t *testing.T) {
	ref := vectors.Reference()
	for _, id := range []string{"chip-GM-apdu-pay-eight-coins", "chip-INTL-apdu-pay-eight-coins"} {
		var c vectors.Case
		for _, f := range load(t) {
			for _, tc := range f.Tests() {
				if tc.TcID == id {
					c = f.Case(tc)
				}
			}
		}
		if c.TcID == "" {
			t.Fatalf("no case %s", id)
		}
		o, err := ref.VerifyVector(context.Background(), c)
		if err != nil || !o.Valid || o.Output == "" {
			t.Fatalf("%s: reference %+v, %v", id, o, err)
		}
		if err := vectors.CheckOutput(c, o); err != nil {
			t.Errorf("%s: the reference's own TRANSFER: %v", id, err)
		}
		out, _ := hex.DecodeString(o.Output)
		flipped := append([]byte(nil), out...)
		flipped[len(flipped)-10] ^= 0x01 // inside the last record's signature
		var in map[string]any
		if err := json.Unmarshal(c.Input, &in); err != nil {
			t.Fatal(err)
		}
		in["holdings"] = in["holdings"].([]any)[1:]
		fewer := c
		fewer.Input, _ = json.Marshal(in)
		for _, bad := range []struct {
			name string
			c    vectors.Case
			o    vectors.Outcome
			want string
		}{
			{"bare valid", c, vectors.Outcome{Valid: true}, "without the output"},
			{"not hex", c, vectors.Outcome{Valid: true, Output: "zz"}, "not lowercase hex"},
			{"altered", c, vectors.Outcome{Valid: true, Output: hex.EncodeToString(flipped)}, "terminal refuses"},
			{"coin not held", fewer, o, "does not hold"},
		} {
			err := vectors.CheckOutput(bad.c, bad.o)
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%s, %s: %v, want an error saying %q", id, bad.name, err, bad.want)
			}
		}
		v := scripted(func(vectors.Case) (vectors.Outcome, error) { return vectors.Outcome{Valid: true}, nil })
		r, err := vectors.Run(context.Background(), v, vectors.Filter{IDs: []string{id}})
		if err != nil || len(r.Cases) != 1 || r.Cases[0].Status != vectors.StatusMismatch {
			t.Errorf("%s: a bare valid through Run: %+v, %v", id, r.Cases, err)
		}
	}
}

// caseByID is the embedded case id.
func caseByID(t *testing.T, id string) vectors.Case {
	t.Helper()
	for _, f := range load(t) {
		for _, tc := range f.Tests() {
			if tc.TcID == id {
				return f.Case(tc)
			}
		}
	}
	t.Fatalf("no case %s", id)
	return vectors.Case{}
}

// withMember is c with input member k set to v.
func withMember(t *testing.T, c vectors.Case, k string, v any) vectors.Case {
	t.Helper()
	var in map[string]any
	if err := json.Unmarshal(c.Input, &in); err != nil {
		t.Fatal(err)
	}
	in[k] = v
	c.Input, _ = json.Marshal(in)
	return c
}

// A payer-side input that contradicts itself is bad input, not a verdict:
// a card key that is not its certificate's, a card id other than the
// certificate's, a logged challenge of the wrong length, a log entry with
// a record missing.
func TestPayerInputsChecked(t *testing.T) {
	ref := vectors.Reference()
	for _, sid := range []string{"GM", "INTL"} {
		pay := caseByID(t, "chip-"+sid+"-apdu-pay-eight-coins")
		refuse := caseByID(t, "chip-"+sid+"-apdu-refuse-after-confirm")
		for _, c := range []vectors.Case{pay, refuse} {
			if o, err := ref.VerifyVector(context.Background(), c); err != nil || !o.Valid {
				t.Fatalf("%s: %+v, %v, want valid", c.TcID, o, err)
			}
		}
		otherKey := strings.Repeat("01", 32)
		otherCard := hex.EncodeToString([]byte("wallet-bob"))
		for name, c := range map[string]vectors.Case{
			"pay, another key":          withMember(t, pay, "cardKey", otherKey),
			"pay, another card id":      withMember(t, pay, "card", otherCard),
			"refuse, another key":       withMember(t, refuse, "cardKey", otherKey),
			"refuse, another card id":   withMember(t, refuse, "card", otherCard),
			"refuse, 15-byte challenge": withMember(t, refuse, "challenge", strings.Repeat("ab", 15)),
			"refuse, 17-byte challenge": withMember(t, refuse, "challenge", strings.Repeat("ab", 17)),
			"refuse, no record":         withMember(t, refuse, "records", []string{}),
			"refuse, payee not a cert":  withMember(t, refuse, "payeeCertificate", "00"),
			"refuse, initiate not hex":  withMember(t, refuse, "initiate", "zz"),
		} {
			if o, err := ref.VerifyVector(context.Background(), c); !errors.Is(err, vectors.ErrBadInput) {
				t.Errorf("%s %s: %+v, %v, want ErrBadInput", sid, name, o, err)
			}
		}
	}
}

// A valid RefuseCommand case (a REFUSE the card does not take) is passed
// only with the TRANSFER the card answers the INITIATE with, verified as
// InitiatePay's.
func TestRefuseOutputVerified(t *testing.T) {
	ref := vectors.Reference()
	for _, sid := range []string{"GM", "INTL"} {
		c := caseByID(t, "chip-"+sid+"-apdu-refuse-after-confirm")
		o, err := ref.VerifyVector(context.Background(), c)
		if err != nil || !o.Valid || o.Output == "" {
			t.Fatalf("%s: reference %+v, %v", c.TcID, o, err)
		}
		if err := vectors.CheckOutput(c, o); err != nil {
			t.Errorf("%s: the reference's own TRANSFER: %v", c.TcID, err)
		}
		if err := vectors.CheckOutput(c, vectors.Outcome{Valid: true}); err == nil {
			t.Errorf("%s: a bare valid passes", c.TcID)
		}
	}
}

// A valid AgreementPay case is passed only with the payment the wallet
// shows, verified as the agreement's payee would: the reference's passes;
// a bare "valid", a payment altered after signing, one carrying another
// certificate than the wallet's, and re-signed ones whose sealed transfer
// is garbage, uncommitted, to another payee, of another escrow or spends a
// coin the wallet was not given are mismatches.
func TestAgreePayOutputVerified(t *testing.T) {
	ref := vectors.Reference()
	for _, id := range []string{"chain-GM-agree-pay-valid", "chain-INTL-agree-pay-four-coins"} {
		c := caseByID(t, id)
		o, err := ref.VerifyVector(context.Background(), c)
		if err != nil || !o.Valid || o.Output == "" {
			t.Fatalf("%s: reference %+v, %v", id, o, err)
		}
		if err := vectors.CheckOutput(c, o); err != nil {
			t.Errorf("%s: the reference's own payment: %v", id, err)
		}
		out, _ := hex.DecodeString(o.Output)
		flipped := append([]byte(nil), out...)
		flipped[len(flipped)-10] ^= 0x01 // inside the signature
		var in map[string]any
		if err := json.Unmarshal(c.Input, &in); err != nil {
			t.Fatal(err)
		}
		other := withMember(t, c, "walletCertificate", in["root"])
		for _, bad := range []struct {
			name string
			c    vectors.Case
			o    vectors.Outcome
			want string
		}{
			{"bare valid", c, vectors.Outcome{Valid: true}, "without the output"},
			{"altered", c, vectors.Outcome{Valid: true, Output: hex.EncodeToString(flipped)}, "payee refuses"},
			{"another certificate", other, o, "other than the wallet's"},
			{"garbage sealed, re-signed", c, resealed(t, c, out, func(p *chain.Payment, _ *chain.Transfer) { p.Sealed = bytes.Repeat([]byte{0x5a}, 100) }), "does not open"},
			{"zero commitment, re-signed", c, resealed(t, c, out, func(p *chain.Payment, _ *chain.Transfer) { p.Commitment = [chain.IDSize]byte{} }), "commitment is not the hash"},
			{"other sealed payee, re-signed", c, resealed(t, c, out, func(_ *chain.Payment, tr *chain.Transfer) { tr.Payee[0] ^= 1 }), "sealed payee"},
			{"other escrow, re-signed", c, resealed(t, c, out, func(_ *chain.Payment, tr *chain.Transfer) { tr.Escrow++ }), "escrow"},
			{"an input not the wallet's, re-signed", c, resealed(t, c, out, func(_ *chain.Payment, tr *chain.Transfer) { tr.Inputs[0].Index ^= 0x100 }), "not a coin of the wallet"},
		} {
			err := vectors.CheckOutput(bad.c, bad.o)
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%s, %s: %v, want an error saying %q", id, bad.name, err, bad.want)
			}
		}
	}
}

// resealed is the payment out of an AgreementPay case c, its sealed
// transfer opened with the vectors' chain key, changed by f (the transfer
// and the clear payment), sealed again (unless f replaced the sealed
// bytes), committed again (unless f changed the commitment) and re-signed
// with the wallet's key: what a vendor's wallet might show.
func resealed(t *testing.T, c vectors.Case, out []byte, f func(*chain.Payment, *chain.Transfer)) vectors.Outcome {
	t.Helper()
	var in chain.AgreePayInput
	if err := json.Unmarshal(c.Input, &in); err != nil {
		t.Fatal(err)
	}
	s := vgen.MustSuite(suite.ID(c.Suite))
	g := &vgen.Gen{S: s, ID: string(s.ID())}
	chainKey := g.Key("chain")
	kb, _ := hex.DecodeString(in.WalletKey)
	key, err := suite.PrivateKeyFromBytes(s, kb)
	if err != nil || g.Err != nil {
		t.Fatal(err, g.Err)
	}
	p, err := chain.ParsePayment(out)
	if err != nil {
		t.Fatal(err)
	}
	info := []byte("dualoffline/chain/transfer/v1") // spec/formats-schemes.md
	plain, err := chainKey.Open(p.Sealed, info)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := chain.ParseTransfer(plain)
	if err != nil {
		t.Fatal(err)
	}
	sealed, commitment := p.Sealed, p.Commitment
	f(p, tr)
	if bytes.Equal(sealed, p.Sealed) && commitment == p.Commitment {
		plain = tr.Marshal()
		if p.Sealed, err = chainKey.Public().Seal(detrand.New(1, "resealed"), plain, info); err != nil {
			t.Fatal(err)
		}
		copy(p.Commitment[:], s.Hash(plain))
	}
	if p.Signature, err = key.Sign(p.TBS()); err != nil {
		t.Fatal(err)
	}
	return vectors.Outcome{Valid: true, Output: hex.EncodeToString(p.Marshal())}
}

// Byte strings in a case's input are lowercase hex (PROTOCOL.md): a
// HelloPay nonce already paid, spelled in uppercase, is bad input, not a
// fresh nonce the wallet pays again, and not a replay either.
func TestUppercaseHexIsBadInput(t *testing.T) {
	ref := vectors.Reference()
	for _, sid := range []string{"GM", "INTL"} {
		c := caseByID(t, "cert-"+sid+"-message-hello-pay-already-paid")
		if o, err := ref.VerifyVector(context.Background(), c); err != nil || o.Valid || o.Error != "replay" {
			t.Fatalf("%s: %+v, %v, want replay", c.TcID, o, err)
		}
		var in struct {
			Paid []string `json:"paid"`
		}
		if err := json.Unmarshal(c.Input, &in); err != nil || len(in.Paid) == 0 {
			t.Fatalf("%s: paid %v, %v", c.TcID, in.Paid, err)
		}
		upper := withMember(t, c, "paid", []string{strings.ToUpper(in.Paid[0])})
		if o, err := ref.VerifyVector(context.Background(), upper); !errors.Is(err, vectors.ErrBadInput) {
			t.Errorf("%s, the paid nonce in uppercase: %+v, %v, want ErrBadInput", c.TcID, o, err)
		}
	}
}

// The largest first: the inputs of chain-*-agree-pay-largest-first (2000
// then 1500 out of four coins of 100 and those two), reversed and
// re-signed, are a mismatch.
func TestAgreePayLargestFirst(t *testing.T) {
	ref := vectors.Reference()
	for _, sid := range []string{"GM", "INTL"} {
		c := caseByID(t, "chain-"+sid+"-agree-pay-largest-first")
		o, err := ref.VerifyVector(context.Background(), c)
		if err != nil || !o.Valid || o.Output == "" {
			t.Fatalf("%s: reference %+v, %v", c.TcID, o, err)
		}
		if err := vectors.CheckOutput(c, o); err != nil {
			t.Errorf("%s: the reference's own payment: %v", c.TcID, err)
		}
		out, _ := hex.DecodeString(o.Output)
		reversed := resealed(t, c, out, func(_ *chain.Payment, tr *chain.Transfer) {
			if len(tr.Inputs) != 2 {
				t.Fatalf("%s: %d inputs, want 2", c.TcID, len(tr.Inputs))
			}
			slices.Reverse(tr.Inputs)
		})
		if err := vectors.CheckOutput(c, reversed); err == nil || !strings.Contains(err.Error(), "not the largest first") {
			t.Errorf("%s, the inputs reversed: %v, want an error saying %q", c.TcID, err, "not the largest first")
		}
	}
}

// Inputs no wallet could hold are bad input, not a verdict: an
// AgreementPay coin of 2^62 fen, a coin point listed twice, a negative
// spent or count; a HelloPay negative spent or count.
func TestPayInputsChecked(t *testing.T) {
	ref := vectors.Reference()
	for _, sid := range []string{"GM", "INTL"} {
		agree := caseByID(t, "chain-"+sid+"-agree-pay-valid")
		hello := caseByID(t, "cert-"+sid+"-message-hello-pay-eight-coins")
		var in chain.AgreePayInput
		if err := json.Unmarshal(agree.Input, &in); err != nil || len(in.Coins) == 0 {
			t.Fatal(err)
		}
		huge := slices.Clone(in.Coins)
		huge[0].Value = 1 << 62
		twice := append(slices.Clone(in.Coins), in.Coins[0])
		twice[len(twice)-1].Value = 1
		for name, c := range map[string]vectors.Case{
			"agree, a coin of 2^62 fen": withMember(t, agree, "coins", huge),
			"agree, a point twice":      withMember(t, agree, "coins", twice),
			"agree, negative spent":     withMember(t, agree, "spent", -1),
			"agree, negative payments":  withMember(t, agree, "payments", -1),
			"hello, negative spent":     withMember(t, hello, "spent", -1),
			"hello, negative payments":  withMember(t, hello, "payments", -1),
		} {
			if o, err := ref.VerifyVector(context.Background(), c); !errors.Is(err, vectors.ErrBadInput) {
				t.Errorf("%s %s: %+v, %v, want ErrBadInput", sid, name, o, err)
			}
		}
	}
}
