// Package apdu encodes ISO/IEC 7816-4 APDUs carrying BER-TLV data under one
// strict profile: the card-to-card messages of a scheme whose wallet is a
// smart card (the chip model's), and the envelope models/device/vcard and
// conformance/reader speak, so that a card maker can replay a model run
// through a reader. It names no scheme.
//
// # Contract
//
// Every decoder (ParseCommand, ParseResponse, Parse, ValueSpans) follows
// one strict profile:
//
//   - Every rejection is a *spec.Error with code malformed whose detail
//     names the offending field or offset. Decoders never panic.
//   - Every input is capped before it is read: MaxCommand bytes for a
//     C-APDU, MaxResponse for an R-APDU, MaxTLV bytes, MaxDepth levels and
//     MaxItems objects per level for BER-TLV.
//   - Each value has exactly one accepted encoding. For every accepted b,
//     re-encoding what was parsed gives b back byte for byte
//     (Command.Marshal of ParseCommand(b), Response.Marshal of
//     ParseResponse(b), Marshal of Parse(b)). A second encoding of one
//     value would let a tampered message through every byte comparison, so
//     anything the encoders would not produce is refused.
//
// Decoded byte slices (Command.Data, Response.Data, TLV.Value) are copies:
// they never alias the input.
//
// # What is refused that ISO/IEC 7816-4 permits
//
// C-APDUs: the extended form where the short form suffices (the encoder
// picks short whenever Nc <= 255 and Ne <= 256, so an extended encoding of
// such a command is a second encoding); CLA 0xFF (invalid per ISO, and the
// PPS byte under ISO/IEC 7816-3); commands over MaxCommand bytes although
// extended lengths reach 65535.
//
// R-APDUs: a first status byte outside '61'..'6F' and '90'..'9F' (ISO
// reserves every other value); responses over MaxResponse bytes.
//
// BER-TLV: the padding bytes '00' and 'FF' that ISO/IEC 7816-4 §5.2 allows
// before, between and after data objects (they are ignored by ISO readers,
// so they would be a second encoding); indefinite lengths ('80'); length
// fields of more than three bytes ('83' and up) and non-minimal length
// fields ('81' with a value below 128, '82' with a value below 256); tag
// fields of more than three bytes; tags whose second byte is '80' (a
// leading zero group, non-minimal under ISO/IEC 8825-1). Multi-byte tags
// whose second byte is below '1F' (such as the EMV tags '9F02' and '9F37')
// are accepted although ISO/IEC 7816-4 reserves them, because EMV and PBOC
// use them.
//
// # Status words and error codes
//
// SWFor maps each canonical spec code to the status word an error
// response carries, and CodeFor maps a status word back. Several codes
// share one status word, so ErrorResponse also carries the exact code as
// ASCII in the private data object TagErrorCode ('DF7F'), and Response.Err
// recovers it. The table is documented on SWFor.
package apdu
