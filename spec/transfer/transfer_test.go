package transfer

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type fixture struct {
	s      suite.Suite
	issuer suite.PrivateKey
	root   *devcert.Authority
	keys   map[string]suite.PrivateKey
	certs  map[string]*devcert.Certificate
	crl    *devcert.RevocationList
}

func newFixture(t testing.TB, s suite.Suite) *fixture {
	t.Helper()
	r := detrand.New(1, "transfer-test")
	must := func(k suite.PrivateKey, err error) suite.PrivateKey {
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	f := &fixture{s: s, issuer: must(s.GenerateKey(r)), keys: map[string]suite.PrivateKey{}, certs: map[string]*devcert.Certificate{}}
	var err error
	if f.root, err = devcert.NewRoot(s, must(s.GenerateKey(r)), "PBOC", 1, t0, t0.Add(10*365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"AGENT", "A", "B", "C"} {
		role := devcert.RoleWallet
		if id == "AGENT" {
			role = devcert.RoleAgent
		}
		f.keys[id] = must(s.GenerateKey(r))
		if f.certs[id], err = f.root.Issue(devcert.Template{Serial: uint64(10 + i), ID: id, Role: role, PublicKey: f.keys[id].Public(), NotBefore: t0, NotAfter: t0.Add(365 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) lookup(id string) (*devcert.Certificate, error) {
	c, ok := f.certs[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "unknown device %q", id)
	}
	if err := c.Verify(f.root.Cert, t0.Add(time.Hour), f.crl); err != nil {
		return nil, err
	}
	return c, nil
}

func (f *fixture) rootCoin(t testing.TB, value int64) *coin.Signed {
	t.Helper()
	var ser coin.Serial
	ser[0] = byte(value)
	ser[15] = 1
	c, err := coin.Sign(f.issuer, coin.New(ser, value, coin.Serial{}, "AGENT"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pay moves amount of h from its holder to payee and returns the payee's
// and the payer's new holdings.
func (f *fixture) pay(t testing.TB, h *Holding, from, to string, amount int64, counter uint64) (*Signed, []*Holding) {
	t.Helper()
	value := h.Root.Denomination
	if n := len(h.Chain); n > 0 {
		for _, o := range h.Chain[n-1].Outputs {
			if o.Serial == h.Serial {
				value = o.Value
			}
		}
	}
	outs, err := Split(h.Serial, value, amount, from, to)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Sign(f.keys[from], Record{Version: Version1, Parent: h.Serial, ParentValue: value, Outputs: outs, Payer: from, Payee: to, Counter: counter})
	if err != nil {
		t.Fatal(err)
	}
	var hs []*Holding
	for _, o := range outs {
		hs = append(hs, h.Extend(rec, o.Serial))
	}
	return rec, hs
}

func forEach(t *testing.T, f func(t *testing.T, fx *fixture)) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) { f(t, newFixture(t, s)) })
	}
}

func wantCode(t *testing.T, err error, code spec.Code) {
	t.Helper()
	if got := spec.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, fx *fixture) {
		h := &Holding{Root: fx.rootCoin(t, 1000), Serial: fx.rootCoin(t, 1000).Serial}
		rec, _ := fx.pay(t, h, "AGENT", "A", 1000, 1)
		b := rec.Marshal()
		got, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rec, got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		if !bytes.Equal(got.Marshal(), b) {
			t.Fatal("re-encoding differs")
		}
		if err := got.Verify(fx.keys["AGENT"].Public()); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, len(b) - 1} {
			_, err := Parse(b[:n])
			wantCode(t, err, spec.CodeMalformed)
		}
		_, err = Parse(append(bytes.Clone(b), 0))
		wantCode(t, err, spec.CodeMalformed)
	})
}

func TestLineage(t *testing.T) {
	forEach(t, func(t *testing.T, fx *fixture) {
		root := fx.rootCoin(t, 1000)
		h0 := &Holding{Root: root, Serial: root.Serial}
		_, toA := fx.pay(t, h0, "AGENT", "A", 1000, 1)
		_, toB := fx.pay(t, toA[0], "A", "B", 230, 1) // A pays 230 out of 1000
		var bHold, aChange []*Holding
		for _, h := range toB {
			o, err := h.Verify(fx.issuer.Public(), fx.lookup)
			if err != nil {
				t.Fatal(err)
			}
			if o.Holder == "B" {
				bHold = append(bHold, h)
			} else {
				aChange = append(aChange, h)
			}
		}
		sum := func(hs []*Holding) (v int64) {
			for _, h := range hs {
				o, _ := h.Verify(fx.issuer.Public(), fx.lookup)
				v += o.Value
			}
			return v
		}
		if sum(bHold) != 230 || sum(aChange) != 770 {
			t.Fatalf("B holds %d, A keeps %d; want 230 and 770", sum(bHold), sum(aChange))
		}
		// The holding survives its encoding.
		enc := bHold[0].Marshal()
		back, err := ParseHolding(enc)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(bHold[0]) {
			t.Fatal("holding round trip differs")
		}

		// B cannot spend A's change: the record is signed by B for a coin A holds.
		outs, _ := Split(aChange[0].Serial, 500, 500, "B", "C")
		theft, _ := Sign(fx.keys["B"], Record{Version: 1, Parent: aChange[0].Serial, ParentValue: 500, Outputs: outs, Payer: "B", Payee: "C"})
		_, err = aChange[0].Extend(theft, outs[0].Serial).Verify(fx.issuer.Public(), fx.lookup)
		wantCode(t, err, spec.CodeWrongRecipient)

		// A forged signature on a correctly named record.
		forged, _ := Sign(fx.keys["B"], Record{Version: 1, Parent: aChange[0].Serial, ParentValue: 500, Outputs: outs, Payer: "A", Payee: "C"})
		forged.Outputs = outs
		_, err = aChange[0].Extend(forged, outs[0].Serial).Verify(fx.issuer.Public(), fx.lookup)
		if spec.CodeOf(err) != spec.CodeBadSignature && spec.CodeOf(err) != spec.CodeWrongRecipient {
			t.Fatalf("forged record: %v", err)
		}

		// Revoke A: its records no longer verify.
		var err2 error
		fx.crl, err2 = fx.root.Revoke(1, t0, t0.Add(24*time.Hour), fx.certs["A"].Serial)
		if err2 != nil {
			t.Fatal(err2)
		}
		_, err = bHold[0].Verify(fx.issuer.Public(), fx.lookup)
		wantCode(t, err, spec.CodeCertRevoked)
	})
}

func TestForgedLineageRefused(t *testing.T) {
	fx := newFixture(t, suite.Default())
	root := fx.rootCoin(t, 1000)
	h0 := &Holding{Root: root, Serial: root.Serial}
	rec, toA := fx.pay(t, h0, "AGENT", "A", 1000, 1)

	for name, tc := range map[string]struct {
		mut  func(r *Record)
		code spec.Code
	}{
		// Consistent within the record; only the lineage shows the lie.
		"inflated parent value": {func(r *Record) { r.ParentValue = 2000; r.Outputs[0].Value = 2000 }, ""},
		"outputs exceed parent": {func(r *Record) {
			r.Outputs = append(r.Outputs, Output{Serial: ChildSerial(r.Parent, 1), Value: 1, Holder: "A"})
		}, spec.CodeValueMismatch},
		"fresh child serial": {func(r *Record) { r.Outputs[0].Serial[0] ^= 1 }, spec.CodeValueMismatch},
		"off-table value":    {func(r *Record) { r.Outputs[0].Value = 999 }, spec.CodeBadDenomination},
		"third-party output": {func(r *Record) { r.Outputs[0].Holder = "C" }, spec.CodeWrongRecipient},
		"self payment":       {func(r *Record) { r.Payee = r.Payer }, spec.CodeWrongRecipient},
		"version":            {func(r *Record) { r.Version = 2 }, spec.CodeUnknownVersion},
	} {
		t.Run(name, func(t *testing.T) {
			r := rec.Record
			r.Outputs = append([]Output(nil), rec.Outputs...)
			tc.mut(&r)
			wantCode(t, r.Validate(), tc.code)
			if tc.code != "" {
				_, err := Sign(fx.keys["AGENT"], r)
				wantCode(t, err, tc.code)
			}
			// Signed anyway (a compromised device skips Validate): the
			// holding still does not verify.
			sig, _ := fx.keys["AGENT"].Sign(r.TBS())
			s := &Signed{Record: r, Signature: sig}
			if _, err := h0.Extend(s, r.Outputs[0].Serial).Verify(fx.issuer.Public(), fx.lookup); err == nil {
				t.Fatal("holding with a forged record verifies")
			}
		})
	}
	// A wallet cannot play the agent for the first hop.
	outs, _ := Split(root.Serial, 1000, 1000, "AGENT", "B")
	r := Record{Version: 1, Parent: root.Serial, ParentValue: 1000, Outputs: outs, Payer: "AGENT", Payee: "B"}
	sig, _ := fx.keys["A"].Sign(r.TBS())
	_, err := h0.Extend(&Signed{Record: r, Signature: sig}, outs[0].Serial).Verify(fx.issuer.Public(), fx.lookup)
	wantCode(t, err, spec.CodeBadSignature)
	if _, err := toA[0].Verify(fx.issuer.Public(), fx.lookup); err != nil {
		t.Fatalf("the genuine holding no longer verifies: %v", err)
	}
}

// Property: for any parent denomination and amount up to it, Split gives
// outputs that pass Validate, pay exactly amount to the payee and return
// the rest.
func TestSplitProperty(t *testing.T) {
	props := gopter.NewProperties(gopter.DefaultTestParametersWithSeed(3))
	props.Property("split conserves value", prop.ForAll(func(di int, frac float64) string {
		parent := coin.Denominations[di]
		amount := 1 + int64(frac*float64(parent-1))
		var p coin.Serial
		p[3] = byte(di)
		outs, err := Split(p, parent, amount, "A", "B")
		if err != nil {
			return err.Error()
		}
		r := Record{Version: 1, Parent: p, ParentValue: parent, Outputs: outs, Payer: "A", Payee: "B"}
		if err := r.Validate(); err != nil {
			return err.Error()
		}
		if r.PaidTo("B") != amount || r.PaidTo("A") != parent-amount {
			return fmt.Sprintf("paid %d/%d, want %d/%d", r.PaidTo("B"), r.PaidTo("A"), amount, parent-amount)
		}
		return ""
	}, gen.IntRange(0, len(coin.Denominations)-1), gen.Float64Range(0, 1)))
	props.TestingRun(t)
}

func TestValidateIDsAndCounter(t *testing.T) {
	var p coin.Serial
	p[0] = 1
	outs, _ := Split(p, 100, 100, "A", "B")
	base := Record{Version: 1, Parent: p, ParentValue: 100, Outputs: outs, Payer: "A", Payee: "B"}
	for name, mut := range map[string]func(r *Record){
		"space in payer": func(r *Record) { r.Payer = "A B" },
		"empty payee":    func(r *Record) { r.Payee = "" },
		"counter 2^63":   func(r *Record) { r.Counter = 1 << 63 },
	} {
		t.Run(name, func(t *testing.T) {
			r := base
			r.Outputs = append([]Output(nil), base.Outputs...)
			mut(&r)
			wantCode(t, r.Validate(), spec.CodeMalformed)
		})
	}
	nothing := base
	nothing.Outputs = []Output{{Serial: ChildSerial(p, 0), Value: 100, Holder: "A"}}
	wantCode(t, nothing.Validate(), spec.CodeValueMismatch)
}
