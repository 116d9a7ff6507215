package vectors

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestReadmeVectorCount keeps the README's count of published cases in
// step with the vector files.
func TestReadmeVectorCount(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		n += len(f.Tests())
	}
	m := regexp.MustCompile(`published Wycheproof-style JSON vectors \((\d+) cases`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("README.md no longer says how many cases the vectors hold")
	}
	if got, _ := strconv.Atoi(string(m[1])); got != n {
		t.Errorf("README.md says %d cases, the vector files hold %d", got, n)
	}
}
