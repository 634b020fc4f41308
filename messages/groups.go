package messages

import (
	"strings"
	"time"

	"hearth/domain"
)

// maxContent is Discord's limit on a message's length, in characters; the
// code below counts bytes, which are never fewer.
const maxContent = 2000

// MaxListed is how many groups /groups reads: more never fit one message.
const MaxListed = 40

// kind is the word for a group's kind; status, for its status.
func (p *Printer) kind(k domain.Kind) string { return p.word("kind_", string(k)) }

func (p *Printer) status(s domain.Status) string { return p.word("status_", string(s)) }

func (p *Printer) word(prefix, value string) string {
	if !For(English).has(prefix + value) {
		return value // a value newer than the catalogue: better shown than lost
	}
	return p.text(prefix + value)
}

// showStatus reports whether a status says more than the kind: an open
// group that is open needs one word, not two.
func showStatus(kind domain.Kind, status domain.Status) bool {
	return !(kind == domain.KindOpen && status == domain.StatusOpen)
}

// GroupLine is one group in /groups; seatsLeft is negative when uncapped,
// waiting the caller's place on its waitlist (0: not on it).
func (p *Printer) GroupLine(name string, kind domain.Kind, status domain.Status, seatsLeft int, next time.Time, member bool, waiting int) string {
	var b strings.Builder
	b.WriteString("• ")
	b.WriteString(Name(name))
	b.WriteString(" · ")
	b.WriteString(p.kind(kind))
	if showStatus(kind, status) {
		b.WriteString(" · ")
		b.WriteString(p.status(status))
	}
	if seatsLeft > 0 && status != domain.StatusLocked { // a started cohort takes nobody: no seats to show
		b.WriteString(" · ")
		b.WriteString(p.count("seats_left", seatsLeft, nil))
	}
	if !next.IsZero() {
		b.WriteString(" · ")
		b.WriteString(p.fill("next_session_at", args{"When": Timestamp(next)}))
	}
	if member {
		b.WriteString(" · ")
		b.WriteString(p.text("you_are_in"))
	}
	if waiting > 0 {
		b.WriteString(" · ")
		b.WriteString(p.fill("waiting_place", args{"Place": waiting}))
	}
	return b.String()
}

// GroupList joins /groups lines, cut to fit one message; total is how many
// groups the server has, of which lines are the first.
func (p *Printer) GroupList(lines []string, total int) string {
	head := p.text("group_list_head") + "\n"
	tail := "\n" + p.text("group_list_tail")
	// The note on the rest never has more digits than total.
	moreRoom := 1 + len(p.count("group_list_more", total, nil))
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
		b.WriteString("\n" + p.count("group_list_more", total-shown, nil))
	}
	b.WriteString(tail)
	return b.String()
}

func (p *Printer) NotReady(group string) string { return p.group("not_ready", group) }

// ChannelTopic is the topic of a group's channel.
func (p *Printer) ChannelTopic(group, description string) string {
	if description == "" {
		return p.fill("channel_topic", args{"Group": group})
	}
	return description
}

func (p *Printer) Created(group string, kind domain.Kind, capacity int, channelID string, start time.Time, next []time.Time) string {
	a := args{"Group": Name(group), "Kind": p.kind(kind), "Channel": Channel(channelID)}
	var s string
	if capacity > 0 {
		s = p.count("created_with_seats", capacity, a)
	} else {
		s = p.fill("created", a)
	}
	if !start.IsZero() {
		s += " " + p.fill("created_starts", args{"When": Timestamp(start)})
	}
	if len(next) > 0 {
		s += "\n" + p.Sessions(next)
	}
	return s
}

func (p *Printer) StartOpenGroup(group string) string { return p.group("start_open_group", group) }
func (p *Printer) AlreadyStarted(group string) string { return p.group("already_started", group) }

func (p *Printer) Started(group string, members int) string {
	return p.count("started", members, args{"Group": Name(group)})
}

func (p *Printer) Scheduled(group, reminders string, next []time.Time) string {
	return p.fill("scheduled", args{"Group": Name(group), "Reminders": reminders}) + "\n" + p.Sessions(next)
}

// GroupInfo is what /group info shows.
type GroupInfo struct {
	Name                          string
	Kind                          domain.Kind
	Status                        domain.Status
	Capacity, Members, Sessions   int
	StartAt                       time.Time
	Schedule, Timezone, Reminders string
	Description, FacilitatorID    string
	ChannelID                     string
	VoiceChannelID                string // "" when the group has no voice channel
	DurationMinutes               int    // each session's length
	Next                          []time.Time
}

func (p *Printer) Info(g GroupInfo) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	state := p.kind(g.Kind)
	if showStatus(g.Kind, g.Status) {
		state += ", " + p.status(g.Status)
	}
	line(Name(g.Name) + " (" + state + ")")
	if g.Description != "" {
		line(g.Description)
	}
	line(p.fill("info_channel", args{"Channel": Channel(g.ChannelID)}))
	if g.VoiceChannelID != "" {
		line(p.VoiceChannelLine(g.VoiceChannelID))
	}
	if g.Capacity > 0 {
		line(p.fill("info_members_of", args{"Members": g.Members, "Capacity": g.Capacity}))
	} else {
		line(p.fill("info_members", args{"Members": g.Members}))
	}
	if g.FacilitatorID != "" {
		line(p.fill("info_facilitator", args{"User": User(g.FacilitatorID)}))
	}
	if !g.StartAt.IsZero() {
		line(p.fill("info_starts", args{"When": Timestamp(g.StartAt)}))
	}
	if g.Sessions > 0 {
		line(p.fill("info_sessions", args{"Sessions": g.Sessions}))
	}
	if g.Schedule != "" {
		line(p.fill("info_schedule", args{"Schedule": g.Schedule, "Timezone": g.Timezone, "Reminders": g.Reminders}))
		line(p.SessionLength(g.DurationMinutes))
	} else {
		line(p.fill("info_timezone", args{"Timezone": g.Timezone}))
	}
	b.WriteString(p.Sessions(g.Next))
	return b.String()
}

