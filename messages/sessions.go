package messages

import (
	"strings"

	"hearth/domain"
)

// VoiceChannelLine names a group's voice channel, under a reply.
func (p *Printer) VoiceChannelLine(channelID string) string {
	return p.fill("voice_channel_line", args{"Channel": Channel(channelID)})
}

// VoiceAdded, VoiceRemoved and VoiceUnchanged answer /group edit voice:.
func (p *Printer) VoiceAdded(group, channelID string) string {
	return p.fill("voice_added", args{"Group": Name(group), "Channel": Channel(channelID)})
}

func (p *Printer) VoiceRemoved(group string) string { return p.group("voice_removed", group) }

func (p *Printer) VoiceUnchanged(group, channelID string) string {
	if channelID == "" {
		return p.group("voice_unchanged_off", group)
	}
	return p.fill("voice_unchanged_on", args{"Group": Name(group), "Channel": Channel(channelID)})
}

// SessionLength says how long each session lasts.
func (p *Printer) SessionLength(minutes int) string { return p.count("session_length", minutes, nil) }

// EventNameDiscreet is a scheduled event's name in discreet mode: no subject.
func (p *Printer) EventNameDiscreet() string { return p.text("event_name_discreet") }

// EventDescription is a session's scheduled event description; it names
// nobody and no subject.
func (p *Printer) EventDescription(minutes int) string {
	return p.count("event_description", minutes, nil)
}

// NoteEventsForbidden tells the log channel that Discord refused an event
// for lack of permission.
func (p *Printer) NoteEventsForbidden() string { return p.text("note_events_forbidden") }

// YourAttendance is a member's own record, on their line in /groups.
func (p *Printer) YourAttendance(attended, held int) string {
	return p.fill("your_attendance", args{"Attended": attended, "Held": held})
}

// Attendance is /group attendance's reply: each session (oldest first),
// who attended and who was excused, then each member's record. It fits
// one message: what does not is cut with a note.
func (p *Printer) Attendance(group string, r domain.AttendanceReport) string {
	if len(r.Sessions) == 0 {
		return p.group("attendance_none", group)
	}
	lines := []string{p.count("attendance_head", len(r.Sessions), args{"Group": Name(group)})}
	for _, s := range r.Sessions {
		lines = append(lines, "• "+p.fill("attendance_session", args{"When": Timestamp(s.At),
			"Attended": p.users(s.Attended), "Excused": p.users(s.Excused)}))
	}
	lines = append(lines, "", p.text("attendance_members_head"))
	if len(r.Members) == 0 {
		lines = append(lines, p.text("attendance_no_members"))
	}
	for _, m := range r.Members {
		a := args{"User": User(m.UserID), "Attended": m.Attended, "Held": m.Held, "Excused": m.Excused}
		if m.Excused > 0 {
			lines = append(lines, "• "+p.fill("attendance_member_excused", a))
		} else {
			lines = append(lines, "• "+p.fill("attendance_member", a))
		}
	}
	cut := "\n" + p.text("attendance_cut")
	var b strings.Builder
	for i, l := range lines {
		if b.Len()+len(l)+1+len(cut) > maxContent && i < len(lines) {
			b.WriteString(cut)
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l)
	}
	return b.String()
}

func (p *Printer) users(ids []string) string {
	if len(ids) == 0 {
		return p.text("attendance_nobody")
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = User(id)
	}
	return strings.Join(out, ", ")
}

// SettingsVoicePermissions is /setup's line on what voice groups need.
func (p *Printer) SettingsVoicePermissions() string { return p.text("settings_voice_permissions") }
