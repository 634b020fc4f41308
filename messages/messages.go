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
