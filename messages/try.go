package messages

import "strings"

// TryLabels are the words of hearth try's page, around what Hearth itself
// says: they follow the language of the person one acts as.
type TryLabels struct {
	Title, Intro, ActingAs, Language, Clock, Forward               string
	Minutes10, Hour1, Day1, Week1                                  string
	Channels, DirectMessages, NoMessages, OnlyYou, MentionsYou     string
	Command, ChooseCommand, Options, Send, Suggestions, NoSuggests string
	Submit, Cancel, Edited, Voice, Required, Yes, No, App          string
	RoleModerator, RoleFacilitator, RoleMember, NoReply, Unsupport string
	Attachment, SkipToMessages, Working                            string
	JoinVoice, LeaveVoice, InVoice, VoiceRefused                   string
	Events, EventLive, ShowFile, Download, OK                      string
	// Weekdays are the short names of the days, Sunday first.
	Weekdays []string
}

// TryPage is the page's words in p's language.
func (p *Printer) TryPage() TryLabels {
	return TryLabels{
		Title: p.text("try_title"), Intro: p.text("try_intro"), ActingAs: p.text("try_acting_as"),
		Language: p.text("try_language"), Clock: p.text("try_clock"), Forward: p.text("try_forward"),
		Minutes10: p.text("try_minutes_10"), Hour1: p.text("try_hour_1"), Day1: p.text("try_day_1"), Week1: p.text("try_week_1"),
		Channels: p.text("try_channels"), DirectMessages: p.text("try_direct_messages"), NoMessages: p.text("try_no_messages"),
		OnlyYou: p.text("try_only_you"), MentionsYou: p.text("try_mentions_you"),
		Command: p.text("try_command"), ChooseCommand: p.text("try_choose_command"), Options: p.text("try_options"),
		Send: p.text("try_send"), Suggestions: p.text("try_suggestions"), NoSuggests: p.text("try_no_suggestions"),
		Submit: p.text("try_submit"), Cancel: p.text("try_cancel"), Edited: p.text("try_edited"), Voice: p.text("try_voice"),
		Required: p.text("try_required"), Yes: p.text("try_yes"), No: p.text("try_no"), App: p.text("try_app"),
		RoleModerator: p.text("try_role_moderator"), RoleFacilitator: p.text("try_role_facilitator"),
		RoleMember: p.text("try_role_member"), NoReply: p.text("try_no_reply"), Unsupport: p.text("try_unsupported"),
		Attachment: p.text("try_attachment"), SkipToMessages: p.text("try_skip_to_messages"), Working: p.text("try_working"),
		JoinVoice: p.text("try_join_voice"), LeaveVoice: p.text("try_leave_voice"), InVoice: p.text("try_in_voice"),
		VoiceRefused: p.text("try_voice_refused"), Events: p.text("try_events"), EventLive: p.text("try_event_live"),
		ShowFile: p.text("try_show_file"), Download: p.text("try_download"), OK: p.text("try_ok"),
		Weekdays: strings.Fields(p.text("try_weekdays")),
	}
}
