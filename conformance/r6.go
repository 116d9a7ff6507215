package conformance

// r6Properties returns the properties of requirement R6.
func r6Properties() []Property {
	return nil
}
