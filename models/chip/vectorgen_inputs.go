package chip

// APDUInput is the input of kind "apdu" (chip scheme): would the payer
// card Card go on to pay the INITIATE command at time At, trusting Root,
// before its state-dependent checks (replay, limits, funds)?
type APDUInput struct {
	Command string `json:"command"` // the whole C-APDU
	Root    string `json:"root"`
	Card    string `json:"card"` // hex of the deciding card's device id
	At      int64  `json:"at"`
}

// APDUTransferInput is the input of the TransferResponse group of kind
// "apdu" (chip scheme): would the payee terminal Card, which sent
// INITIATE with Challenge for Amount fen, accept the TRANSFER response?
type APDUTransferInput struct {
	Response        string   `json:"response"` // the whole R-APDU
	Root            string   `json:"root"`
	IssuerPublicKey string   `json:"issuerPublicKey"`
	Certificates    []string `json:"certificates"` // agents' certificates the card holds
	Card            string   `json:"card"`
	Challenge       string   `json:"challenge"`
	Amount          int64    `json:"amount"`
	At              int64    `json:"at"`
}

// APDUConfirmInput is the input of the ConfirmCommand group of kind
// "apdu": would the payer card Card, whose log holds one unacknowledged
// payment (Challenge, PayeeCertificate, Records), accept the CONFIRM?
type APDUConfirmInput struct {
	Command          string   `json:"command"`
	Card             string   `json:"card"`
	Challenge        string   `json:"challenge"`
	PayeeCertificate string   `json:"payeeCertificate"`
	Records          []string `json:"records"` // transfer record DER, in the order sent
}
