// Package lint checks published vector files beyond their JSON Schema:
// names, ids, flags, requirement ids, error codes, hex fields, signatures.
// It is apart from package vectors so that what only decides cases (an
// adapter built on the reference verifier) does not link the schema
// validator.
package lint

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/schema"
)

// Error is one problem Lint finds: the file it is in, the tcId of the
// test it concerns (empty for a file-level problem) and what is wrong.
type Error struct {
	File    string `json:"file"`
	TcID    string `json:"tcId,omitempty"`
	Problem string `json:"problem"`
}

func (e Error) Error() string {
	s := e.File
	if e.TcID != "" {
		s += ": " + e.TcID
	}
	return s + ": " + e.Problem
}

var lintHexRE = regexp.MustCompile(`^([0-9a-f]{2})*$`)

// Lint checks every vector file (vectors.FilePattern) at the root of fsys and
// returns every problem it finds, in file order; none means the set is
// clean. It checks what the schema cannot: each file against the schema
// (vectors/schema), its name against its scheme, suite and kind, its
// algorithm, schema name and generator version, numberOfTests against the
// tests it holds; tcIds unique across all the files and prefixed
// <scheme>-<suite>-<kind>-; every test with a comment, at least one flag,
// a requirement id of the catalogue (spec.LookupSub); every flag described
// in the file's notes and every note used by some flag; an invalid test's
// error a canonical refusal code (not internal or unimplemented), no error
// on the others; every input string and signature field even-length
// lowercase hex; a valid test's signature valid; an SM2 signature with the
// default id (hex of "1234567812345678"); every lower-case flag the id of a
// check of spec/checks.json. Across the files, every check of that list
// must be named by some test's flags unless the list marks it unpinnable,
// and an unpinnable check must be named by none (then it is pinned: drop
// the mark); and an invalid test's check flag is a claim that an
// implementation without that check fails it, which the reference with the
// check removed must confirm (ReferenceWithout; unremovable checks aside). A file that cannot be decoded at all is one problem and is not
// checked further.
func Lint(fsys fs.FS) []Error {
	var errs []Error
	names, err := fs.Glob(fsys, vectors.FilePattern)
	if err != nil {
		return []Error{{File: vectors.FilePattern, Problem: "glob: " + err.Error()}}
	}
	if len(names) == 0 {
		return []Error{{File: vectors.FilePattern, Problem: "no vector files"}}
	}
	sort.Strings(names)
	seen := map[string]string{}
	pinned := map[string][]string{}
	for _, name := range names {
		errs = append(errs, lintFile(fsys, name, seen, pinned)...)
	}
	errs = append(errs, lintChecks(pinned)...)
	if files, err := vectors.LoadFS(fsys); err == nil {
		errs = append(errs, lintClaims(files)...)
	}
	return errs
}

// lintClaims reports every invalid test whose flags name a check that an
// implementation can leave out (not unremovable) but which the reference
// without that check (vectors.ReferenceWithout) still decides as the file
// says: a check tag is a claim that the case pins the check. A case the
// reference without the check cannot decide confirms nothing either, and
// is reported too. A CheckOrder case (OrderFlag) must name a check, and
// the reference without it must still refuse the case: its second fault.
func lintClaims(files []*vectors.File) []Error {
	var errs []Error
	for _, f := range files {
		for _, t := range f.Tests() {
			if t.Result != vectors.ResultInvalid {
				continue
			}
			order, named := slices.Contains(t.Flags, OrderFlag), false
			for _, fl := range t.Flags {
				c, ok := spec.LookupCheck(fl)
				if !ok || c.Unremovable != "" {
					continue
				}
				named = true
				out, err := vectors.ReferenceWithout(fl).VerifyVector(context.Background(), f.Case(t))
				if err != nil {
					errs = append(errs, Error{File: f.Name, TcID: t.TcID,
						Problem: fmt.Sprintf("flag %s: the reference without that check cannot decide the case (%v), so the flag's claim is not confirmed", fl, err)})
					continue
				}
				if !out.Valid && out.Error == t.Error {
					errs = append(errs, Error{File: f.Name, TcID: t.TcID,
						Problem: fmt.Sprintf("flag %s claims the case pins that check, but the reference without it still refuses the case with %s", fl, out.Error)})
				}
				if order && out.Valid {
					errs = append(errs, Error{File: f.Name, TcID: t.TcID,
						Problem: fmt.Sprintf("flag %s: a CheckOrder case has a second fault, but the reference without %s accepts it", OrderFlag, fl)})
				}
			}
			if order && !named {
				errs = append(errs, Error{File: f.Name, TcID: t.TcID,
					Problem: fmt.Sprintf("flag %s names no check the case's first fault fails", OrderFlag)})
			}
		}
	}
	return errs
}

