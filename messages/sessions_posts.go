package messages

import (
	"strconv"
	"strings"
	"time"
)

// SessionPost is the post in a group's channel at a session's start. It
// names no member; group is "" in discreet mode, where it names no group.
func (p *Printer) SessionPost(group string, sessionAt time.Time) string {
	if group == "" {
		return p.fill("session_post", args{"When": Timestamp(sessionAt)})
	}
	return p.fill("session_post_named", args{"Group": Name(group), "When": Timestamp(sessionAt)})
}

// Buttons of the session post, the reminders and the talking round.
func (p *Printer) HereButton() string { return p.text("button_here") }
func (p *Printer) CantButton() string { return p.text("button_cant") }
func (p *Printer) DoneButton() string { return p.text("button_done") }
func (p *Printer) PassButton() string { return p.text("button_pass") }

// Answers to I'm here and Can't make it, seen only by the presser.
func (p *Printer) CheckedIn() string        { return p.text("checkin_done") }
func (p *Printer) CheckedInUndid() string   { return p.text("checkin_undid_excuse") }
func (p *Printer) CheckedInAlready() string { return p.text("checkin_already") }
func (p *Printer) CheckInNotMember() string { return p.text("checkin_not_member") }
func (p *Printer) CheckInOver() string      { return p.text("checkin_over") }
func (p *Printer) CheckInNotYet(sessionAt time.Time) string {
	return p.fill("checkin_not_yet", args{"When": Timestamp(sessionAt)})
}
func (p *Printer) Excused() string          { return p.text("excused_done") }
func (p *Printer) ExcusedAlready() string   { return p.text("excused_already") }
func (p *Printer) ExcusedCheckedIn() string { return p.text("excused_checked_in") }

// ReminderDM is a reminder by direct message; group is "" in discreet
// mode. The channel link shows its name only to those who can see it.
func (p *Printer) ReminderDM(group, channelID string, sessionAt time.Time) string {
	a := args{"When": Timestamp(sessionAt), "Relative": Relative(sessionAt), "Channel": Channel(channelID)}
	if group == "" {
		return p.fill("reminder_dm_discreet", a)
	}
	a["Group"] = Name(group)
	return p.fill("reminder_dm", a)
}

// DMClosedNotice tells a member, once, that their direct-message reminder
// could not be sent and they were mentioned in the channel instead.
func (p *Printer) DMClosedNotice() string { return p.text("dm_closed_notice") }

// RemindersSet confirms /reminders: for every group (group "") or one.
func (p *Printer) RemindersSet(group, mode string) string {
	if group == "" {
		return p.text("reminders_all_" + mode)
	}
	return p.group("reminders_group_"+mode, group)
}
func (p *Printer) RemindersNotMember(group string) string {
	return p.group("reminders_not_member", group)
}
func (p *Printer) RemindersBadMode() string { return p.text("reminders_bad_mode") }

// RoundTurn is one turn of a talking round, for RoundPost.
type RoundTurn struct {
	UserID  string
	Outcome string // "", "done" or "passed"
}

// RoundPost is a talking round's post: everyone's turn in order, whose turn
// it is (current; len(turns) once ended), and a closing line at the end.
// It names the members present by mention; the sender pings nobody.
func (p *Printer) RoundPost(turns []RoundTurn, current int) string {
	var b strings.Builder
	b.WriteString(p.text("round_header"))
	for i, t := range turns {
		id := "round_turn_waiting"
		switch {
		case t.Outcome == "done":
			id = "round_turn_done"
		case t.Outcome == "passed":
			id = "round_turn_passed"
		case i == current:
			id = "round_turn_now"
		}
		who := User(t.UserID)
		if t.UserID == "" {
			who = p.text("round_turn_erased") // erased by /forget or retention
		}
		b.WriteString("\n")
		b.WriteString(p.fill(id, args{"N": strconv.Itoa(i + 1), "User": who}))
	}
	if current >= len(turns) {
		b.WriteString("\n\n")
		b.WriteString(p.text("round_closing"))
	}
	return b.String()
}

// Replies about talking rounds.
func (p *Printer) RoundStarted(channelID string) string {
	return p.fill("round_started", args{"Channel": Channel(channelID)})
}
func (p *Printer) RoundAlready(group string) string { return p.group("round_already", group) }
func (p *Printer) RoundNobody() string              { return p.text("round_nobody") }
func (p *Printer) RoundAdded(userID string) string {
	return p.fill("round_added", args{"User": User(userID)})
}
func (p *Printer) RoundAddIn(userID string) string {
	return p.fill("round_add_in", args{"User": User(userID)})
}
func (p *Printer) RoundNone(group string) string      { return p.group("round_none", group) }
func (p *Printer) RoundNotYours() string              { return p.text("round_not_yours") }
func (p *Printer) RoundMoved() string                 { return p.text("round_moved") }
func (p *Printer) RoundEnded() string                 { return p.text("round_ended") }
func (p *Printer) RoundNoChannel(group string) string { return p.group("round_no_channel", group) }
func (p *Printer) RoundAddNotMember(userID, group string) string {
	return p.fill("round_add_not_member", args{"User": User(userID), "Group": Name(group)})
}
