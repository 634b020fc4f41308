package messages

import (
	"strings"
	"time"
)

// Reminder is the post in a group's channel before a session. It names no
// one but the members it mentions and says nothing a member cannot already
// see in the channel. The sender limits allowed_mentions to userIDs.
func (p *Printer) Reminder(sessionAt time.Time, lead time.Duration, userIDs []string) string {
	id := "reminder_next"
	if lead <= 0 {
		id = "reminder_starting"
	}
	var b strings.Builder
	b.WriteString(p.fill(id, args{"When": Timestamp(sessionAt), "Relative": Relative(sessionAt)}))
	if len(userIDs) > 0 {
		b.WriteString("\n")
		for i, id := range userIDs {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(User(id))
		}
	}
	return b.String()
}