// Roster lists a group's members as mentions; replies never ping.
func (p *Printer) Roster(group string, ids []string) string {
	if len(ids) == 0 {
		return p.group("roster_empty", group)
	}
	var b strings.Builder
	b.WriteString(p.count("roster", len(ids), args{"Group": Name(group)}) + "\n")
	moreRoom := len(p.count("roster_more", len(ids), nil))
	for i, id := range ids {
		line := User(id) + "\n"
		if b.Len()+len(line)+moreRoom > maxContent {
			b.WriteString(p.count("roster_more", len(ids)-i, nil))
			break
		}
		b.WriteString(line)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (p *Printer) Removed(group, userID string) string {
	return p.fill("removed", args{"Group": Name(group), "User": User(userID)})
}

func (p *Printer) NotAMember(group, userID string) string {
	return p.fill("not_a_member", args{"Group": Name(group), "User": User(userID)})
}

func (p *Printer) ArchivedDone(group string, deleted bool) string {
	if deleted {
		return p.group("archived_done_deleted", group)
	}
	return p.group("archived_done_kept", group)
}

// Settings shows a server's /setup choices; timezoneIsDefault says the
// time zone is Hearth's default, not one the server chose.
func (p *Printer) Settings(changed bool, modRole, category, logChannel, timezone string, timezoneIsDefault bool) string {
	orNone := func(id, mention string) string {
		if id == "" {
			return p.text("not_set")
		}
		return mention
	}
	head := "settings"
	if changed {
		head = "settings_saved"
	}
	tz := "settings_timezone"
	if timezoneIsDefault {
		tz = "settings_timezone_default"
	}
	lines := []string{
		p.text(head),
		p.fill("settings_moderator_role", args{"Role": orNone(modRole, "<@&"+modRole+">")}),
		p.fill("settings_category", args{"Channel": orNone(category, Channel(category))}),
		p.fill("settings_log_channel", args{"Channel": orNone(logChannel, Channel(logChannel))}),
		p.fill(tz, args{"Timezone": timezone}),
	}
	if modRole != "" {
		// Discord shows /group only to Manage Channels until an admin allows more.
		lines = append(lines, p.text("settings_moderator_role_hint"))
	}
	return strings.Join(lines, "\n")
}

// Crisis support.
func (p *Printer) SupportDefault() string    { return p.text("support_default") }
func (p *Printer) SupportAskButton() string  { return p.text("support_ask_button") }
func (p *Printer) SupportNoLog() string      { return p.text("support_no_log") }
func (p *Printer) SupportSent() string       { return p.text("support_sent") }
func (p *Printer) SupportWait() string       { return p.text("support_wait") }
func (p *Printer) SupportModalTitle() string { return p.text("support_modal_title") }
func (p *Printer) SupportModalLabel() string { return p.text("support_modal_label") }
func (p *Printer) SupportSaved() string      { return p.text("support_saved") }
func (p *Printer) SupportReset() string      { return p.text("support_reset") }

// SupportAlert is the note in the log channel: who asked, and nothing else.
func (p *Printer) SupportAlert(userID string) string {
	return p.fill("support_alert", args{"User": User(userID)})
}

// ChannelTopicDiscreet is a group channel's topic in discreet mode: no
// subject.
func (p *Printer) ChannelTopicDiscreet() string { return p.text("channel_topic_discreet") }

// SettingsDiscreet is the line of /setup's reply on discreet mode.
func (p *Printer) SettingsDiscreet(on bool) string {
	if on {
		return p.text("settings_discreet_on")
	}
	return p.text("settings_discreet_off")
}

// LogChannelPublic refuses a log channel others than moderators can read.
func (p *Printer) LogChannelPublic(channelID string) string {
	return p.fill("log_channel_public", args{"Channel": Channel(channelID)})
}

// SettingsLanguage is the line of /setup's reply that names the language
// of channel posts; fromServer says it follows the server's own locale.
func (p *Printer) SettingsLanguage(language string, fromServer bool) string {
	if fromServer {
		return p.fill("settings_language_default", args{"Language": language})
	}
	return p.fill("settings_language", args{"Language": language})
}

// LanguageName is the name of the Printer's language, in that language.
func (p *Printer) LanguageName() string { return p.text("language_name") }

// Notes in the server's log channel. They name no one: not who is in a
// group, not who acted (issue 13: only the crisis alert names a person).
func (p *Printer) NoteCreated(group string, kind domain.Kind) string {
	return p.fill("note_created", args{"Group": Name(group), "Kind": p.kind(kind)})
}

// NoteStarted names nobody: who started a group (perhaps its facilitator)
// is no one else's business.
func (p *Printer) NoteStarted(group string) string {
	return p.fill("note_started", args{"Group": Name(group)})
}

func (p *Printer) NoteArchived(group string) string { return p.group("note_archived", group) }

func (p *Printer) ModRoleNotMoved(channels int) string {
	return p.count("moderator_role_not_moved", channels, nil)
}
