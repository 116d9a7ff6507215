// Package docexamples extracts the examples of a Markdown document so
// tests can check them against the code and the vectors: a stale example
// then fails CI. It is shared by the tests of PROTOCOL.md, the README and
// spec/formats.md.
//
// An example is a fenced code block. Its info string names its language;
// blocks in "json" must hold only complete JSON values (several may
// follow one another, one per line or spread over lines), so an elided
// example ("…") fails to parse: write it out, or fence it as "text".
package docexamples

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Block is one fenced code block.
type Block struct {
	File string // the document's path, as given
	Line int    // 1-based line of the opening fence
	Lang string // the first word of the info string ("json", "sh", …)
	Text string // the content, without the fences
}

// Where names the block for error messages: file:line.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// Read returns every fenced block of the Markdown file at path, in order.
func Read(path string) ([]Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse returns every fenced block of a Markdown document (fences of
// three or more backticks or tildes, closed by a fence of the same kind
// at least as long). An unclosed fence is an error.
func Parse(name string, data []byte) ([]Block, error) {
	var out []Block
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var cur *Block
	var fence string
	var body []string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if cur == nil {
			if f := fenceOf(trimmed); f != "" {
				info := strings.TrimSpace(trimmed[len(f):])
				lang, _, _ := strings.Cut(info, " ")
				cur, fence, body = &Block{File: name, Line: n, Lang: lang}, f, nil
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" && f[0] == fence[0] && len(f) >= len(fence) && strings.TrimSpace(trimmed[len(f):]) == "" {
			cur.Text = strings.Join(body, "\n")
			if len(body) > 0 {
				cur.Text += "\n"
			}
			out = append(out, *cur)
			cur = nil
			continue
		}
		body = append(body, line)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("%s: fence opened and never closed", cur.Where())
	}
	return out, nil
}

func fenceOf(s string) string {
	for _, c := range []string{"`", "~"} {
		i := 0
		for i < len(s) && s[i] == c[0] {
			i++
		}
		if i >= 3 {
			return s[:i]
		}
	}
	return ""
}

// Lang returns the blocks of one language.
func Lang(blocks []Block, lang string) []Block {
	var out []Block
	for _, b := range blocks {
		if b.Lang == lang {
			out = append(out, b)
		}
	}
	return out
}

// JSON returns the JSON values of a block, in order, each as its raw
// bytes. Anything that is not a sequence of JSON values is an error
// naming the block.
func JSON(b Block) ([]json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(b.Text))
	dec.UseNumber()
	var out []json.RawMessage
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not a sequence of JSON values (elided? write it out or fence it as text): %w", b.Where(), err)
		}
		if bytes.Contains(v, []byte("…")) {
			return nil, fmt.Errorf("%s: an elided JSON value (…): write it out or fence it as text", b.Where())
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: an empty json block", b.Where())
	}
	return out, nil
}

// Commands returns the command lines of a shell block: lines without
// their "$ " prompt, comments after an unquoted " # " dropped, blank
// lines skipped.
func Commands(b Block) []string {
	var out []string
	for _, l := range strings.Split(b.Text, "\n") {
		l = strings.TrimPrefix(strings.TrimSpace(l), "$ ")
		if i := strings.Index(l, " # "); i >= 0 && strings.Count(l[:i], `"`)%2 == 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}
