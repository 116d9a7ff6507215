package coin

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func forEach(t *testing.T, f func(t *testing.T, s suite.Suite)) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) { f(t, s) })
	}
}

func issuer(t testing.TB, s suite.Suite) suite.PrivateKey {
	t.Helper()
	k, err := s.GenerateKey(detrand.New(1, "coin-test/issuer"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func serial(b byte) Serial {
	var s Serial
	for i := range s {
		s[i] = b + byte(i)
	}
	return s
}

func sample(t testing.TB, s suite.Suite) *Signed {
	t.Helper()
	c, err := Sign(issuer(t, s), New(serial(1), 500, Serial{}, "ICBC-0001"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code spec.Code) {
	t.Helper()
	if got := spec.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func TestRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		c := sample(t, s)
		b := c.Marshal()
		got, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("Parse(Marshal(c)) (-want +got):\n%s", diff)
		}
		if !bytes.Equal(got.Marshal(), b) {
			t.Fatal("Marshal(Parse(b)) != b")
		}
		if err := got.Check(issuer(t, s).Public()); err != nil {
			t.Fatalf("Check: %v", err)
		}
	})
}

func TestVerifyRefusesForgeries(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		c := sample(t, s)
		pub := issuer(t, s).Public()
		forger, _ := s.GenerateKey(detrand.New(2, "forger"))

		redenominated := *c
		redenominated.Denomination, redenominated.Unit = 10000, Yuan
		wantCode(t, redenominated.Verify(pub), spec.CodeBadSignature)

		relineaged := *c
		relineaged.Parent = serial(9)
		wantCode(t, relineaged.Verify(pub), spec.CodeBadSignature)

		fake, err := Sign(forger, c.Coin)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, fake.Verify(pub), spec.CodeBadSignature)
	})
}

func TestValidate(t *testing.T) {
	base := New(serial(1), 50, Serial{}, "A")
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		mut  func(c *Coin)
		code spec.Code
	}{
		{"version", func(c *Coin) { c.Version = 2 }, spec.CodeUnknownVersion},
		{"currency", func(c *Coin) { c.Currency = 840 }, spec.CodeBadCurrency},
		{"denomination", func(c *Coin) { c.Denomination = 30 }, spec.CodeBadDenomination},
		{"zero denomination", func(c *Coin) { c.Denomination = 0 }, spec.CodeBadDenomination},
		{"negative", func(c *Coin) { c.Denomination = -50 }, spec.CodeBadDenomination},
		{"unit", func(c *Coin) { c.Unit = Yuan }, spec.CodeValueMismatch},
		{"self parent", func(c *Coin) { c.Parent = c.Serial }, spec.CodeValueMismatch},
		{"zero serial", func(c *Coin) { c.Serial = Serial{} }, spec.CodeMalformed},
		{"no agent", func(c *Coin) { c.Agent = "" }, spec.CodeMalformed},
		{"space in agent", func(c *Coin) { c.Agent = "ICBC 0001" }, spec.CodeMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.mut(&c)
			wantCode(t, c.Validate(), tc.code)
			_, err := Sign(issuer(t, suite.Default()), c)
			wantCode(t, err, tc.code)
		})
	}
}

func TestUnitTable(t *testing.T) {
	for _, d := range Denominations {
		want := map[bool]Unit{true: Yuan, false: Jiao}[d >= 100]
		if d < 10 {
			want = Fen
		}
		if UnitFor(d) != want {
			t.Errorf("UnitFor(%d) = %s, want %s", d, UnitFor(d), want)
		}
	}
}

// Each encoded field is replaced by a non-canonical or out-of-profile form;
// every one must be refused with a typed error, never accepted or panicking.
func TestParseStrict(t *testing.T) {
	c := sample(t, suite.Default())
	good := c.Marshal()
	cases := map[string][]byte{
		"empty":            nil,
		"trailing byte":    append(bytes.Clone(good), 0),
		"truncated":        good[:len(good)-1],
		"wrong outer tag":  append([]byte{0x30}, good[1:]...),
		"long-form length": append([]byte{0x61, 0x81, good[1]}, good[2:]...),
		"oversize":         bytes.Repeat([]byte{0x61}, MaxCoinDER+1),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(b)
			wantCode(t, err, spec.CodeMalformed)
		})
	}
	t.Run("version 2", func(t *testing.T) {
		v2 := *c
		v2.Version = 2
		_, err := Parse(v2.Marshal())
		wantCode(t, err, spec.CodeUnknownVersion)
	})
	t.Run("zero parent spelled out", func(t *testing.T) {
		// Re-encode with a 16-byte zero parent instead of the empty string.
		tbs := c.TBS()
		i := bytes.Index(tbs, []byte{0x04, 0x00})
		if i < 0 {
			t.Fatal("no empty parent in TBS")
		}
		bad := append(append(bytes.Clone(tbs[:i]), append([]byte{0x04, 0x10}, make([]byte, 16)...)...), tbs[i+2:]...)
		bad[1] += 16
		_, err := parseTBS(bad)
		wantCode(t, err, spec.CodeMalformed)
	})
}

