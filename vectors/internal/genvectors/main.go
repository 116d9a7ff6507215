// Command genvectors writes the vector files and the schema assembled
// from the template and the schemes' parts (go generate ./vectors).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dualoffline/dualoffline/vectors"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	if err := vectors.Generate(dir); err != nil {
		return err
	}
	s, err := vectors.Schema()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "schema", "vectors.schema.json"), s, 0o644)
}
