package chain

import (
	"bytes"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func newLiteral(t *testing.T, s suite.Suite) *Instance {
	t.Helper()
	in, err := Scheme{Literal: true}.New(world.New(7), models.Config{Suite: s})
	if err != nil {
		t.Fatal(err)
	}
	return in.(*Instance)
}

// TestLiteralPayment: a chain-literal payment carries in the clear only
// the certificate, the ciphertext, the commitment, the signature and the
// lock; it round-trips, fits the QR code at its largest, settles the
// amount sealed in it, and the payee takes a stale one that chain's payee
// refuses.
func TestLiteralPayment(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newLiteral(t, s)
		mustFund(t, in, "wallet-A", 1000)
		p, err := in.Pay("wallet-A", "wallet-B", 230, nil)
		if err != nil || !p.Paid || !p.Received {
			t.Fatalf("literal payment: %+v %v", p, err)
		}
		qr := in.Own["wallet-B"].inEntries()[0]
		raw := qr.p.Marshal()
		parsed, err := ParsePayment(raw)
		if err != nil || !bytes.Equal(parsed.Marshal(), raw) || parsed.Version != Version2 {
			t.Fatalf("round trip: %v", err)
		}
		if parsed.Amount != 0 || parsed.Payer != (Address{}) || parsed.Payee != (Address{}) {
			t.Fatalf("a literal payment shows amount %d, payer %s, payee %s in the clear", parsed.Amount, parsed.Payer, parsed.Payee)
		}
		payer := in.addrs["wallet-A"]
		if bytes.Contains(raw, payer[:]) {
			t.Fatal("the payer's address is in the clear")
		}
		mustReconcile(t, in, "wallet-A", "wallet-B")
		if got := in.View("wallet-B").Offline(); got != 230 {
			t.Fatalf("payee holds %d fen after settlement, want 230", got)
		}

		// At its largest it fits the code.
		wl := in.Own["wallet-A"]
		var inputs []walletCoin
		for i := range MaxInputs {
			var op OutPoint
			for j := range op.Tx {
				op.Tx[j] = 0xFF
			}
			op.Index = uint16(0xFFFF - i)
			inputs = append(inputs, walletCoin{Point: op.bytes(), Value: coin.MaxChangeAmount / MaxInputs})
		}
		var payee Address
		for j := range payee {
			payee[j] = 0xFF
		}
		wl.dev.SetSkew(100 * 365 * 24 * time.Hour)
		big, _, err := wl.build(payee, coin.MaxChangeAmount, [NonceSize]byte{0xFF}, inputs)
		if err != nil || len(big) > MaxPaymentDER {
			t.Fatalf("largest literal payment: %d bytes, %v", len(big), err)
		}
		wl.dev.SetSkew(0)

		// A bad lock is refused by payee and nodes alike.
		bad := *parsed
		bad.Lock[0] ^= 1
		if err := in.bb.fillLiteral(&bad); spec.CodeOf(err) != spec.CodeBadSeal {
			t.Fatalf("nodes on a bad lock: %v", err)
		}
	})
}

// TestLiteralPayeeTakesStale: the literal payee cannot read the sealed
// timestamp, so it takes an insider's stale payment (chain-literal's
// documented R1.2 violation); chain's payee refuses it.
func TestLiteralPayeeTakesStale(t *testing.T) {
	for _, literal := range []bool{false, true} {
		in, err := Scheme{Literal: literal}.New(world.New(7), models.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ci := in.(*Instance)
		mustFund(t, ci, "wallet-A", 1000)
		if err := ci.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderStaleTime}); err != nil {
			t.Fatal(err)
		}
		p, err := ci.Pay("wallet-A", "wallet-B", 100, nil)
		if err != nil || p.Received != literal {
			t.Fatalf("literal %v: received %v, want %v (%v)", literal, p.Received, literal, err)
		}
	}
}

// TestVariantsRefuseEachOthersPayments: chain's payee and nodes refuse a
// literal payment (which would skip the payee's checks), and
// chain-literal's refuse a version-1 payment, with unknown-version.
func TestVariantsRefuseEachOthersPayments(t *testing.T) {
	lit, rep := newLiteral(t, suite.Default()), newScheme(t, Scheme{})
	for _, in := range []*Instance{lit, rep} {
		mustFund(t, in, "wallet-A", 1000)
	}
	qrOf := func(in *Instance) []byte {
		wl := in.Own["wallet-A"]
		var picked []walletCoin
		for _, c := range wl.coins {
			picked = append(picked, *c)
			break
		}
		qr, _, err := wl.build(in.addrs["wallet-B"], 1, [NonceSize]byte{}, picked)
		if err != nil {
			t.Fatal(err)
		}
		return qr
	}
	for _, c := range []struct {
		name string
		in   *Instance
		qr   []byte
	}{{"chain payee, literal payment", rep, qrOf(lit)}, {"literal payee, chain payment", lit, qrOf(rep)}} {
		wl := c.in.Own["wallet-B"]
		wl.req = &request{amount: 1}
		if err := wl.receive(c.qr); spec.CodeOf(err) != spec.CodeUnknownVersion {
			t.Errorf("%s: payee %v, want unknown-version", c.name, err)
		}
		p, err := ParsePayment(c.qr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.in.bb.checkPayment(&Tx{Payment: p}); spec.CodeOf(err) != spec.CodeUnknownVersion {
			t.Errorf("%s: nodes %v, want unknown-version", c.name, err)
		}
	}
}
