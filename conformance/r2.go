package conformance

// r2Properties returns the properties of requirement R2.
func r2Properties() []Property {
	return nil
}
