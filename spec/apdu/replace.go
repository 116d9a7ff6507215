package apdu

// ReplaceValue returns a copy of items whose n-th non-empty primitive
// value, counted in encoding order as ValueSpans counts them, is value,
// and true; or items unchanged and false when there is no such value.
// items are not modified. The caller re-marshals (Marshal re-encodes the
// lengths around the value), after Validate if value is of unknown size.
func ReplaceValue(items []TLV, n int, value []byte) ([]TLV, bool) {
	if n < 0 {
		return items, false
	}
	out, done := replaceIn(items, &n, value)
	if !done {
		return items, false
	}
	return out, true
}

func replaceIn(items []TLV, n *int, value []byte) ([]TLV, bool) {
	out := make([]TLV, len(items))
	copy(out, items)
	for i, t := range out {
		if t.Constructed() {
			kids, done := replaceIn(t.Children, n, value)
			if done {
				out[i].Children = kids
				return out, true
			}
			continue
		}
		if len(t.Value) == 0 {
			continue
		}
		if *n == 0 {
			out[i].Value = clone(value)
			return out, true
		}
		*n--
	}
	return out, false
}