func TestSplit(t *testing.T) {
	p := New(serial(1), 500, Serial{}, "A")
	a, b := New(serial(20), 200, p.Serial, "A"), New(serial(40), 200, p.Serial, "A")
	c := New(serial(60), 100, p.Serial, "A")
	if err := CheckSplit(&p, []*Coin{&a, &b, &c}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b}), spec.CodeValueMismatch)
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b, &c, &c}), spec.CodeValueMismatch)
	wantCode(t, CheckSplit(&p, nil), spec.CodeValueMismatch)
	zero, neg := New(serial(70), 100, p.Serial, "A"), New(serial(80), -100, p.Serial, "A")
	zero.Denomination = 0
	big := New(serial(90), 200, p.Serial, "A")
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b, &c, &zero}), spec.CodeBadDenomination)
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b, &big, &neg}), spec.CodeBadDenomination)
	orphan := c
	orphan.Parent = serial(99)
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b, &orphan}), spec.CodeValueMismatch)
	dup := c
	dup.Serial = a.Serial
	wantCode(t, CheckSplit(&p, []*Coin{&a, &b, &dup}), spec.CodeValueMismatch)
}

// Property: MakeChange returns table denominations, largest first, that
// sum to the amount.
func TestMakeChangeProperty(t *testing.T) {
	props := gopter.NewProperties(gopter.DefaultTestParametersWithSeed(1))
	props.Property("change sums to amount", prop.ForAll(func(amount int64) bool {
		ds, err := MakeChange(amount)
		if err != nil {
			return false
		}
		var sum int64
		for i, d := range ds {
			if !ValidDenomination(d) || (i > 0 && d > ds[i-1]) {
				return false
			}
			sum += d
		}
		return sum == amount
	}, gen.Int64Range(1, 1_000_000)))
	props.TestingRun(t)
	if _, err := MakeChange(0); !errors.Is(err, spec.ErrValueMismatch) {
		t.Fatalf("MakeChange(0) error %v", err)
	}
}

// Property: any coin built from generated fields that passes Validate
// survives Sign → Marshal → Parse → Check unchanged, and every single-byte
// change to its encoding is refused (typed) or yields a coin that fails
// Check — a tampered coin is never accepted.
func TestCoinProperty(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		k := issuer(t, s)
		params := gopter.DefaultTestParametersWithSeed(2)
		params.MinSuccessfulTests = 40
		props := gopter.NewProperties(params)
		genCoin := gopter.CombineGens(
			gen.SliceOfN(16, gen.UInt8()), gen.IntRange(0, len(Denominations)-1),
			gen.SliceOfN(16, gen.UInt8()), gen.Bool(), gen.RegexMatch(`[A-Z]{1,4}-[0-9]{1,8}`),
		).Map(func(v []any) Coin {
			var ser, par Serial
			copy(ser[:], v[0].([]uint8))
			copy(par[:], v[2].([]uint8))
			if !v[3].(bool) {
				par = Serial{}
			}
			ser[0] |= 1 // never the reserved zero serial
			return New(ser, Denominations[v[1].(int)], par, v[4].(string))
		})
		props.Property("sign/parse/check round trip; tampering refused", prop.ForAll(
			func(c Coin, pos int, flip uint8) string {
				signed, err := Sign(k, c)
				if err != nil {
					return "Sign: " + err.Error()
				}
				b := signed.Marshal()
				got, err := Parse(b)
				if err != nil {
					return "Parse: " + err.Error()
				}
				if diff := cmp.Diff(signed, got); diff != "" {
					return "round trip (-want +got):\n" + diff
				}
				if err := got.Check(k.Public()); err != nil {
					return "Check: " + err.Error()
				}
				bad := bytes.Clone(b)
				bad[pos%len(bad)] ^= flip | 1
				t2, err := Parse(bad)
				if err != nil {
					if spec.CodeOf(err) == spec.CodeInternal {
						return "untyped parse error: " + err.Error()
					}
					return ""
				}
				if !bytes.Equal(t2.Marshal(), bad) {
					return "accepted input does not round-trip"
				}
				if t2.Check(k.Public()) == nil {
					return "tampered coin passes Check"
				}
				return ""
			}, genCoin, gen.IntRange(0, 1<<16), gen.UInt8()))
		props.TestingRun(t)
	})
}
