package messages

import "hearth/domain"

// defaultLimits are the limits an InputError implies when it carries none.
var defaultLimits = map[string]int{
	"name":        domain.MaxNameLen,
	"description": domain.MaxDescriptionLen,
	"capacity":    domain.MaxCapacity,
	"sessions":    domain.MaxSessions,
}

// Input words a refusal of what someone typed. Each (Field, Problem) has
// its message input_<field>_<problem> in the catalogue; one the catalogue
// lacks gets a general sentence naming the option.
func (p *Printer) Input(e *domain.InputError) string {
	if e == nil {
		return p.Apology()
	}
	limit := e.Limit
	if limit == 0 {
		limit = defaultLimits[e.Field]
	}
	a := args{"Field": e.Field, "Input": e.Input, "Limit": limit, "Reason": e.Reason}
	// English has every message, and another language falls back to it.
	en := For(English)
	id := "input_" + e.Field + "_" + string(e.Problem)
	// Reason is the cron parser's explanation, which exists in English
	// only: another language leaves it out rather than mix languages.
	if e.Reason != "" && p.lang == English && en.has(id+"_reason") {
		id += "_reason"
	}
	if !en.has(id) {
		id = "input_other"
	}
	return p.agree(id, limit, a)
}
