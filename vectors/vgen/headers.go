package vgen

import (
	"encoding/json"
	"fmt"
	"io/fs"
)

// Headers are a scheme's published file headers: for each kind, the
// paragraphs of the header of that kind's file, every group's
// documentation included, in the order the file prints them. A scheme
// keeps them in its vectorgen_headers.json, a JSON object of string
// arrays, which NewSource reads and hands its generators in Gen.Headers.
type Headers map[string][]string

// ReadHeaders reads the Headers in files' HeadersFile.
func ReadHeaders(files fs.FS) (Headers, error) {
	raw, err := fs.ReadFile(files, HeadersFile)
	if err != nil {
		return nil, err
	}
	var h Headers
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", HeadersFile, err)
	}
	return h, nil
}

// Header returns the paragraphs of kind's header in g.Headers. A kind
// with none fails g (Gen.Fail) and gives nil.
func (g *Gen) Header(kind string) []string {
	text := g.Headers[kind]
	if len(text) == 0 {
		g.Fail(fmt.Errorf("vgen: no header for kind %q", kind))
		return nil
	}
	return text
}

// Builder starts the file of scheme and kind for g's suite with kind's
// header (NewBuilder with Header).
func (g *Gen) Builder(scheme, kind string) *Builder {
	return NewBuilder(scheme, g.ID, kind, g.Header(kind)...)
}
