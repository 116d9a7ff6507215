// Package vectors will publish Wycheproof-style JSON test vectors for every
// scheme and crypto suite, with a JSON Schema, a deterministic generator
// and an embedded fs.FS so Go consumers pin them with go.sum.
//
// Not built yet: this package holds only its documentation until the
// vectors land.
package vectors
