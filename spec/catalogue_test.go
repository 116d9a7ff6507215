package spec

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var subIDPattern = regexp.MustCompile(`^R[1-6]\.[1-9][0-9]*$`)

func TestCatalogueRequirements(t *testing.T) {
	type head struct {
		ID   ReqID
		Name string
		Slug string
	}
	want := []head{
		{"R1", "security", "security"},
		{"R2", "no double spend", "no-double-spend"},
		{"R3", "controllable anonymity", "controllable-anonymity"},
		{"R4", "unforgeability", "unforgeability"},
		{"R5", "fairness", "fairness"},
		{"R6", "compatibility with cash", "compatibility"},
	}
	var got []head
	for _, r := range Catalogue() {
		got = append(got, head{r.ID, r.Name, r.Slug})
		if r.Stated == "" || r.StatedZH == "" || r.Rationale == "" {
			t.Errorf("%s: Stated, StatedZH and Rationale must all be set", r.ID)
		}
		if !strings.HasSuffix(r.Stated, ".") {
			t.Errorf("%s: Stated %q does not end with a period", r.ID, r.Stated)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requirement ids, names and slugs (-want +got):\n%s", diff)
	}
}

func TestSubIDsWellFormed(t *testing.T) {
	seen := map[SubID]bool{}
	for _, r := range Catalogue() {
		for i, s := range r.Subs {
			if !subIDPattern.MatchString(string(s.ID)) {
				t.Errorf("%s: id %q does not match %s", r.ID, s.ID, subIDPattern)
			}
			if seen[s.ID] {
				t.Errorf("%s: id %q used twice", r.ID, s.ID)
			}
			seen[s.ID] = true
			if s.ID.Req() != r.ID {
				t.Errorf("%s.Req() = %q, want parent %q", s.ID, s.ID.Req(), r.ID)
			}
			if want := SubID(fmt.Sprintf("%s.%d", r.ID, i+1)); s.ID != want {
				t.Errorf("%s: sub-property %d has id %q, want %q (numbered consecutively from 1)", r.ID, i, s.ID, want)
			}
		}
	}
}

func TestSubPropertyFields(t *testing.T) {
	titles := map[string]SubID{}
	for _, r := range Catalogue() {
		live := 0
		for _, s := range r.Subs {
			if !s.Retired {
				live++
			}
			if strings.TrimSpace(s.Title) == "" {
				t.Errorf("%s: empty Title", s.ID)
			}
			if strings.ContainsAny(s.Title, "\n#") {
				t.Errorf("%s: Title %q must be a single line without '#'", s.ID, s.Title)
			}
			if prev, dup := titles[s.Title]; dup {
				t.Errorf("%s: Title %q already used by %s", s.ID, s.Title, prev)
			}
			titles[s.Title] = s.ID
			if strings.TrimSpace(s.Statement) == "" {
				t.Errorf("%s: empty Statement", s.ID)
			} else if !strings.HasSuffix(s.Statement, ".") {
				t.Errorf("%s: Statement does not end with a period: %q", s.ID, s.Statement)
			}
			if !slices.Contains(Threats, s.Threat) {
				t.Errorf("%s: Threat %q is not in Threats %v", s.ID, s.Threat, Threats)
			}
			if len(s.Sources) == 0 {
				t.Errorf("%s: no Sources", s.ID)
			}
			for j, src := range s.Sources {
				if strings.TrimSpace(src.Ref) == "" {
					t.Errorf("%s: Sources[%d] has an empty Ref", s.ID, j)
				}
				if strings.TrimSpace(src.Note) == "" {
					t.Errorf("%s: Sources[%d] (%s) has an empty Note", s.ID, j, src.Ref)
				}
			}
		}
		if live < 3 {
			t.Errorf("%s has %d live sub-properties, want at least 3", r.ID, live)
		}
	}
}

func TestCatalogueReturnsCopy(t *testing.T) {
	want := Catalogue()

	got := Catalogue()
	got[0].Name = "mutated"
	got[0].Subs[0].Title = "mutated"
	got[0].Subs[0].Retired = true
	got[1].Subs = append(got[1].Subs[:0], SubProperty{ID: "R2.99"})
	got[len(got)-1] = Requirement{ID: "R9"}

	r, ok := LookupRequirement("R3")
	if !ok {
		t.Fatal(`LookupRequirement("R3") not found`)
	}
	r.Subs[0].Statement = "mutated"
	r.Subs[0].Sources[0].Ref = "mutated"
	if sub, ok := LookupSub("R4.1"); ok {
		sub.Sources[0].Note = "mutated"
	}

	if diff := cmp.Diff(want, Catalogue()); diff != "" {
		t.Errorf("mutating a returned catalogue changed a later call (-want +got):\n%s", diff)
	}
}

func TestLookupRoundTrip(t *testing.T) {
	for _, r := range Catalogue() {
		got, ok := LookupRequirement(r.ID)
		if !ok {
			t.Errorf("LookupRequirement(%q) not found", r.ID)
			continue
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("LookupRequirement(%q) (-want +got):\n%s", r.ID, diff)
		}
		for _, s := range r.Subs {
			got, ok := LookupSub(s.ID)
			if !ok {
				t.Errorf("LookupSub(%q) not found", s.ID)
				continue
			}
			if diff := cmp.Diff(s, got); diff != "" {
				t.Errorf("LookupSub(%q) (-want +got):\n%s", s.ID, diff)
			}
		}
	}
	for _, id := range []ReqID{"", "R0", "R7", "r1", "R1.1"} {
		if _, ok := LookupRequirement(id); ok {
			t.Errorf("LookupRequirement(%q) found, want not found", id)
		}
	}
	for _, id := range []SubID{"", "R1", "R1.0", "R1.99", "R7.1", "r1.1"} {
		if _, ok := LookupSub(id); ok {
			t.Errorf("LookupSub(%q) found, want not found", id)
		}
	}
}

// TestSubIDs pins the published ids. Ids are never renumbered or reused: a
// retired sub-property drops out of SubIDs but keeps its id in the
// catalogue, and a new one is appended here with the next free number.
func TestSubIDs(t *testing.T) {
	want := []SubID{
		"R1.1", "R1.2", "R1.3", "R1.4", "R1.5", "R1.6",
		"R2.1", "R2.2", "R2.3", "R2.4", "R2.5", "R2.6", "R2.7",
		"R3.1", "R3.2", "R3.3", "R3.4", "R3.5", "R3.6",
		"R4.1", "R4.2", "R4.3", "R4.4", "R4.5", "R4.6",
		"R5.1", "R5.2", "R5.3", "R5.4", "R5.5", "R5.6",
		"R6.1", "R6.2", "R6.3", "R6.4", "R6.5", "R6.6", "R6.7",
	}
	if diff := cmp.Diff(want, SubIDs()); diff != "" {
		t.Errorf("SubIDs() (-want +got):\n%s", diff)
	}

	var live []SubID
	for _, r := range Catalogue() {
		for _, s := range r.Subs {
			if !s.Retired {
				live = append(live, s.ID)
			}
		}
	}
	if diff := cmp.Diff(live, SubIDs()); diff != "" {
		t.Errorf("SubIDs() is not the live ids in catalogue order (-want +got):\n%s", diff)
	}
}

// docSection returns the text of the markdown section of the given heading
// level opened by the first line for which isHeading is true, up to the next
// heading of the same or a higher level, with runs of white space collapsed
// to one space. ok is false when no line opens such a section.
func docSection(doc string, level int, isHeading func(line string) bool) (section string, ok bool) {
	lines := strings.Split(doc, "\n")
	for i, line := range lines {
		if !isHeading(strings.TrimRight(line, " \t")) {
			continue
		}
		end := len(lines)
		for j := i + 1; j < len(lines); j++ {
			h := strings.IndexFunc(lines[j], func(r rune) bool { return r != '#' })
			if h > 0 && h <= level && strings.HasPrefix(lines[j][h:], " ") {
				end = j
				break
			}
		}
		return strings.Join(strings.Fields(strings.Join(lines[i:end], "\n")), " "), true
	}
	return "", false
}

// TestRequirementsDoc keeps spec/requirements.md and the catalogue in step:
// every requirement and sub-property has its section, headed by its id (and
// for a sub-property its title), stating the same text, threat and sources.
func TestRequirementsDoc(t *testing.T) {
	b, err := os.ReadFile("requirements.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(b), "\r\n", "\n")

	for _, th := range Threats {
		if !strings.Contains(doc, "`"+string(th)+"`") {
			t.Errorf("requirements.md does not describe threat profile `%s`", th)
		}
	}

	known := map[string]bool{}
	for _, r := range Catalogue() {
		known[string(r.ID)] = true
		prefix := "## " + string(r.ID) + " "
		sec, ok := docSection(doc, 2, func(l string) bool { return strings.HasPrefix(l, prefix) })
		if !ok {
			t.Errorf("requirements.md has no heading %q", "## "+string(r.ID)+" …")
			continue
		}
		for _, want := range []string{r.Stated, r.StatedZH} {
			if !strings.Contains(sec, want) {
				t.Errorf("requirements.md section %s does not state %q", r.ID, want)
			}
		}
		for _, s := range r.Subs {
			known[string(s.ID)] = true
			heading := "#### " + string(s.ID) + " " + s.Title
			sec, ok := docSection(doc, 4, func(l string) bool { return l == heading })
			if !ok {
				t.Errorf("requirements.md has no heading line %q (id and title exactly)", heading)
				continue
			}
			if !strings.Contains(sec, s.Statement) {
				t.Errorf("requirements.md section %s does not contain its Statement verbatim:\n%s", s.ID, s.Statement)
			}
			if !strings.Contains(sec, "`"+string(s.Threat)+"`") {
				t.Errorf("requirements.md section %s does not name its threat `%s`", s.ID, s.Threat)
			}
			for _, src := range s.Sources {
				if !strings.Contains(sec, src.Ref) {
					t.Errorf("requirements.md section %s does not cite %q", s.ID, src.Ref)
				}
			}
		}
	}

	// No section for an id the catalogue does not have.
	heads := regexp.MustCompile(`(?m)^#{2,4} (R[0-9]+(?:\.[0-9]+)?) `)
	for _, m := range heads.FindAllStringSubmatch(doc, -1) {
		if !known[m[1]] {
			t.Errorf("requirements.md has a section for %s, which is not in the catalogue", m[1])
		}
	}
}

// TestRequirementsDocCounts guards the test above against a docSection that
// silently matches nothing: the document must have exactly one sub-property
// heading per catalogue entry.
func TestRequirementsDocCounts(t *testing.T) {
	b, err := os.ReadFile("requirements.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range Catalogue() {
		n += len(r.Subs)
	}
	got := len(regexp.MustCompile(`(?m)^#### R[0-9]+\.[0-9]+ `).FindAll(b, -1))
	if diff := cmp.Diff(n, got); diff != "" {
		t.Errorf("sub-property headings in requirements.md (-want +got):\n%s", diff)
	}
}
