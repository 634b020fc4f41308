// Package messages holds every sentence Hearth shows to people, so wording
// stays consistent and can be translated in one place.
package messages

import (
	"fmt"
	"strings"
	"time"
)

// Timestamp renders t as a Discord timestamp, which each viewer sees in
// their own time zone.
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
func Sessions(times []time.Time) string {
	if len(times) == 0 {
		return "No sessions are scheduled yet."
	}
	var b strings.Builder
	for _, t := range times {
		fmt.Fprintf(&b, "\n• %s (%s)", Timestamp(t), Relative(t))
	}
	return "Next sessions:" + b.String()
}

const (
	NotInServer   = "Hearth's commands work inside a server, where your groups live. Please use them there."
	Apology       = "Sorry, something went wrong on our side and nothing was changed. Please try again in a moment; if it keeps happening, let a moderator know."
	NotModerator  = "Only moderators can do that. If you think you should be able to, ask a server admin to give you the moderator role."
	NeedManage    = "Only people with the Manage Server permission can change Hearth's settings."
	GroupRequired = "Please choose a group: start typing its name and pick it from the suggestions."
	UserRequired  = "Please choose the member to remove."
	UnknownCmd    = "Sorry, I don't know that command. It may have been removed; try again in a minute."
	NoGroups      = "There are no groups in this server yet. A moderator can create one with `/group create`."
	DiscordFailed = "Sorry, Discord didn't accept the change, so nothing was changed. Please try again in a minute; if it keeps failing, ask a moderator to check that Hearth has the Manage Channels and Manage Roles permissions."
)

// UnknownGroup answers a group name that matches nothing.
func UnknownGroup(name string) string {
	return fmt.Sprintf("I couldn't find a group called %s. Check the spelling, or pick one from the suggestions as you type; `/groups` lists them all.", Name(name))
}

func Joined(group, channelID string, next time.Time) string {
	s := fmt.Sprintf("Welcome to %s. Your group's private channel is %s; only its members and facilitators can see it.", Name(group), Channel(channelID))
	if !next.IsZero() {
		s += " The next session is " + Timestamp(next) + "."
	}
	return s
}

func AlreadyMember(group, channelID string) string {
	return fmt.Sprintf("You're already in %s. Its channel is %s.", Name(group), Channel(channelID))
}

func Locked(group string) string {
	return fmt.Sprintf("%s has already started and is closed to new members. Ask a moderator about the next cohort.", Name(group))
}

func Full(group string) string {
	return fmt.Sprintf("%s is full right now. Ask a moderator whether a seat will open up or another group suits you.", Name(group))
}

func Left(group string) string {
	return fmt.Sprintf("You've left %s. Take care; you're welcome back whenever it's open to you.", Name(group))
}

func LeftArchived(group string) string {
	return fmt.Sprintf("You've left %s. Its channel is no longer in your list. Take care.", Name(group))
}

func LeftLocked(group string) string {
	return fmt.Sprintf("You've left %s. It has already started, so you won't be able to re-join this cohort. Take care.", Name(group))
}

func NotMember(group string) string {
	return fmt.Sprintf("You're not in %s, so there's nothing to leave. `/groups` shows the groups you're in.", Name(group))
}

func Archived(group string) string {
	return fmt.Sprintf("%s has ended and no longer takes members.", Name(group))
}

// Refusals of bad input at /group create and friends.
const (
	NameEmpty       = "Please give the group a name."
	NameTooLong     = "That name is too long: please keep it to 100 characters or fewer."
	CapacityRange   = "Capacity must be a whole number from 1 to 1000. Leave it out for no limit."
	SessionsRange   = "Sessions must be a whole number from 1 to 520."
	SessionsOpen    = "Only closed groups have a fixed number of sessions. Leave `sessions` out, or make the group closed."
	StartOpen       = "Only closed groups have a start date. Leave `start` out, or make the group closed."
	StartPast       = "That start time is in the past. Please pick a time in the future."
	DescriptionLong = "The description is too long: please keep it to 1000 characters or fewer."
	KindInvalid     = "The type must be `open` or `closed`."
	NameInvalid     = "Please use a plain name: no mentions (like @everyone or <@…>), line breaks or invisible characters."
	ResetInvalid    = "`reset` takes one of: moderator_role, category, log_channel, timezone."
	ModRoleEveryone = "@everyone can't be the moderator role: that would let everyone in the server see every group. Please pick a role given only to moderators."
)

func AlreadyArchived(group string) string {
	return fmt.Sprintf("%s is already archived.", Name(group))
}

func NameTaken(name string) string {
	return fmt.Sprintf("There's already a group called %s in this server. Please choose another name.", Name(name))
}

func StartInvalid(input string) string {
	return fmt.Sprintf("I couldn't read the start time `%s`. Use `YYYY-MM-DD HH:MM` in the group's time zone (for example `2026-03-02 18:00`), or RFC 3339 with an offset (`2026-03-02T18:00:00+01:00`).", input)
}

func TimezoneInvalid(input string) string {
	return fmt.Sprintf("`%s` isn't a time zone I know. Use an IANA name such as `Europe/Madrid`, `America/New_York` or `UTC`.", input)
}
