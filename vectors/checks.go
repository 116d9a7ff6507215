package vectors

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
)

// checkTags names, for each case that exercises a check of
// spec/checks.json, the checks it exercises, keyed <scheme>/<kind>/<name>
// (both suites). The generator adds the ids to the case's flags, so a
// vendor removing one check from its implementation finds the vectors that
// fail. Build fails if a key names no case, so a renamed case cannot drop
// its tags silently; vectors lint fails on a check no case names.
var checkTags = map[string][]string{
	// spec/coin
	"spec/coin/signature-bit-flipped": {"coin-signature"},
	"spec/coin/trailing-zero":         {"der-trailing"},

	// spec/certificate
	"spec/certificate/signature-bit-flipped": {"cert-issuer"},

	// spec/transfer
	"spec/transfer/signature-bit-flipped":     {"record-signature", "holding-signature"},
	"spec/transfer/payer-certificate-expired": {"holding-signer-cert"},
	"spec/transfer/trailing-zero":             {"holding-parse", "der-trailing"},

	// cert/sealedcoin

	// cert/message

	// cert/session
	"cert/session/hello-payer-from-other-session":    {"cert-nonce"},
	"cert/session/tx-from-other-session":             {"cert-nonce"},
	"cert/session/deducted-from-other-session":       {"cert-nonce"},
	"cert/session/hello-payer-signature-bit-flipped": {"cert-signature"},
	"cert/session/deducted-signature-bit-flipped":    {"cert-signature"},

	// chain/qr
	"chain/qr/payer-clock-ahead-at-window-edge":      {"chain-time-window"},
	"chain/qr/payer-clock-ahead":                     {"chain-time-window"},
	"chain/session/payer-clock-ahead-at-window-edge": {"chain-time-window"},
	"chain/session/payer-clock-ahead":                {"chain-time-window"},
	"chain/qr/amount-changed":                        {"chain-signature"},
	"chain/qr/signature-bit-flipped":                 {"chain-signature"},
	"chain/qr/signed-by-other-key":                   {"chain-signature"},
	"chain/qr/wrong-payee":                           {"chain-payee"},
	"chain/qr/truncated-1":                           {"der-strict"},
	"chain/qr/trailing-zero":                         {"der-strict", "der-trailing"},
	"chain/qr/empty":                                 {"der-strict"},

	// chain/session
	"chain/session/payer-certificate-expired": {"chain-cert"},

	// chip/apdu
	"chip/apdu/amount-changed":                        {"chip-signature"},
	"chip/apdu/signature-bit-flipped":                 {"chip-signature"},
	"chip/apdu/signed-by-other-key":                   {"chip-signature"},
	"chip/apdu/transfer-record-signature-bit-flipped": {"spend-record"},

	// chip/session
	"chip/session/transfer-record-signature-bit-flipped": {"spend-record"},

	// Pinned: one case at the boundary of a check the others leave open
	// (gen_pin.go).
	"spec/transfer/serial-15-bytes": {"holding-parse"},
}

// checkNote describes a check id as a flag: its statement and where the
// documents state it.
func checkNote(id string) (string, bool) {
	c, ok := spec.LookupCheck(id)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("Check %s (%s, %q; refused with %s): %s", c.ID, c.Doc, c.Section, c.Code, c.Statement), true
}

// tagChecks appends to flags the checks checkTags gives the case.
func (b *builder) tagChecks(name string, flags []string) []string {
	return append(append([]string{}, flags...), checkTags[b.f.Scheme+"/"+b.f.Kind+"/"+name]...)
}

// unusedCheckTags reports the keys of checkTags that name no case of
// files.
func unusedCheckTags(files []*File) error {
	made := map[string]bool{}
	for _, f := range files {
		prefix := f.Scheme + "-" + f.Suite + "-" + f.Kind + "-"
		for _, t := range f.Tests() {
			made[f.Scheme+"/"+f.Kind+"/"+strings.TrimPrefix(t.TcID, prefix)] = true
		}
	}
	var out []string
	for k := range checkTags {
		if !made[k] {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Strings(out)
	return fmt.Errorf("vectors: check tags for cases no generator makes: %s", strings.Join(out, ", "))
}
