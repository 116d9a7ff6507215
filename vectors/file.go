package vectors

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The committed vector files, one per scheme, suite and kind, named
// <scheme>_<suite>_<kind>_test.json.
//
//go:embed *_test.json
var embedded embed.FS

// FS holds the committed vector files at its root. Go consumers pin them
// with go.sum.
var FS fs.FS = embedded

// FilePattern matches the vector files in FS and in a generated directory.
const FilePattern = "*_test.json"

// MaxFileSize caps one vector file; a larger file is refused before it is
// decoded.
const MaxFileSize = 8 << 20

// ErrMalformedFile classifies every error of ParseFile and LoadFS.
var ErrMalformedFile = errors.New("malformed vector file")

// FileError is the error for a vector file that cannot be used.
type FileError struct {
	Name   string
	Detail string
	Err    error
}

func (e *FileError) Error() string {
	s := "vectors: " + e.Name + ": " + e.Detail
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// Is matches ErrMalformedFile.
func (e *FileError) Is(target error) bool { return target == ErrMalformedFile }

// ParseFile decodes one vector file strictly: size cap, no unknown fields,
// no trailing data, and the structural invariants a Run relies on (every
// test has a tcId, a known result, an input object). It never panics.
func ParseFile(name string, data []byte) (*File, error) {
	bad := func(detail string, err error) error { return &FileError{Name: name, Detail: detail, Err: err} }
	if len(data) > MaxFileSize {
		return nil, bad(fmt.Sprintf("%d bytes, cap %d", len(data), MaxFileSize), nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, bad("not a vector file", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("data after the JSON document", nil)
	}
	if f.Scheme == "" || f.Suite == "" || f.Kind == "" {
		return nil, bad("scheme, suite and kind are required", nil)
	}
	n := 0
	for gi, g := range f.TestGroups {
		if g == nil {
			return nil, bad(fmt.Sprintf("testGroups[%d] is null", gi), nil)
		}
		if g.Type == "" {
			return nil, bad(fmt.Sprintf("testGroups[%d] has no type (the shape of its inputs)", gi), nil)
		}
		for ti, t := range g.Tests {
			if t == nil || t.TcID == "" {
				return nil, bad(fmt.Sprintf("testGroups[%d].tests[%d] has no tcId", gi, ti), nil)
			}
			switch t.Result {
			case ResultValid, ResultInvalid, ResultAcceptable:
			default:
				return nil, bad(fmt.Sprintf("%s: result %q", t.TcID, t.Result), nil)
			}
			if len(t.Input) == 0 || t.Input[0] != '{' {
				return nil, bad(fmt.Sprintf("%s: input is not an object", t.TcID), nil)
			}
			if len(t.Expected) > 0 && t.Result != ResultValid {
				return nil, bad(fmt.Sprintf("%s: expected member on a %s case", t.TcID, t.Result), nil)
			}
			n++
		}
	}
	if n != f.NumberOfTests {
		return nil, bad(fmt.Sprintf("numberOfTests is %d, the file holds %d", f.NumberOfTests, n), nil)
	}
	f.Name = name
	return &f, nil
}

// LoadFS loads every vector file (FilePattern) at the root of fsys, in
// name order.
func LoadFS(fsys fs.FS) ([]*File, error) {
	names, err := fs.Glob(fsys, FilePattern)
	if err != nil {
		return nil, &FileError{Name: FilePattern, Detail: "glob", Err: err}
	}
	sort.Strings(names)
	var files []*File
	for _, name := range names {
		fh, err := fsys.Open(name)
		if err != nil {
			return nil, &FileError{Name: name, Detail: "open", Err: err}
		}
		data, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
		fh.Close()
		if err != nil {
			return nil, &FileError{Name: name, Detail: "read", Err: err}
		}
		f, err := ParseFile(path.Base(name), data)
		if err != nil {
			return nil, err
		}
		if want := fileName(f.Scheme, f.Suite, f.Kind); want != path.Base(name) {
			return nil, &FileError{Name: name, Detail: "file name should be " + want}
		}
		files = append(files, f)
	}
	return files, nil
}

// Files loads the embedded vector files.
func Files() ([]*File, error) { return LoadFS(FS) }

func fileName(scheme, suite, kind string) string {
	return strings.Join([]string{scheme, suite, kind, "test.json"}, "_")
}
