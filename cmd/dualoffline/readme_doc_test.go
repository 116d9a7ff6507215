package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/internal/docexamples"
)

// The command lines of the README's vendor section name subcommands and
// flags the CLI has, with values its flags accept: a renamed flag makes
// the README stale and fails here.
func TestReadmeVendorCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "## Vectors, vendors and reports")
	end := strings.Index(doc, "## Fuzzing")
	if start < 0 || end < start {
		t.Fatal("README has no vendor section")
	}
	blocks, err := docexamples.Parse("README.md", []byte(doc[start:end]))
	if err != nil {
		t.Fatal(err)
	}
	offset := strings.Count(doc[:start], "\n")
	for i := range blocks {
		blocks[i].Line += offset
	}
	n := 0
	for _, b := range docexamples.Lang(blocks, "sh") {
		for _, line := range docexamples.Commands(b) {
			argv, err := splitCommand(line)
			if err != nil {
				t.Errorf("%s: %q: %v", b.Where(), line, err)
				continue
			}
			if len(argv) < 3 || argv[0] != "go" || argv[1] != "run" || argv[2] != "./cmd/dualoffline" {
				continue // go build and the like
			}
			root := newRoot(io.Discard, io.Discard)
			cmd, rest, err := root.Find(argv[3:])
			if err != nil || cmd == root {
				t.Errorf("%s: %q: no such subcommand (%v)", b.Where(), line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%s: %q: %v", b.Where(), line, err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no dualoffline command lines in the README's vendor section")
	}
}
