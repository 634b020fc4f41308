package messages

import (
	"fmt"
	"strings"
	"time"
)

// maxContent is Discord's limit on a message's length.
const maxContent = 2000

// GroupLine is one group in /groups.
func GroupLine(name, kind, state string, seatsLeft int, next time.Time, member bool) string {
	parts := []string{Name(name), kind}
	if state != kind {
		parts = append(parts, state)
	}
	if seatsLeft > 0 {
		parts = append(parts, plural(seatsLeft, "seat")+" left")
	}
	if !next.IsZero() {
		parts = append(parts, "next "+Timestamp(next))
	}
	line := "• " + strings.Join(parts, " · ")
	if member {
		line += " · ✅ you're in"
	}
	return line
}

// MaxListed is how many groups /groups reads: more never fit one message.
const MaxListed = 40

// GroupList joins /groups lines, cut to fit one message; total is how many
// groups the server has, of which lines are the first.
func GroupList(lines []string, total int) string {
	const head = "Groups in this server:\n"
	const tail = "\nJoin with `/join`, leave with `/leave`. Only you can see this."
	const more = "\n…and %d more; type a name in `/join` to find them."
	const moreRoom = 80 // more, with its number, in bytes
	var b strings.Builder
	b.WriteString(head)
	shown := 0
	for _, l := range lines {
		if b.Len()+len(l)+1+moreRoom+len(tail) > maxContent {
			break
		}
		b.WriteString(l + "\n")
		shown++
	}
	if shown < total {
		fmt.Fprintf(&b, more, total-shown)
	}
	b.WriteString(tail)
	return b.String()
}

func NotReady(group string) string {
	return fmt.Sprintf("%s is still being set up. Please try again in a minute.", Name(group))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ChannelTopic is the topic of a group's channel.
func ChannelTopic(group, description string) string {
	if description == "" {
		return "Private channel of " + group + ". Only its members and facilitators can see it."
	}
	return description
}

func Created(group, kind string, capacity int, channelID string, start time.Time, next []time.Time) string {
	s := fmt.Sprintf("Created the %s group %s with its private channel %s", kind, Name(group), Channel(channelID))
	if capacity > 0 {
		s += fmt.Sprintf(", %s", plural(capacity, "seat"))
	}
	s += "."
	if !start.IsZero() {
		s += " It starts and locks " + Timestamp(start) + "."
	}
	if len(next) > 0 {
		s += "\n" + Sessions(next)
	}
	return s
}

func StartOpenGroup(group string) string {
	return fmt.Sprintf("%s is an open group: people can join at any time, so there's nothing to start.", Name(group))
}

func AlreadyStarted(group string) string {
	return fmt.Sprintf("%s has already started.", Name(group))
}

func Started(group string, members int) string {
	return fmt.Sprintf("%s has started with %s. Nobody new can join now; members can still leave.", Name(group), plural(members, "member"))
}

func Scheduled(group, reminders string, next []time.Time) string {
	return fmt.Sprintf("Schedule set for %s, with reminders %s before each session.\n%s", Name(group), reminders, Sessions(next))
}

// GroupInfo is what /group info shows.
type GroupInfo struct {
	Name, Kind, State             string
	Capacity, Members, Sessions   int
	StartAt                       time.Time
	Schedule, Timezone, Reminders string
	Description, FacilitatorID    string
	ChannelID                     string
	Next                          []time.Time
}

func Info(g GroupInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s)\n", Name(g.Name), g.Kind, g.State)
	if g.Description != "" {
		fmt.Fprintf(&b, "%s\n", g.Description)
	}
	fmt.Fprintf(&b, "Channel: %s\n", Channel(g.ChannelID))
	if g.Capacity > 0 {
		fmt.Fprintf(&b, "Members: %d of %d\n", g.Members, g.Capacity)
	} else {
		fmt.Fprintf(&b, "Members: %d\n", g.Members)
	}
	if g.FacilitatorID != "" {
		fmt.Fprintf(&b, "Facilitator: %s\n", User(g.FacilitatorID))
	}
	if !g.StartAt.IsZero() {
		fmt.Fprintf(&b, "Starts: %s\n", Timestamp(g.StartAt))
	}
	if g.Sessions > 0 {
		fmt.Fprintf(&b, "Sessions: %d\n", g.Sessions)
	}
	if g.Schedule != "" {
		fmt.Fprintf(&b, "Schedule: `%s` (%s), reminders %s before\n", g.Schedule, g.Timezone, g.Reminders)
	} else {
		fmt.Fprintf(&b, "Time zone: %s\n", g.Timezone)
	}
	b.WriteString(Sessions(g.Next))
	return b.String()
}

// Roster lists a group's members as mentions; replies never ping.
func Roster(group string, ids []string) string {
	if len(ids) == 0 {
		return fmt.Sprintf("%s has no members yet.", Name(group))
	}
	head := fmt.Sprintf("%s has %s:\n", Name(group), plural(len(ids), "member"))
	var b strings.Builder
	b.WriteString(head)
	for i, id := range ids {
		line := User(id) + "\n"
		if b.Len()+len(line)+40 > maxContent {
			fmt.Fprintf(&b, "…and %d more.", len(ids)-i)
			break
		}
		b.WriteString(line)
	}
	return strings.TrimRight(b.String(), "\n")
}

func Removed(group, userID string) string {
	return fmt.Sprintf("Removed %s from %s. They no longer have a member's access to its channel.", User(userID), Name(group))
}

func NotAMember(group, userID string) string {
	return fmt.Sprintf("%s isn't in %s, so nothing changed.", User(userID), Name(group))
}

func ArchivedDone(group string, deleted bool) string {
	if deleted {
		return fmt.Sprintf("Archived %s. Reminders have stopped and its channel was deleted.", Name(group))
	}
	return fmt.Sprintf("Archived %s. Reminders have stopped; members can still read its channel but no longer post.", Name(group))
}

func Settings(changed bool, modRole, category, logChannel, timezone string) string {
	orNone := func(s, mention string) string {
		if s == "" {
			return "not set"
		}
		return mention
	}
	head := "Hearth's settings for this server:"
	if changed {
		head = "Saved. Hearth's settings for this server:"
	}
	s := fmt.Sprintf("%s\nModerator role: %s\nCategory for group channels: %s\nLog channel: %s\nTime zone: %s",
		head, orNone(modRole, "<@&"+modRole+">"), orNone(category, Channel(category)),
		orNone(logChannel, Channel(logChannel)), timezone)
	if modRole != "" {
		// Discord shows /group only to Manage Channels until an admin allows more.
		s += "\nTo let the moderator role see `/group` in Discord, allow it under Server Settings → Integrations → Hearth → /group."
	}
	return s
}

// Notes in the server's log channel. They say who acted, never who is in a group.
func NoteCreated(group, kind, by string) string {
	return fmt.Sprintf("📘 %s created the %s group %s.", User(by), kind, Name(group))
}

func NoteStarted(group, by string) string {
	return fmt.Sprintf("🔒 %s started %s; it no longer takes new members.", User(by), Name(group))
}

func NoteArchived(group string) string {
	return fmt.Sprintf("📦 %s was archived.", Name(group))
}

func ModRoleNotMoved(channels int) string {
	return fmt.Sprintf("⚠️ I couldn't update the moderator role's access on %s. Please run `/setup` again with the same role to finish.", plural(channels, "group channel"))
}
