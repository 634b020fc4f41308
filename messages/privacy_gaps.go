package messages

// NoteChannelLost is the log note when Hearth could not take a permission
// away on a channel it can no longer see: it names the channel, never the
// person.
func (p *Printer) NoteChannelLost(channelID string) string {
	return p.fill("note_channel_lost", args{"Channel": Channel(channelID)})
}

// NoteCrisisRuleRestored is the log note when someone changed Hearth's
// crisis-alert rule in Discord and Hearth put it back.
func (p *Printer) NoteCrisisRuleRestored() string { return p.text("note_crisis_rule_restored") }