// OrderFlag marks a case with two faults whose expected error is the code
// of the check the documents make first: its check flag names that check,
// and the reference without it must still refuse the case (the second
// fault), with another code (every check flag's claim).
const OrderFlag = "CheckOrder"

// ChecksFile names the list of checks in problems about it.
const ChecksFile = "spec/checks.json"

// lintChecks reports every check of the list no test names (unless
// unpinnable), every unpinnable check some test names, and every check
// marked unpinnable or unremovable without a reason that says why.
func lintChecks(pinned map[string][]string) []Error {
	var errs []Error
	for _, c := range spec.Checks().Checks {
		n := len(pinned[c.ID])
		switch {
		case n == 0 && c.Unpinnable == "":
			errs = append(errs, Error{File: ChecksFile, Problem: fmt.Sprintf("check %s (%s, %q) has no vector whose flags name it", c.ID, c.Doc, c.Section)})
		case n > 0 && c.Unpinnable != "":
			errs = append(errs, Error{File: ChecksFile, Problem: fmt.Sprintf("check %s is marked unpinnable but %s pins it: drop the mark", c.ID, pinned[c.ID][0])})
		}
	}
	return errs
}

// UnpinnableChecks returns the checks of the list no vector can pin, with
// the reason, for reports.
func UnpinnableChecks() []spec.Check {
	var out []spec.Check
	for _, c := range spec.Checks().Checks {
		if c.Unpinnable != "" {
			out = append(out, c)
		}
	}
	return out
}

// Errors joins the problems of Lint into one error, nil when there
// are none.
func Errors(errs []Error) error {
	if len(errs) == 0 {
		return nil
	}
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return fmt.Errorf("vectors: %d lint problems:\n%s", len(errs), strings.Join(lines, "\n"))
}

