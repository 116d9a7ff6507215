package cert

// forgetSeen is payee-seen-cache-volatile at power-on: the serials the
// SIM was paid (seen/…) do not survive the power cycle.
func (se *SIM) forgetSeen() {
	if !se.mutated("payee-seen-cache-volatile") {
		return
	}
	if keys := se.Dev.Keys(prefSeen); len(keys) > 0 {
		se.Dev.Commit(nil, keys)
	}
}
