package vgen

import "encoding/json"

// File is one vector file.
type File struct {
	Algorithm        string            `json:"algorithm"`
	Scheme           string            `json:"scheme"`
	Suite            string            `json:"suite"`
	Kind             string            `json:"kind"`
	Schema           string            `json:"schema"`
	GeneratorVersion string            `json:"generatorVersion"`
	NumberOfTests    int               `json:"numberOfTests"`
	Header           []string          `json:"header"`
	Notes            map[string]string `json:"notes"`
	TestGroups       []*Group          `json:"testGroups"`

	// Name is the file name the File was loaded from (not serialised).
	Name string `json:"-"`
}

// Group is a group of tests sharing public material.
type Group struct {
	Type string `json:"type"`
	// PublicKey is the DER SubjectPublicKeyInfo (hex) of the key the
	// group's objects are signed under, where there is one. Every test's
	// input repeats what a verifier needs; this is documentation.
	PublicKey string  `json:"publicKey,omitempty"`
	Tests     []*Test `json:"tests"`
}

// Test is one test case with its expected result.
type Test struct {
	TcID        string          `json:"tcId"`
	Comment     string          `json:"comment"`
	Flags       []string        `json:"flags"`
	Requirement string          `json:"requirement"`
	Result      string          `json:"result"`
	Error       string          `json:"error,omitempty"`
	Input       json.RawMessage `json:"input"`
	// Expected is what a valid case must reach beyond "valid" (for kind
	// transfer the holder and value, TransferExpected). The harness keeps
	// it to itself: a field present only on valid cases would give the
	// verdict away if it were part of the input.
	Expected  json.RawMessage `json:"expected,omitempty"`
	Signature *Signature      `json:"signature,omitempty"`
}

// Signature exposes a signature a test's verdict involves, so any tool can
// check it independently.
type Signature struct {
	Alg       string `json:"alg"`       // "SM2-SM3" or "ECDSA-P256-SHA256"
	PublicKey string `json:"publicKey"` // DER SubjectPublicKeyInfo, hex
	Message   string `json:"message"`   // the exact signed bytes, hex
	Sig       string `json:"sig"`       // DER signature, hex
	ID        string `json:"id,omitempty"`
	Valid     bool   `json:"valid"`
}

// Results.
const (
	ResultValid      = "valid"
	ResultInvalid    = "invalid"
	ResultAcceptable = "acceptable"
)

// Case returns the Case an implementation sees for t: its shape is the
// type of the group holding t.
func (f *File) Case(t *Test) Case {
	c := Case{Scheme: f.Scheme, Suite: f.Suite, Kind: f.Kind, TcID: t.TcID, Input: t.Input}
	for _, g := range f.TestGroups {
		for _, x := range g.Tests {
			if x == t {
				c.Shape = g.Type
			}
		}
	}
	return c
}

// Tests returns every test of f in order.
func (f *File) Tests() []*Test {
	var ts []*Test
	for _, g := range f.TestGroups {
		ts = append(ts, g.Tests...)
	}
	return ts
}

// Case is one test case as an implementation sees it: which scheme, suite
// and kind of object it is about, the shape of its input (its group's
// type, such as "InitiateCommand"), its stable id, and its input fields
// exactly as the vector file holds them (hex strings and numbers; see the
// file's schema). Neither the expected result nor a test's expected
// member is part of it.
type Case struct {
	Scheme string          `json:"scheme"`
	Suite  string          `json:"suite"`
	Kind   string          `json:"kind"`
	Shape  string          `json:"shape"`
	TcID   string          `json:"tcId"`
	Input  json.RawMessage `json:"input"`
}
