package web

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"tuphap/internal/civil"
)

// formField is one input of a civil-status form. Name is the JSON path of the value
// ("child.full_name"), so the same names serve the form, the API and the error messages.
type formField struct {
	Name     string
	Label    string // message key
	Type     string // text, date, sex, pid, ethnicity, country, relation, place, bool, choice
	Required bool
	// Choices are a choice's values, each shown as the message Label.value (Label.none for
	// none chosen).
	Choices []string
}

type formSection struct {
	Title    string // message key
	Optional string // non-empty: a checkbox name that turns the section on (mother, father, abandoned…)
	Check    string // the checkbox's message key, when not form.has_<Optional>
	Fields   []formField
}

func f(name, label, typ string, required bool) formField {
	return formField{Name: name, Label: label, Type: typ, Required: required}
}

// choice is a field chosen from values, each shown as the message label.value.
func choice(name, label string, required bool, values ...string) formField {
	return formField{Name: name, Label: label, Type: "choice", Required: required, Choices: values}
}

func parentFields(p string) []formField { return personFields(p, false) }

// personFields are a parent's or a spouse's fields; a spouse's date of birth is required, since
// the age to marry is checked against it.
func personFields(p string, dobRequired bool) []formField {
	return []formField{
		f(p+".full_name", "form.full_name", "text", true),
		f(p+".date_of_birth", "form.date_of_birth", "date", dobRequired),
		f(p+".ethnicity", "form.ethnicity", "ethnicity", false),
		f(p+".nationality", "form.nationality", "country", false),
		f(p+".residence", "form.residence", "place", false),
		f(p+".personal_id", "form.personal_id", "pid", false),
	}
}

var requesterSection = formSection{Title: "form.requester", Fields: []formField{
	f("requester.full_name", "form.full_name", "text", true),
	f("requester.relation", "form.relation", "relation", true),
	f("requester.personal_id", "form.personal_id", "pid", false),
}}

// birthForm follows the order of the official birth declaration (tờ khai đăng ký khai sinh,
// Circular 04/2020/TT-BTP): the requester, then the child, mother and father.
var birthForm = []formSection{
	requesterSection,
	{Title: "form.child", Fields: []formField{
		f("child.full_name", "form.full_name", "text", true),
		f("child.date_of_birth", "form.date_of_birth", "date", true),
		f("child.sex", "form.sex", "sex", true),
		f("child.ethnicity", "form.ethnicity", "ethnicity", true),
		f("child.nationality", "form.nationality", "country", true),
		f("child.place_of_birth", "form.place_of_birth", "place", true),
		f("child.hometown", "form.hometown", "place", false),
		f("child.personal_id", "form.personal_id", "pid", false),
	}},
	{Title: "form.mother", Optional: "mother", Fields: parentFields("mother")},
	{Title: "form.father", Optional: "father", Fields: parentFields("father")},
	{Title: "form.abandoned", Optional: "abandoned", Fields: []formField{
		f("abandoned.found_on", "form.found_on", "date", true),
		f("abandoned.found_at", "form.found_at", "place", true),
		f("abandoned.finder", "form.finder", "text", false),
	}},
	{Title: "form.abroad", Optional: "abroad", Fields: []formField{f("abroad.country", "form.country", "country", true)}},
	reregisteredSection,
	abroadSection,
}

// abroadSection marks a birth, marriage or adoption that a foreign authority registered,
// written into the register here (Law 60/2014 art. 48–50).
var abroadSection = formSection{Title: "form.registered_abroad", Optional: "registered_abroad", Fields: []formField{
	f("registered_abroad.country", "form.country", "country", true),
	f("registered_abroad.authority", "form.foreign_authority", "text", true),
	f("registered_abroad.document", "form.foreign_document", "text", true),
	f("registered_abroad.issued_on", "form.foreign_issued_on", "date", true),
}}

// reregisteredSection marks a birth, marriage or death registered again, its register and
// original both lost, with what is known of the first registration (Decree 123/2015 art. 24–28).
var reregisteredSection = formSection{Title: "form.reregistered", Optional: "reregistered", Fields: []formField{
	f("reregistered.original_office", "form.original_office", "text", true),
	f("reregistered.original_date", "form.original_date", "date", true),
	f("reregistered.original_reference", "form.original_reference", "text", false),
	f("reregistered.both_lost", "form.both_lost", "bool", true),
	f("reregistered.papers", "form.reregistered_papers", "text", false),
}}

// marriageForm follows the marriage declaration (tờ khai đăng ký kết hôn, Circular
// 04/2020/TT-BTP): the husband's side then the wife's, as the register has them.
var marriageForm = []formSection{
	{Title: "form.husband", Fields: partyFields("husband")},
	{Title: "form.wife", Fields: partyFields("wife")},
	reregisteredSection,
	abroadSection,
}

