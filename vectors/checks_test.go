package vectors_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/lint"
)

// checkFlags maps each check id to the tests whose flags name it.
func checkFlags(t *testing.T) map[string][]*vectors.Test {
	t.Helper()
	out := map[string][]*vectors.Test{}
	for _, f := range load(t) {
		for _, tc := range f.Tests() {
			for _, fl := range tc.Flags {
				if fl[0] >= 'a' && fl[0] <= 'z' {
					out[fl] = append(out[fl], tc)
				}
			}
		}
	}
	return out
}

// Every check the documents state that is not unpinnable has an invalid case
// refused with the check's own code: an implementation that skips the
// check does not give that code there unless a later check happens to
// (Wycheproof's rule: a vector per check, at its boundary). With the lint
// (TestLint), which runs the reference without each check on every
// invalid case tagged with it and requires it to fail, every check an
// implementation can leave out fails at least one vector when left out.
func TestChecksPinnedWithTheirCode(t *testing.T) {
	tagged := checkFlags(t)
	unpinnable := 0
	for _, c := range spec.Checks().Checks {
		if c.Unpinnable != "" {
			unpinnable++
			continue
		}
		found := false
		for _, tc := range tagged[c.ID] {
			found = found || (tc.Result == vectors.ResultInvalid && spec.Code(tc.Error) == c.Code)
		}
		if !found {
			found = refusedWithout(t, c)
		}
		if !found {
			t.Errorf("check %s: no invalid case tagged with it is refused with %s, nor a valid one that the reference without the check refuses with it (%d tagged)", c.ID, c.Code, len(tagged[c.ID]))
		}
	}
	t.Logf("%d checks, %d unpinnable", len(spec.Checks().Checks), unpinnable)
}

// refusedWithout reports whether a valid case tagged with check c is
// refused with c's code by the reference without c: a check that keeps a
// device accepting (chip-refuse: a REFUSE not taken leaves the card
// paying) is pinned by valid cases, and an implementation that skips it
// gives its code there.
func refusedWithout(t *testing.T, c spec.Check) bool {
	for _, f := range load(t) {
		for _, tc := range f.Tests() {
			if tc.Result != vectors.ResultValid || !slices.Contains(tc.Flags, c.ID) {
				continue
			}
			out, err := vectors.ReferenceWithout(c.ID).VerifyVector(context.Background(), f.Case(tc))
			if err == nil && !out.Valid && spec.Code(out.Error) == c.Code {
				return true
			}
		}
	}
	return false
}

// Lint fails when no case names a listed check, when a flag names a check
// the list does not have, when a case names a check it does not pin
// (the reference without the check still refuses it as the file says),
// and when a CheckOrder case has no second fault.
func TestLintChecks(t *testing.T) {
	m := fstest.MapFS{}
	names, err := fs.Glob(vectors.FS, vectors.FilePattern)
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		// -short lints the files the doctoring touches: those naming
		// der-tag and the two edited below. Every other check then has
		// no vector too, which the test does not look at; the full run
		// lints the whole set, and TestLint holds the clean set clean.
		var sub []string
		for _, n := range names {
			if n == "spec_INTL_coin_test.json" || n == "chain_GM_qr_test.json" || strings.Contains(string(raw(t, n)), `"der-tag"`) {
				sub = append(sub, n)
			}
		}
		t.Logf("-short: %d of %d files: %v", len(sub), len(names), sub)
		names = sub
	}
	for _, n := range names {
		b := string(raw(t, n))
		b = strings.ReplaceAll(b, `"der-tag"`, `"der-tagx"`)
		if n == "spec_INTL_coin_test.json" {
			b = strings.ReplaceAll(b, `"ModifiedSignature",`, `"ModifiedSignature", "coin-currency",`)
		}
		if n == "chain_GM_qr_test.json" { // one fault, claimed as two
			b = strings.ReplaceAll(b, `"Replay",
            "chain-nonce"`, `"CheckOrder", "chain-nonce"`)
			// two faults, the first check's name dropped
			b = strings.Replace(b, `"CheckOrder",
            "chain-address"
          ],`, `"CheckOrder"
          ],`, 1)
		}
		m[n] = &fstest.MapFile{Data: []byte(b)}
	}
	var got []string
	for _, e := range lint.Lint(m) {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		lint.ChecksFile + `: check der-tag (spec/formats.md, "DER under the strict profile") has no vector whose flags name it`,
		"flag der-tagx names no check of " + lint.ChecksFile,
		"spec_INTL_coin_test.json: spec-INTL-coin-signature-bit-flipped: flag coin-currency claims the case pins that check, but the reference without it still refuses the case with bad-signature",
		"chain_GM_qr_test.json: chain-GM-qr-nonce-mismatch: flag CheckOrder: a CheckOrder case has a second fault, but the reference without chain-nonce accepts it",
		"chain_GM_qr_test.json: chain-GM-qr-order-address-before-amount: flag CheckOrder names no check the case's first fault fails",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("lint lacks %q:\n%s", want, all)
		}
	}
}
