package vectors_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/vectors"
)

// scripted answers each case from a function of its tcId.
type scripted func(c vectors.Case) (vectors.Outcome, error)

func (s scripted) VerifyVector(_ context.Context, c vectors.Case) (vectors.Outcome, error) {
	return s(c)
}

func TestRunStatuses(t *testing.T) {
	ref := vectors.Reference()
	v := scripted(func(c vectors.Case) (vectors.Outcome, error) {
		switch {
		case c.Kind == "qr":
			return vectors.Outcome{}, fmt.Errorf("adapter: %w", vectors.ErrUnimplemented)
		case strings.HasSuffix(c.TcID, "-empty"):
			panic("boom")
		case strings.HasSuffix(c.TcID, "-truncated-1"):
			return vectors.Outcome{}, errors.New("timeout")
		case strings.HasSuffix(c.TcID, "-expired"):
			return vectors.Outcome{Valid: false, Error: "malformed"}, nil // wrong code
		case strings.Contains(c.TcID, "-valid-"):
			return vectors.Outcome{Valid: false, Error: "bad-signature"}, nil
		}
		return ref.VerifyVector(context.Background(), c)
	})
	r, err := vectors.Run(context.Background(), v, vectors.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]vectors.Status{}
	for _, c := range r.Cases {
		byID[c.TcID] = c.Status
	}
	for id, want := range map[string]vectors.Status{
		"chain-GM-qr-valid":                       vectors.StatusSkip,
		"spec-GM-coin-empty":                      vectors.StatusError,
		"spec-INTL-transfer-truncated-1":          vectors.StatusError,
		"spec-GM-certificate-expired":             vectors.StatusMismatch,
		"spec-GM-coin-valid-500":                  vectors.StatusMismatch,
		"spec-GM-coin-redenominated-500-to-10000": vectors.StatusPass,
		"spec-INTL-coin-high-s-twin":              vectors.StatusPass,
	} {
		if byID[id] != want {
			t.Errorf("%s: %s, want %s", id, byID[id], want)
		}
	}
	if r.OK() || r.Total.Skip == 0 || r.Total.Error == 0 || r.Total.Mismatch == 0 || r.Total.Pass == 0 {
		t.Errorf("totals %+v", r.Total)
	}
	if r.PerFlag["Valid"].Mismatch == 0 || r.PerKind["chain/qr"].Skip != r.PerKind["chain/qr"].Total() {
		t.Errorf("per-flag %+v, per-kind %+v", r.PerFlag["Valid"], r.PerKind["chain/qr"])
	}
	if len(r.Failures()) != r.Total.Mismatch+r.Total.Error {
		t.Error("Failures disagrees with the totals")
	}
}

func TestRunFilter(t *testing.T) {
	r, err := vectors.Run(context.Background(), vectors.Reference(), vectors.Filter{Suite: "INTL", Kind: "coin", Flag: "HighS"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cases) != 1 || r.Cases[0].TcID != "spec-INTL-coin-high-s-twin" || !r.OK() {
		t.Fatalf("filtered run: %+v", r.Cases)
	}
	r, err = vectors.Run(context.Background(), vectors.Reference(), vectors.Filter{IDs: []string{"spec-GM-coin-valid-1", "chain-INTL-qr-valid"}})
	if err != nil || len(r.Cases) != 2 {
		t.Fatalf("by id: %v %+v", err, r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := vectors.Run(ctx, vectors.Reference(), vectors.Filter{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
}

// Acceptable takes a valid answer or a canonical refusal, but not
// internal.
func TestJudgeAcceptable(t *testing.T) {
	tc := &vectors.Test{Result: vectors.ResultAcceptable}
	for o, want := range map[vectors.Outcome]vectors.Status{
		{Valid: true}:                          vectors.StatusPass,
		{Valid: false, Error: "bad-signature"}: vectors.StatusPass,
		{Valid: false, Error: "internal"}:      vectors.StatusMismatch,
		{Valid: false}:                         vectors.StatusMismatch,
	} {
		if got := vectors.Judge(tc, o); got != want {
			t.Errorf("%+v: %s, want %s", o, got, want)
		}
	}
}

// The reference verifier answers garbled inputs with an error, never a
// panic or a verdict.
func TestReferenceBadInput(t *testing.T) {
	ref := vectors.Reference()
	for _, c := range []vectors.Case{
		{Scheme: "spec", Suite: "GM", Kind: "coin", TcID: "x", Input: []byte(`{"coin":"zz","issuerPublicKey":""}`)},
		{Scheme: "spec", Suite: "GM", Kind: "coin", TcID: "x", Input: []byte(`{"coin":"00","extra":1}`)},
		{Scheme: "spec", Suite: "GM", Kind: "coin", TcID: "x", Input: []byte(`[]`)},
		{Scheme: "spec", Suite: "GM", Kind: "transfer", TcID: "x", Input: []byte(`{"certificates":["0"]}`)},
		{Scheme: "chain", Suite: "GM", Kind: "qr", TcID: "x", Input: []byte(`{"payee":"00","nonce":"00"}`)},
		{Scheme: "cert", Suite: "GM", Kind: "session", TcID: "x", Input: []byte(`{"payee":"00","messages":[{"to":"0"}]}`)},
		{Scheme: "chip", Suite: "INTL", Kind: "session", TcID: "x", Input: []byte(`{"payeeKey":"xx"}`)},
		{Scheme: "chain", Suite: "GM", Kind: "session", TcID: "x", Input: []byte(`{"payee":"00","messages":[{"to":"0"}]}`)},
		{Scheme: "chain", Suite: "INTL", Kind: "session", TcID: "x", Input: []byte(`{"chainKey":"xx"}`)},
		{Scheme: "chain", Suite: "GM", Kind: "session", TcID: "x", Input: []byte(`{"issuerPublicKey":"00"}`)},
		{Scheme: "chip", Suite: "GM", Kind: "apdu", Shape: "InitiatePay", TcID: "x", Input: []byte(`{"cardKey":"00","command":"00"}`)},
		{Scheme: "chip", Suite: "GM", Kind: "apdu", Shape: "InitiatePay", TcID: "x", Input: []byte(`{"holdings":["00"]}`)},
		{Scheme: "chip", Suite: "GM", Kind: "apdu", Shape: "RefuseCommand", TcID: "x", Input: []byte(`{"payeeCertificate":"00"}`)},
		{Scheme: "chain", Suite: "GM", Kind: "agree", TcID: "x", Input: []byte(`{"payer":"00"}`)},
		{Scheme: "chain", Suite: "GM", Kind: "agree", TcID: "x", Input: []byte(`{"payer":"0000000000000000000000000000000000000000","paid":["00"]}`)},
	} {
		if _, err := ref.VerifyVector(context.Background(), c); !errors.Is(err, vectors.ErrBadInput) {
			t.Errorf("%s: %v, want ErrBadInput", c.Input, err)
		}
	}
	for _, c := range []vectors.Case{
		{Scheme: "spec", Suite: "XX", Kind: "coin"},
		{Scheme: "chain", Suite: "GM", Kind: "apdu"},
	} {
		if _, err := ref.VerifyVector(context.Background(), c); !errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("%s/%s/%s: %v, want ErrUnimplemented", c.Scheme, c.Suite, c.Kind, err)
		}
	}
}
