package spec

import "strings"

// ReqID names one of the six top-level requirements, "R1" to "R6".
type ReqID string

// SubID names a sub-property, "R2.1". Ids are stable: once published an id
// keeps its meaning; a retired sub-property keeps its id and is marked
// Retired, and new ones take the next free number.
type SubID string

// Req returns the requirement a sub-property belongs to ("R2" for "R2.1").
func (s SubID) Req() ReqID {
	id, _, _ := strings.Cut(string(s), ".")
	return ReqID(id)
}

// Threat names the adversary and fault profile a sub-property assumes. A
// property is only meaningful under its profile: "an honest device never
// spends twice" is checked with honest secure elements and crashes, "a double
// spend is detected" with a cloned or rolled-back device.
type Threat string

// The threat profiles. DESIGN.md §3 and spec/requirements.md describe each.
const (
	// ThreatHonest: every device follows the protocol; the channel may
	// drop, duplicate, reorder and delay but does not forge.
	ThreatHonest Threat = "honest"
	// ThreatNetwork: an active channel adversary that tampers, replays
	// from other sessions and relays (proximity is never assumed).
	ThreatNetwork Threat = "network"
	// ThreatCrash: honest devices that lose power at any step; only what
	// they persisted survives.
	ThreatCrash Threat = "crash"
	// ThreatClonedDevice: a device whose secure storage was copied or
	// rolled back to an earlier snapshot (a compromised SE or a software
	// wallet); the holder controls it.
	ThreatClonedDevice Threat = "cloned-device"
	// ThreatMaliciousPayer: the payer deviates arbitrarily to pay less,
	// spend twice or repudiate.
	ThreatMaliciousPayer Threat = "malicious-payer"
	// ThreatMaliciousPayee: the payee deviates arbitrarily to be credited
	// without delivering, or to debit the payer without acknowledging.
	ThreatMaliciousPayee Threat = "malicious-payee"
	// ThreatCollusion: a merchant and an agent bank pool their complete
	// views (messages, records, account data) to trace payers.
	ThreatCollusion Threat = "merchant-bank-collusion"
	// ThreatForger: a user without the issuer's keys fabricates or alters
	// coins, lineage or certificates.
	ThreatForger Threat = "forger"
)

// Threats lists every profile in a stable order.
var Threats = []Threat{
	ThreatHonest, ThreatNetwork, ThreatCrash, ThreatClonedDevice,
	ThreatMaliciousPayer, ThreatMaliciousPayee, ThreatCollusion, ThreatForger,
}

// Source cites where a requirement or sub-property comes from.
type Source struct {
	Ref  string // e.g. "CN107230079B, background (1)", "BIS Project Polaris (2023)"
	Note string // what the source says that this entry turns into a check
}

// SubProperty is one checkable statement. Statement is written so that a
// test can decide it on a run: it names what is observed and what must hold.
type SubProperty struct {
	ID        SubID
	Title     string
	Statement string
	Threat    Threat
	Sources   []Source
	Retired   bool // kept for id stability; no longer checked
}

// Requirement is one of the six requirements of the PBOC 2016 patent
// background, with the sub-properties that make it executable.
type Requirement struct {
	ID        ReqID
	Name      string // "security", "no double spend", …
	Slug      string // "security", "no-double-spend", … for file names and URLs
	Stated    string // the requirement as the patent states it, in English
	StatedZH  string // the original Chinese wording
	Subs      []SubProperty
	Rationale string // how the sub-properties together cover the requirement
}

// Catalogue returns the requirement catalogue in order R1..R6. The returned
// slice is a copy; callers may modify it.
func Catalogue() []Requirement {
	out := make([]Requirement, len(catalogue))
	for i, r := range catalogue {
		r.Subs = append([]SubProperty(nil), r.Subs...)
		for j := range r.Subs {
			r.Subs[j].Sources = append([]Source(nil), r.Subs[j].Sources...)
		}
		out[i] = r
	}
	return out
}

// LookupRequirement returns the requirement with the given id.
func LookupRequirement(id ReqID) (Requirement, bool) {
	for _, r := range Catalogue() {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// LookupSub returns a copy of the sub-property with the given id.
func LookupSub(id SubID) (SubProperty, bool) {
	for _, r := range catalogue {
		for _, s := range r.Subs {
			if s.ID == id {
				s.Sources = append([]Source(nil), s.Sources...)
				return s, true
			}
		}
	}
	return SubProperty{}, false
}

// SubIDs returns every live (not retired) sub-property id in catalogue order.
func SubIDs() []SubID {
	var ids []SubID
	for _, r := range catalogue {
		for _, s := range r.Subs {
			if !s.Retired {
				ids = append(ids, s.ID)
			}
		}
	}
	return ids
}
