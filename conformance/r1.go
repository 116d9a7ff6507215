package conformance

// r1Properties returns the properties of requirement R1.
func r1Properties() []Property {
	return nil
}