// maritalStatusForm follows the request for a certificate of marital status (tờ khai cấp giấy
// xác nhận tình trạng hôn nhân): the person, the purpose, and for marrying the intended spouse.
var maritalStatusForm = []formSection{
	{Title: "form.person", Fields: spouseFields("person")},
	{Title: "form.purpose_section", Fields: []formField{f("purpose", "form.purpose", "text", true)}},
	{Title: "form.intended_spouse", Optional: "intended_spouse", Fields: []formField{
		f("intended_spouse.full_name", "form.full_name", "text", true),
		f("intended_spouse.date_of_birth", "form.date_of_birth", "date", true),
		f("intended_spouse.nationality", "form.nationality", "country", false),
		f("intended_spouse.residence", "form.residence", "place", false),
	}},
}

// recognitionForm follows the declaration of recognition (tờ khai đăng ký nhận cha, mẹ, con):
// the child, the father or the mother recognised, and the evidence.
var recognitionForm = []formSection{
	{Title: "form.child", Fields: []formField{
		f("child.full_name", "form.full_name", "text", true),
		f("child.date_of_birth", "form.date_of_birth", "date", true),
		f("child.sex", "form.sex", "sex", true),
		f("child.personal_id", "form.personal_id", "pid", false),
	}},
	{Title: "form.father", Optional: "father", Fields: parentFields("father")},
	{Title: "form.mother", Optional: "mother", Fields: parentFields("mother")},
	{Title: "form.evidence_section", Fields: []formField{f("evidence", "form.evidence", "text", true)}},
}

// adoptionForm follows the request to register an adoption (Law on Adoption 2010 art. 17–18,
// 22): the child, the adoptive father or mother or both (their dates of birth required: the
// age gap is checked against them), and the consents of art. 21.
var adoptionForm = []formSection{
	{Title: "form.adopted_child", Fields: []formField{
		f("child.full_name", "form.full_name", "text", true),
		f("child.date_of_birth", "form.date_of_birth", "date", true),
		f("child.sex", "form.sex", "sex", true),
		f("child.personal_id", "form.personal_id", "pid", false),
	}},
	{Title: "form.adoptive_father", Optional: "father", Check: "form.has_adoptive_father", Fields: personFields("father", true)},
	{Title: "form.adoptive_mother", Optional: "mother", Check: "form.has_adoptive_mother", Fields: personFields("mother", true)},
	{Title: "form.consent_section", Fields: []formField{
		choice("relation", "form.adoption_relation", false, civil.StepParent, civil.Relative),
		// Required at the desk, not for an adoption decided abroad: the server says which.
		f("consent", "form.consent", "text", false),
		f("consented_on", "form.consented_on", "date", false),
		f("child_consent", "form.child_consent", "bool", false),
	}},
	abroadSection,
}

// guardianshipForm follows the declaration of guardianship (tờ khai đăng ký giám hộ, Law
// 60/2014 art. 20–21): the ward, the guardian, a second one where the law allows two (Civil
// Code 2015 art. 47.2), and how the guardian holds: appointed, or by law.
var guardianshipForm = []formSection{
	{Title: "form.ward", Fields: []formField{
		f("ward.full_name", "form.full_name", "text", true),
		f("ward.date_of_birth", "form.date_of_birth", "date", true),
		f("ward.sex", "form.sex", "sex", true),
		f("ward.residence", "form.residence", "place", false),
		f("ward.personal_id", "form.personal_id", "pid", false),
		f("incapacity", "form.incapacity", "text", false),
	}},
	{Title: "form.guardian", Fields: personFields("guardian", true)},
	{Title: "form.co_guardian", Optional: "co_guardian", Fields: append(personFields("co_guardian", true),
		choice("joint", "form.joint", true, civil.JointParents, civil.JointGrandparents))},
	{Title: "form.guardianship_basis", Fields: []formField{
		f("by_law", "form.by_law", "bool", false),
		f("appointment", "form.appointment", "text", false),
		f("ward_heard", "form.ward_heard", "bool", false),
		f("supervisor", "form.supervisor", "text", false),
	}},
}

// guardianshipEndSection is a guardianship's end (Law 60/2014 art. 22–23): typed on its own
// form (registration.EndGuardianship), shown on the entry once recorded.
var guardianshipEndSection = formSection{Title: "form.guardianship_end", Fields: []formField{
	f("end.on", "form.end_on", "date", true),
	choice("end.reason", "form.end_reason", true, civil.GuardianshipEndReasons...),
	f("end.basis", "form.end_basis", "text", true),
}}

