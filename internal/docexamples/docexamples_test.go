package docexamples

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	doc := "# t\n\n```json\n{\"a\":1}\n{\"b\":\n 2}\n```\n\n~~~~sh extra\ngo run ./x --y 1   # a comment\n\n$ go test\n~~~~\n````text\n```json\n````\n"
	bs, err := Parse("doc.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, b := range bs {
		langs = append(langs, b.Lang)
	}
	if diff := cmp.Diff([]string{"json", "sh", "text"}, langs); diff != "" {
		t.Fatalf("langs (-want +got):\n%s", diff)
	}
	vs, err := JSON(bs[0])
	if err != nil || len(vs) != 2 || bs[0].Line != 3 {
		t.Errorf("JSON: %d values, %v, line %d", len(vs), err, bs[0].Line)
	}
	if diff := cmp.Diff([]string{"go run ./x --y 1", "go test"}, Commands(bs[1])); diff != "" {
		t.Errorf("Commands (-want +got):\n%s", diff)
	}
	if _, err := JSON(Block{File: "d", Line: 1, Text: `{"coin":"6181…"}`}); err == nil {
		t.Error("an elided example parses")
	}
	if _, err := Parse("d", []byte("```json\n{}\n")); err == nil {
		t.Error("an unclosed fence parses")
	}
}
