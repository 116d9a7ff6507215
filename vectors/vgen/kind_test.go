package vgen

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// decides is a Decider that answers verdict, to tell which one ran.
func decides(verdict error) Decider {
	return func(suite.Suite, Case) (error, error) { return verdict, nil }
}

// files are a scheme's embedded files with schema and headers as given.
func files(schema, headers string) fstest.MapFS {
	return fstest.MapFS{SchemaFile: {Data: []byte(schema)}, HeadersFile: {Data: []byte(headers)}}
}

func TestNewSourceJoinsKinds(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b/shape")
	gen := func(kind string) Generator {
		return func(g *Gen) *Builder { return g.Builder("s", kind) }
	}
	snd := Sender{Produce: func(suite.Suite, Case) ([]byte, error) { return []byte("sent"), nil }}
	src := NewSource("s", files("{}", `{"a": ["header of a"], "b": ["header of b", "its group"]}`),
		Kind{Gen: gen("a"), Decide: map[string]Decider{"a": decides(errA)}},
		Kind{Gen: gen("b"), Decide: map[string]Decider{"b/shape": decides(errB)}, Senders: map[string]Sender{"b/shape": snd}})
	if src.Scheme != "s" || string(src.Schema) != "{}" || len(src.Generators) != 2 {
		t.Fatalf("NewSource: scheme %q, schema %q, %d generators; want s, {}, 2", src.Scheme, src.Schema, len(src.Generators))
	}
	for i, want := range []string{"a", "b"} {
		g := &Gen{ID: "GM"}
		f := src.Generators[i](g).F
		if f.Kind != want || g.Err != nil {
			t.Errorf("generator %d builds kind %q (%v), want %q (the kinds' order)", i, f.Kind, g.Err, want)
		}
		if len(f.Header) == 0 || f.Header[0] != "header of "+want {
			t.Errorf("generator %d: header %q, want the headers file's for %s", i, f.Header, want)
		}
	}
	for _, c := range []struct {
		kind, shape string
		want        error
	}{{"a", "", errA}, {"a", "any", errA}, {"b", "shape", errB}} {
		if got, err := src.Decide(nil, Case{Kind: c.kind, Shape: c.shape}); err != nil || got != c.want {
			t.Errorf("Decide %s/%s = %v, %v; want %v, nil", c.kind, c.shape, got, err, c.want)
		}
	}
	if _, err := src.Decide(nil, Case{Kind: "c"}); !errors.Is(err, ErrUnimplemented) {
		t.Errorf("Decide of a kind no Kind decides: %v, want ErrUnimplemented", err)
	}
	if _, ok := src.Senders["b/shape"]; !ok || len(src.Senders) != 1 {
		t.Errorf("Senders = %v, want only b/shape", src.Senders)
	}
}

func TestNewSourcePanicsOnTwoKindsOneKey(t *testing.T) {
	for name, kinds := range map[string][]Kind{
		"decide": {{Decide: map[string]Decider{"a": decides(nil)}}, {Decide: map[string]Decider{"a": decides(nil)}}},
		"sender": {{Senders: map[string]Sender{"a/x": {}}}, {Senders: map[string]Sender{"a/x": {}}}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewSource with two kinds under one %s key did not panic", name)
				}
			}()
			NewSource("s", files("{}", "{}"), kinds...)
		})
	}
}

func TestNewSourcePanicsWithoutItsFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no schema":        {HeadersFile: {Data: []byte("{}")}},
		"no headers":       {SchemaFile: {Data: []byte("{}")}},
		"headers not json": files("{}", `{"a": "not paragraphs"}`),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewSource with %s did not panic", name)
				}
			}()
			NewSource("s", fsys)
		})
	}
}
