// Package layers holds the tests that keep the module's layering: which
// package may import which (layers_test.go states the rules and why), and
// that spec, which imports time for its types, calls no clock. It has no
// code.
package layers
