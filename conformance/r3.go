package conformance

// r3Properties returns the properties of requirement R3.
func r3Properties() []Property {
	return nil
}
