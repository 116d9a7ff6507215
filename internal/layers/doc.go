// Package layers holds the test that keeps the module's layering: which
// package may import which (layers_test.go states the rules and why). It
// has no code.
package layers
