package vgen

import (
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
)

// checkNote describes a check id as a flag: its statement and where the
// documents state it.
func checkNote(id string) (string, bool) {
	c, ok := spec.LookupCheck(id)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("Check %s (%s, %q; refused with %s): %s", c.ID, c.Doc, c.Section, c.Code, c.Statement), true
}
