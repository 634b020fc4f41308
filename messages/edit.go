package messages

import "strings"

// Edited is /group edit's reply: one line for each thing that changed.
// group is the group's name now; oldName is set when it was renamed;
// capacity > 0 and facilitatorID != "" when those changed.
func (p *Printer) Edited(group, oldName string, description bool, capacity int, facilitatorID string) string {
	lines := []string{p.group("edited", group)}
	if oldName != "" {
		lines = append(lines, p.fill("edited_name", args{"Group": Name(group), "Old": Name(oldName)}))
	}
	if description {
		lines = append(lines, p.text("edited_description"))
	}
	if capacity > 0 {
		lines = append(lines, p.count("edited_capacity", capacity, nil))
	}
	if facilitatorID != "" {
		lines = append(lines, p.fill("edited_facilitator", args{"User": User(facilitatorID)}))
	}
	return strings.Join(lines, "\n")
}

// EditNothing answers /group edit given nothing to change.
func (p *Printer) EditNothing(group string) string { return p.group("edit_nothing", group) }

// EditModeratorsOnly refuses a facilitator the options only moderators
// may change, named as typed.
func (p *Printer) EditModeratorsOnly(group string, options []string) string {
	quoted := make([]string, len(options))
	for i, o := range options {
		quoted[i] = "`" + o + "`"
	}
	return p.fill("edit_moderators_only", args{"Group": Name(group), "Options": strings.Join(quoted, ", ")})
}