// adoptiveSection shows a birth entry's adoptive parents. Only an adoption's registration sets
// them, so a correction's form leaves it out (amendable).
var adoptiveSection = formSection{Title: "form.adoptive", Fields: []formField{
	f("adoptive.father.full_name", "form.adoptive_father", "text", false),
	f("adoptive.father.date_of_birth", "form.date_of_birth", "date", false),
	f("adoptive.mother.full_name", "form.adoptive_mother", "text", false),
	f("adoptive.mother.date_of_birth", "form.date_of_birth", "date", false),
}}

// maritalStatusFound is what the register showed, on the certificate's page (not typed).
var maritalStatusFound = formSection{Title: "form.status_found", Fields: []formField{
	f("status", "form.marital_status", "marital", false),
	f("spouse", "form.spouse", "text", false),
	f("basis", "form.basis", "text", false),
	f("valid_until", "form.valid_until", "date", false),
	f("used_for", "form.used_for", "text", false),
}}

// divorceSection is a court's divorce recorded against a marriage (Law 60/2014 art. 3.2.đ):
// typed on its own form (registration.RecordDivorce), shown on the entry once recorded.
var divorceSection = formSection{Title: "form.divorce", Fields: []formField{
	f("divorce.court", "form.court", "text", true),
	f("divorce.decision", "form.decision", "text", true),
	f("divorce.effective_on", "form.effective_on", "date", true),
	f("divorce.country", "form.divorce_country", "country", false),
}}

// spouseFields are a parent's fields, the date of birth required (the age to marry is checked
// against it), and an identity paper for a party without a personal ID.
func spouseFields(p string) []formField {
	return append(personFields(p, true), f(p+".papers", "form.papers", "text", false))
}

// partyFields are a spouse's fields on the marriage form, with a foreign party's proof of
// marital status from their country (Law 60/2014 art. 38.1).
func partyFields(p string) []formField {
	return append(spouseFields(p), f(p+".marital_proof", "form.marital_proof", "text", false))
}

// deathForm follows the death declaration (tờ khai đăng ký khai tử).
var deathForm = []formSection{
	requesterSection,
	{Title: "form.deceased", Fields: []formField{
		f("deceased.full_name", "form.full_name", "text", true),
		f("deceased.date_of_birth", "form.date_of_birth", "date", true),
		f("deceased.sex", "form.sex", "sex", true),
		f("deceased.ethnicity", "form.ethnicity", "ethnicity", false),
		f("deceased.nationality", "form.nationality", "country", false),
		f("deceased.residence", "form.last_residence", "place", false),
		f("deceased.personal_id", "form.personal_id", "pid", false),
	}},
	{Title: "form.death", Fields: []formField{
		f("date_of_death", "form.date_of_death", "date", true),
		f("place_of_death", "form.place_of_death", "place", true),
		f("cause", "form.cause", "text", true),
	}},
	reregisteredSection,
}

// bindForm turns the posted fields of sections into JSON and decodes it into v, so that forms
// and the API share one decoding. An optional section is kept only when its box is ticked.
func bindForm(form url.Values, sections []formSection, v any) error {
	root := map[string]any{}
	for _, s := range sections {
		if s.Optional != "" && form.Get("has_"+s.Optional) == "" {
			continue
		}
		for _, fl := range s.Fields {
			val := strings.TrimSpace(form.Get(fl.Name))
			if fl.Type == "date" {
				val = isoDate(val)
			}
			if fl.Type == "bool" { // a ticked box, true in JSON
				setPath(root, fl.Name, val != "")
				continue
			}
			if val == "" {
				if s.Optional != "" { // keep the section present even if a field is empty
					setPath(root, fl.Name, "")
				}
				continue
			}
			setPath(root, fl.Name, val)
		}
	}
	b, err := json.Marshal(root)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func setPath(m map[string]any, path string, val any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = val
}

// formValues gives an entry's fields as form values, ticking the box of every section present
// (mother, father, abandoned…).
func formValues(v any) map[string]string {
	out := map[string]string{}
	for k, x := range civil.Fields(v) {
		if sec := civil.Section(k); sec != "" {
			out["has_"+sec] = "on"
		}
		switch x := x.(type) {
		case string:
			out[k] = x
		case bool:
			if x {
				out[k] = "on"
			}
		}
	}
	return out
}

// postedValues keeps what was typed, to show a refused form again with nothing lost.
func postedValues(form url.Values) map[string]string {
	out := map[string]string{}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out[k] = form.Get(k)
	}
	return out
}

// isoDate reads a date as officers type it, day first ("01/02/2026", "1.2.2026"), into the
// stored YYYY-MM-DD; anything else is returned as typed (an ISO date passes, and validation
// reports the rest). Forms use text inputs for dates: a date input shows the browser's locale,
// month first on an English system, whatever the page's language.
func isoDate(s string) string {
	if d, ok := civil.ParseDayFirst(s); ok {
		return d
	}
	return strings.TrimSpace(s)
}