func lintFile(fsys fs.FS, name string, seen map[string]string, pinned map[string][]string) []Error {
	base := path.Base(name)
	var errs []Error
	file := func(format string, a ...any) {
		errs = append(errs, Error{File: base, Problem: fmt.Sprintf(format, a...)})
	}
	test := func(id, format string, a ...any) {
		errs = append(errs, Error{File: base, TcID: id, Problem: fmt.Sprintf(format, a...)})
	}
	fh, err := fsys.Open(name)
	if err != nil {
		file("open: %v", err)
		return errs
	}
	data, err := io.ReadAll(io.LimitReader(fh, vectors.MaxFileSize+1))
	fh.Close()
	if err != nil {
		file("read: %v", err)
		return errs
	}
	if len(data) > vectors.MaxFileSize {
		file("larger than %d bytes", vectors.MaxFileSize)
		return errs
	}
	if err := schema.Validate(data); err != nil {
		file("%s", oneLine(err.Error()))
	}
	var f vectors.File
	if err := json.Unmarshal(data, &f); err != nil {
		file("not a vector file: %v", err)
		return errs
	}
	if want := strings.Join([]string{f.Scheme, f.Suite, f.Kind, "test.json"}, "_"); want != base {
		file("named %s, its scheme, suite and kind make it %s", base, want)
	}
	if f.Algorithm != "dualoffline/"+f.Scheme {
		file("algorithm %q, want %q", f.Algorithm, "dualoffline/"+f.Scheme)
	}
	if f.Schema != schema.Name {
		file("schema %q, want %q", f.Schema, schema.Name)
	}
	if f.GeneratorVersion != vectors.GeneratorVersion {
		file("generatorVersion %q, the generator is %q", f.GeneratorVersion, vectors.GeneratorVersion)
	}
	used := map[string]bool{}
	n := 0
	prefix := f.Scheme + "-" + f.Suite + "-" + f.Kind + "-"
	for gi, g := range f.TestGroups {
		if g == nil {
			file("testGroups[%d] is null", gi)
			continue
		}
		if !lintHexRE.MatchString(g.PublicKey) {
			file("group %s: publicKey is not even-length lowercase hex", g.Type)
		}
		for ti, tc := range g.Tests {
			n++
			if tc == nil || tc.TcID == "" {
				file("testGroups[%d].tests[%d] has no tcId", gi, ti)
				continue
			}
			id := tc.TcID
			if prev, dup := seen[id]; dup {
				if prev == base {
					test(id, "duplicate tcId")
				} else {
					test(id, "duplicate tcId, also in %s", prev)
				}
			} else {
				seen[id] = base
			}
			if !strings.HasPrefix(id, prefix) {
				test(id, "tcId lacks the prefix %s", prefix)
			}
			if tc.Comment == "" {
				test(id, "empty comment")
			}
			if len(tc.Flags) == 0 {
				test(id, "no flags")
			}
			for _, fl := range tc.Flags {
				used[fl] = true
				if f.Notes[fl] == "" {
					test(id, "flag %s is not described in the notes", fl)
				}
				if isCheckFlag(fl) {
					if _, ok := spec.LookupCheck(fl); !ok {
						test(id, "flag %s names no check of %s", fl, ChecksFile)
					}
					if tc.Result == vectors.ResultAcceptable {
						// An acceptable case passes with or without the
						// check, so it pins nothing.
						test(id, "flag %s names a check on an acceptable case, which cannot pin it", fl)
					}
					pinned[fl] = append(pinned[fl], id)
				}
			}
			if _, ok := spec.LookupSub(spec.SubID(tc.Requirement)); !ok {
				test(id, "requirement %q is not in the catalogue", tc.Requirement)
			}
			switch tc.Result {
			case vectors.ResultInvalid:
				c := spec.Code(tc.Error)
				if !c.Known() || c == spec.CodeInternal || c == spec.CodeUnimplemented {
					test(id, "error %q is not a canonical refusal code", tc.Error)
				}
			case vectors.ResultValid, vectors.ResultAcceptable:
				if tc.Error != "" {
					test(id, "%s with error %q", tc.Result, tc.Error)
				}
			default:
				test(id, "result %q", tc.Result)
			}
			var in any
			if len(tc.Input) == 0 {
				test(id, "no input")
			} else if err := json.Unmarshal(tc.Input, &in); err != nil {
				test(id, "input: %v", err)
			} else if _, ok := in.(map[string]any); !ok {
				test(id, "input is not an object")
			} else {
				lintHex(in, "input", func(where, what string) { test(id, "%s: %s", where, what) })
			}
			if s := tc.Signature; s != nil {
				for _, x := range []struct{ name, v string }{{"publicKey", s.PublicKey}, {"message", s.Message}, {"sig", s.Sig}, {"id", s.ID}} {
					if !lintHexRE.MatchString(x.v) {
						test(id, "signature.%s %s is not even-length lowercase hex", x.name, abbrev(x.v))
					}
				}
				if tc.Result == vectors.ResultValid && !s.Valid {
					test(id, "a valid case whose signature is marked invalid")
				}
				if s.Alg == "SM2-SM3" && s.ID != hex.EncodeToString([]byte(suite.DefaultSM2ID)) {
					test(id, "SM2 signature with id %q, want the hex of %q", s.ID, suite.DefaultSM2ID)
				}
			}
		}
	}
	if n != f.NumberOfTests {
		file("numberOfTests is %d, the file holds %d", f.NumberOfTests, n)
	}
	notes := make([]string, 0, len(f.Notes))
	for fl := range f.Notes {
		notes = append(notes, fl)
	}
	sort.Strings(notes)
	for _, fl := range notes {
		if !used[fl] {
			file("note %s describes a flag no test uses", fl)
		}
	}
	return errs
}

// lintHex reports every string in an input that is not even-length
// lowercase hex; numbers and booleans are allowed, nulls are not.
func lintHex(v any, where string, report func(where, what string)) {
	switch v := v.(type) {
	case string:
		if !lintHexRE.MatchString(v) {
			report(where, abbrev(v)+" is not even-length lowercase hex")
		}
	case []any:
		for i, x := range v {
			lintHex(x, fmt.Sprintf("%s[%d]", where, i), report)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lintHex(v[k], where+"."+k, report)
		}
	case float64, bool:
	default:
		report(where, fmt.Sprintf("unexpected %T", v))
	}
}

// isCheckFlag reports whether a flag is a check id (lower case) rather
// than a Wycheproof-style description (upper camel case).
func isCheckFlag(fl string) bool { return fl != "" && fl[0] >= 'a' && fl[0] <= 'z' }

func abbrev(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%q…", s[:24])
	}
	return fmt.Sprintf("%q", s)
}

func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	s = strings.Join(lines, "; ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}
