package models_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestValidateRecordWithout checks that each omission forgets its own
// check and only it.
func TestValidateRecordWithout(t *testing.T) {
	var parent coin.Serial
	rec := func(values ...int64) *transfer.Record {
		r := &transfer.Record{Version: transfer.Version1, Parent: parent, ParentValue: 100, Payer: "A", Payee: "B"}
		for i, v := range values {
			holder := "B"
			if i > 0 {
				holder = "A"
			}
			r.Outputs = append(r.Outputs, transfer.Output{Serial: transfer.ChildSerial(parent, i), Value: v, Holder: holder})
		}
		return r
	}
	for _, tc := range []struct {
		name string
		r    *transfer.Record
		omit string
		want spec.Code // "" for valid
	}{
		{"honest", rec(50, 50), "", ""},
		{"honest/sum", rec(50, 50), models.OmitOutputSum, ""},
		{"honest/denominations", rec(50, 50), models.OmitDenominations, ""},
		{"excess", rec(100, 50), "", spec.CodeValueMismatch},
		{"excess/sum", rec(100, 50), models.OmitOutputSum, ""},
		{"excess/denominations", rec(100, 50), models.OmitDenominations, spec.CodeValueMismatch},
		{"off-table", rec(37, 63), "", spec.CodeBadDenomination},
		{"off-table/sum", rec(37, 63), models.OmitOutputSum, spec.CodeBadDenomination},
		{"off-table/denominations", rec(37, 63), models.OmitDenominations, ""},
		{"off-table-excess/denominations", rec(37, 64), models.OmitDenominations, spec.CodeValueMismatch},
	} {
		var err error
		if tc.omit == "" {
			err = tc.r.Validate()
		} else {
			err = models.ValidateRecordWithout(tc.r, tc.omit)
		}
		got := spec.Code("")
		if err != nil {
			got = spec.CodeOf(err)
		}
		if got != tc.want {
			t.Errorf("%s: %v, want code %q", tc.name, err, tc.want)
		}
	}
}
