package conformance

// r4Properties returns the properties of requirement R4.
func r4Properties() []Property {
	return nil
}
