package groups

import (
	"strconv"
	"time"

	"hearth/internal/signed"
	"hearth/messages"
)

// Custom-id prefixes of the buttons on session posts, reminders and
// talking rounds. These sit on messages in a group's channel that every
// member sees, so they are signed for no one in particular (user ""): the
// signature still binds them to their group and session, and the handler
// checks who pressed.
const (
	CheckInID = "here"
	ExcuseID  = "excuse"
	RoundID   = "round"
)

// SessionButtons are the buttons under a session post (I'm here and Can't
// make it) or, without here, under a reminder (Can't make it).
func SessionButtons(key []byte, p *messages.Printer, groupID int64, sessionAt time.Time, here bool) []Button {
	ids := signed.IDs{Key: key}
	g, at := strconv.FormatInt(groupID, 10), strconv.FormatInt(sessionAt.Unix(), 10)
	var out []Button
	if here {
		out = append(out, Button{CustomID: ids.Make("", CheckInID, g, at), Label: p.HereButton(), Primary: true})
	}
	return append(out, Button{CustomID: ids.Make("", ExcuseID, g, at), Label: p.CantButton()})
}
