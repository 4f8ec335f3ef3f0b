package civil

import "time"

// Statutory time limits (Law on Civil Status 60/2014/QH13).
const (
	// BirthDeadlineDays: art. 15.1, parents register a birth within 60 days of it.
	BirthDeadlineDays = 60
	// DeathDeadlineDays: art. 33.1, a death is registered within 15 days of it.
	DeathDeadlineDays = 15
)

// LateBirth reports whether a birth registered on registered was registered after the 60 days
// of art. 15.1 (the day of birth is day 0).
func LateBirth(born, registered time.Time) bool {
	return registered.After(born.AddDate(0, 0, BirthDeadlineDays))
}

// LateDeath reports whether a death registered on registered came after the 15 days of art. 33.1.
func LateDeath(died, registered time.Time) bool {
	return registered.After(died.AddDate(0, 0, DeathDeadlineDays))
}
