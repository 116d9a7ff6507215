package suite

import "github.com/dualoffline/dualoffline/internal/opcount"

// opsGM and opsINTL count each suite's public-key operations for the
// crypto floor of a run (package opcount). Counting reads no clock;
// pricing the counts (package cryptofloor) happens outside spec.
var opsGM, opsINTL = opcount.For(GM), opcount.For(INTL)
