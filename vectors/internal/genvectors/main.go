// Command genvectors writes the vector files (go generate ./vectors).
package main

import (
	"fmt"
	"os"

	"github.com/dualoffline/dualoffline/vectors"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := vectors.Generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
