package audit

// Actor is who acts and from where; the store stamps it on the audit entry of every change.
type Actor struct {
	UserID   string
	Username string
	Office   string
	IP       string
}

// System is the actor for changes made by tuphap itself (start-up, migrations, demo loading).
var System = Actor{Username: "system"}

// Linked is the actor for what the national agencies' answers change (a personal ID number
// recorded as a supplement): the linked procedures (liên thông), not a person.
var Linked = Actor{Username: "liên thông"}

// Entry makes an audit entry for this actor.
func (a Actor) Entry(action, object, detail string) Entry {
	return Entry{UserID: a.UserID, Username: a.Username, Office: a.Office, IP: a.IP, Action: action, Object: object, Detail: detail}
}
