//go:build unix

package remote

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/adapter/adaptertest"
	"github.com/dualoffline/dualoffline/vectors"
)

// TestVerifierStrictAnswers: a verify result that gives no verdict, or a
// refusal with no reason, is a protocol error of that case (an
// *AnswerError, reported as an error, never as a mismatch), and the process
// stays in use; {"valid": false, "error": "unimplemented"} is a skip that
// shows its reason.
func TestVerifierStrictAnswers(t *testing.T) {
	adaptertest.Hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		v := NewVerifier(p, nil)
		ctx := context.Background()
		pid := p.Pid()
		for _, tc := range []struct {
			raw  string
			want AnswerKind
		}{
			{`{"valid":false}`, AnswerNoReason},
			{`{"valid":false,"error":""}`, AnswerNoReason},
			{`{}`, AnswerEmpty},
			{`{"error":"malformed"}`, AnswerEmpty},
			{`{"valid":"false","error":"malformed"}`, AnswerEmpty},
			{`[]`, AnswerEmpty},
			{`null`, AnswerNull},
			{`{"valid":true,"error":"replay"}`, AnswerValidWithError},
			{`{"valid":false,"error":"VENDOR_X"}`, AnswerUnknownName},
		} {
			_, err := v.VerifyVector(ctx, stubCase("s", stubInput{Raw: tc.raw}))
			var ae *AnswerError
			if !errors.As(err, &ae) || ae.Kind != tc.want || errors.Is(err, vectors.ErrUnimplemented) {
				t.Errorf("result %s: %v, want an AnswerError of kind %s", tc.raw, err, tc.want)
			}
		}
		var se *SkipError
		_, err := v.VerifyVector(ctx, stubCase("u", stubInput{Raw: `{"valid":false,"error":"unimplemented","message":"no SM4 engine"}`}))
		if !errors.As(err, &se) || se.Why != SkipUnimplemented || se.Reason != "no SM4 engine" || !errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("unimplemented refusal: %v", err)
		}
		_, err = v.VerifyVector(ctx, stubCase("u2", stubInput{Raw: `{"valid":false,"error":"unimplemented"}`}))
		if !errors.As(err, &se) || se.Why != SkipUnimplemented || !strings.Contains(se.Reason, "unimplemented") {
			t.Errorf("unimplemented refusal without message: %v", err)
		}
		if o, err := v.VerifyVector(ctx, stubCase("ok", stubInput{Error: "replay"})); err != nil || o != (vectors.Outcome{Error: "replay"}) {
			t.Errorf("a refusal with its reason: %+v, %v", o, err)
		}
		if p.Pid() != pid || v.Restarts() != 0 {
			t.Errorf("an answer error restarted the process (restarts %d)", v.Restarts())
		}
		p.Close()
		return []int{pid}
	})
}

// stubFile is a vector file of stub cases, all expecting valid.
func stubFile(t *testing.T, cases map[string]stubInput, order ...string) *vectors.File {
	t.Helper()
	g := &vectors.Group{Type: "Stub"}
	for _, id := range order {
		b, err := json.Marshal(cases[id])
		if err != nil {
			t.Fatal(err)
		}
		g.Tests = append(g.Tests, &vectors.Test{TcID: id, Comment: "comment of " + id, Result: vectors.ResultValid, Input: b})
	}
	return &vectors.File{Scheme: "chip", Suite: "GM", Kind: "coin", Name: "stub_test.json", NumberOfTests: len(order), TestGroups: []*vectors.Group{g}}
}

func statuses(r *vectors.Report) map[string]vectors.Status {
	m := map[string]vectors.Status{}
	for _, c := range r.Cases {
		m[c.TcID] = c.Status
	}
	return m
}

// TestRunCaseDetail: a mismatch and an error carry the vector's comment
// and what the implementation wrote to stderr for that case only.
func TestRunCaseDetail(t *testing.T) {
	adaptertest.Hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		v := NewVerifier(p, nil)
		pid := p.Pid()
		f := stubFile(t, map[string]stubInput{
			"a": {Valid: true, Stderr: "deciding a"},
			"b": {Error: "bad-signature", Stderr: "deciding b: signature check failed"},
			"c": {Raw: `{"valid":false}`, Stderr: "deciding c"},
		}, "a", "b", "c")
		r, err := vectors.RunFiles(context.Background(), v, []*vectors.File{f}, vectors.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := statuses(r); got["a"] != vectors.StatusPass || got["b"] != vectors.StatusMismatch || got["c"] != vectors.StatusError {
			t.Fatalf("statuses %v", got)
		}
		b, c := r.Cases[1], r.Cases[2]
		if b.Comment != "comment of b" || !strings.Contains(b.Log, "deciding b: signature check failed") || strings.Contains(b.Log, "deciding a") || strings.Contains(b.Log, "deciding c") {
			t.Errorf("mismatch b: comment %q, log %q", b.Comment, b.Log)
		}
		if !strings.Contains(c.Log, "deciding c") || strings.Contains(c.Log, "deciding b") || !strings.Contains(c.Err, string(AnswerNoReason)) {
			t.Errorf("error c: log %q, err %q", c.Log, c.Err)
		}
		if r.Cases[0].Log != "" {
			t.Errorf("a passing case keeps a log: %q", r.Cases[0].Log)
		}
		p.Close()
		return []int{pid}
	})
}

// TestDuplicateChargedToItsCase: a second answer to a request makes that
// request's case an error, not the case being sent when it is seen, which
// is sent again to a restarted process; a duplicate of the last answer,
// seen at shutdown, is charged to the last case.
func TestDuplicateChargedToItsCase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		order []string
	}{
		{"in the middle", []string{"a", "dup", "c"}},
		{"at the end", []string{"a", "c", "dup"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adaptertest.Hostile(t, 10*time.Second, func(t *testing.T) []int {
				p := start(t, helperConfig(t, "good"))
				v := NewVerifier(p, nil)
				f := stubFile(t, map[string]stubInput{
					"a":   {Valid: true},
					"dup": {Valid: true, Twice: true},
					"c":   {Valid: true},
				}, tc.order...)
				r, err := vectors.RunFiles(context.Background(), v, []*vectors.File{f}, vectors.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond) // let the last duplicate arrive
				if err := v.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				r.Charge(v.TakeLateFailures())
				got := statuses(r)
				want := map[string]vectors.Status{"a": vectors.StatusPass, "dup": vectors.StatusError, "c": vectors.StatusPass}
				for id, st := range want {
					if got[id] != st {
						t.Errorf("%s: %s, want %s (all %v)", id, got[id], st, got)
					}
				}
				for _, c := range r.Cases {
					if c.TcID == "dup" && !strings.Contains(c.Err, "duplicate") {
						t.Errorf("dup: err %q does not say duplicate", c.Err)
					}
				}
				if r.Total.Error != 1 || r.Total.Pass != 2 {
					t.Errorf("totals %+v", r.Total)
				}
				return nil
			})
		})
	}
}
