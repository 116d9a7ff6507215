package spec

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// Check is one check the byte-format documents (spec/formats.md and
// spec/formats-schemes.md) state, under the id they mark it with
// ("[check: id]"): the document and section that state it, the error code
// it gives and a one-line statement. Unpinnable says why no vector can
// pin the check (an earlier check of the documents refuses every input
// that would reach it); Unremovable says why an implementation cannot
// leave it out (the step cannot be made without it), so that the drop
// test, which removes each other check from the reference, skips it.
type Check struct {
	ID          string `json:"id"`
	Doc         string `json:"doc"`
	Section     string `json:"section"`
	Code        Code   `json:"code"`
	Statement   string `json:"statement"`
	Unpinnable  string `json:"unpinnable,omitempty"`
	Unremovable string `json:"unremovable,omitempty"`
}

// Informative names a section of the documents that states no check a
// receiver makes (definitions, producers' rules), and why; with Sentence,
// only the sentences of that section starting with it (a sentence that
// says "must", "refuse" or names a code but states no check).
type Informative struct {
	Doc      string `json:"doc"`
	Section  string `json:"section"`
	Sentence string `json:"sentence,omitempty"`
	Reason   string `json:"reason"`
}

// Retired is an id an earlier version of the list gave a check that the
// documents no longer state on its own: Into is the listed check that now
// states its rule, empty when the rule became a producer's; the id is
// never given to another check.
type Retired struct {
	ID     string `json:"id"`
	Into   string `json:"into,omitempty"`
	Reason string `json:"reason"`
}

// CheckList is spec/checks.json, the machine-readable list of checks.
type CheckList struct {
	Version     int           `json:"version"`
	About       string        `json:"about"`
	Checks      []Check       `json:"checks"`
	Informative []Informative `json:"informative"`
	Retired     []Retired     `json:"retired"`
}

//go:embed checks.json
var checksJSON []byte

// Checks returns the list of checks in document order. The list is
// embedded; a malformed list is a build defect, reported by the tests
// (Checks then returns an empty list).
func Checks() CheckList {
	l := checkList()
	l.Checks = append([]Check(nil), l.Checks...)
	l.Informative = append([]Informative(nil), l.Informative...)
	l.Retired = append([]Retired(nil), l.Retired...)
	return l
}

var checkList = sync.OnceValue(func() CheckList {
	var l CheckList
	if err := json.Unmarshal(checksJSON, &l); err != nil {
		return CheckList{}
	}
	return l
})

var checkByID = sync.OnceValue(func() map[string]Check {
	m := map[string]Check{}
	for _, c := range checkList().Checks {
		m[c.ID] = c
	}
	return m
})

// LookupCheck returns the check with id.
func LookupCheck(id string) (Check, bool) {
	c, ok := checkByID()[id]
	return c, ok
}
