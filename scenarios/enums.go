package scenarios

import "slices"

// Mode is a scenario's data-generating mechanism.
type Mode string

// The modes.
const (
	// ModeBehavioral is the agent-based model of customers and a firm.
	ModeBehavioral Mode = "behavioral"
	// ModeTextbook is the exact Heckman/Maddala selection and
	// endogenous-treatment process.
	ModeTextbook Mode = "textbook"
)

// Modes lists the modes.
func Modes() []Mode { return []Mode{ModeBehavioral, ModeTextbook} }

// Apology is the apology a recovery gives.
type Apology string

// The apologies, weakest first.
const (
	ApologyNone     Apology = "none"
	ApologyScripted Apology = "scripted"
	ApologySincere  Apology = "sincere"
)

// Apologies lists the apologies, weakest first.
func Apologies() []Apology { return []Apology{ApologyNone, ApologyScripted, ApologySincere} }

// Level is the apology's rank among Apologies (0 none, 1 scripted, 2
// sincere; the zero value "" is none too), or −1 for a name that is not
// one.
func (a Apology) Level() int {
	if a == "" {
		return 0
	}
	return slices.Index(Apologies(), a)
}
