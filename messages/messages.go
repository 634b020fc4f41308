package messages

import (
	"fmt"
	"strings"
	"time"
)

// Timestamp renders t as a Discord timestamp, which each viewer sees in
// their own time zone and language.
func Timestamp(t time.Time) string { return fmt.Sprintf("<t:%d:F>", t.Unix()) }

// Relative renders t as a Discord relative timestamp ("in 2 hours").
func Relative(t time.Time) string { return fmt.Sprintf("<t:%d:R>", t.Unix()) }

// Channel mentions a channel; only people who can see it get a link.
func Channel(id string) string { return "<#" + id + ">" }

// markdown escapes the characters Discord reads as formatting.
var markdown = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`, "#", `\#`)

// Name shows a group's name in bold, as written: its formatting
// characters are escaped.
func Name(name string) string { return "**" + markdown.Replace(name) + "**" }

// User mentions a user. Replies carry no allowed mentions, so this never pings.
func User(id string) string { return "<@" + id + ">" }

// Sessions lists session times, one per line.
func (p *Printer) Sessions(times []time.Time) string {
	if len(times) == 0 {
		return p.text("sessions_none")
	}
	var b strings.Builder
	b.WriteString(p.text("sessions_next"))
	for _, t := range times {
		fmt.Fprintf(&b, "\n• %s (%s)", Timestamp(t), Relative(t))
	}
	return b.String()
}

func (p *Printer) NotInServer() string        { return p.text("not_in_server") }
func (p *Printer) Apology() string            { return p.text("apology") }
func (p *Printer) StorageUnavailable() string { return p.text("storage_unavailable") }
func (p *Printer) NotModerator() string       { return p.text("not_moderator") }
func (p *Printer) NeedManage() string         { return p.text("need_manage") }
func (p *Printer) UnknownCmd() string         { return p.text("unknown_command") }
func (p *Printer) NoGroups() string           { return p.text("no_groups") }
func (p *Printer) DiscordFailed() string      { return p.text("discord_failed") }

// group fills a message whose one placeholder is a group's name.
func (p *Printer) group(id, group string) string {
	return p.fill(id, args{"Group": Name(group)})
}

// UnknownGroup answers a group name that matches nothing.
func (p *Printer) UnknownGroup(name string) string { return p.group("unknown_group", name) }

// Guidelines and the agreement to them.
func (p *Printer) GuidelinesIntro(group string) string {
	return p.fill("guidelines_intro", args{"Group": Name(group)})
}
func (p *Printer) AgreeButton() string  { return p.text("agree_button") }
func (p *Printer) CancelButton() string { return p.text("cancel_button") }
func (p *Printer) JoinCancelled(group string) string {
	return p.fill("join_cancelled", args{"Group": Name(group)})
}
func (p *Printer) GuidelinesChanged(group string) string {
	return p.fill("guidelines_changed", args{"Group": Name(group)})
}
func (p *Printer) NotYourButton() string        { return p.text("not_your_button") }
func (p *Printer) GuidelinesModalTitle() string { return p.text("guidelines_modal_title") }
func (p *Printer) GuidelinesModalLabel() string { return p.text("guidelines_modal_label") }
func (p *Printer) GuidelinesSaved(group string, version int) string {
	return p.fill("guidelines_saved", args{"Group": Name(group), "Version": version})
}
func (p *Printer) GuidelinesRemoved(group string) string {
	return p.fill("guidelines_removed", args{"Group": Name(group)})
}

// Waitlists, interest lists, seat offers and the next cohort.
func (p *Printer) FullWaitlist(group string) string {
	return p.fill("full_waitlist", args{"Group": Name(group)})
}
func (p *Printer) WaitlistButton() string { return p.text("waitlist_button") }
func (p *Printer) WaitlistJoined(group string, place int) string {
	return p.fill("waitlist_joined", args{"Group": Name(group), "Place": place})
}
func (p *Printer) LockedInterest(group string) string {
	return p.fill("locked_interest", args{"Group": Name(group)})
}
func (p *Printer) InterestButton() string { return p.text("interest_button") }
func (p *Printer) InterestJoined(group string) string {
	return p.fill("interest_joined", args{"Group": Name(group)})
}
func (p *Printer) LeftWaitlist(group string) string {
	return p.fill("left_waitlist", args{"Group": Name(group)})
}
func (p *Printer) OfferDM(group string, until time.Time) string {
	return p.fill("offer_dm", args{"Group": Name(group), "When": Timestamp(until)})
}
func (p *Printer) TakeButton() string    { return p.text("take_button") }
func (p *Printer) DeclineButton() string { return p.text("decline_button") }
func (p *Printer) OfferDeclined() string { return p.text("offer_declined") }
func (p *Printer) OfferGone() string     { return p.text("offer_gone") }

// WaitlistView lists a group's waitlist and interest list for its
// managers, as mentions that ping nobody (replies mention no one).
func (p *Printer) WaitlistView(group string, seat, interest []string) string {
	if len(seat) == 0 && len(interest) == 0 {
		return p.fill("waitlist_view_empty", args{"Group": Name(group)})
	}
	list := func(ids []string) string {
		if len(ids) == 0 {
			return p.text("waitlist_view_none")
		}
		var b strings.Builder
		for i, id := range ids {
			line := fmt.Sprintf("%d. %s\n", i+1, User(id))
			if b.Len()+len(line) > maxContent/2-40 {
				b.WriteString(p.count("roster_more", len(ids)-i, nil))
				break
			}
			b.WriteString(line)
		}
		return strings.TrimRight(b.String(), "\n")
	}
	return p.fill("waitlist_view_seat", args{"Group": Name(group)}) + "\n" + list(seat) + "\n\n" +
		p.fill("waitlist_view_interest", args{"Group": Name(group)}) + "\n" + list(interest)
}
func (p *Printer) NextInviteDM(group string) string {
	return p.fill("next_invite_dm", args{"Group": Name(group)})
}
func (p *Printer) JoinButton() string { return p.text("join_button") }
func (p *Printer) NextCreated(group, channelID string, invited int) string {
	return p.fill("next_created", args{"Group": Name(group), "Channel": Channel(channelID)}) + " " +
		p.count("next_invited", invited, nil)
}
func (p *Printer) NextNotClosed(group string) string {
	return p.fill("next_not_closed", args{"Group": Name(group)})
}

func (p *Printer) Joined(group, channelID string, next time.Time) string {
	s := p.fill("joined", args{"Group": Name(group), "Channel": Channel(channelID)})
	if !next.IsZero() {
		s += " " + p.fill("joined_next_session", args{"When": Timestamp(next)})
	}
	return s
}

func (p *Printer) AlreadyMember(group, channelID string) string {
	return p.fill("already_member", args{"Group": Name(group), "Channel": Channel(channelID)})
}

func (p *Printer) Locked(group string) string          { return p.group("locked", group) }
func (p *Printer) Full(group string) string            { return p.group("full", group) }
func (p *Printer) Left(group string) string            { return p.group("left", group) }
func (p *Printer) LeftArchived(group string) string    { return p.group("left_archived", group) }
func (p *Printer) LeftLocked(group string) string      { return p.group("left_locked", group) }
func (p *Printer) NotMember(group string) string       { return p.group("not_member", group) }
func (p *Printer) Archived(group string) string        { return p.group("archived", group) }
func (p *Printer) AlreadyArchived(group string) string { return p.group("already_archived", group) }
func (p *Printer) NameTaken(name string) string        { return p.group("name_taken", name) }
