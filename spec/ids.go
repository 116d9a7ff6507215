package spec

// ValidID reports whether id is an identifier the formats accept: 1 to
// max bytes of printable ASCII (0x21..0x7E), no spaces. Device, agent and
// holder ids all follow this rule, each with its own cap.
func ValidID(id string, max int) bool {
	if len(id) == 0 || len(id) > max {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
