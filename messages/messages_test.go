package messages

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hearth/domain"
)

func TestGroupListFitsOneMessage(t *testing.T) {
	next := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	for _, lang := range Langs() {
		p := For(lang)
		var lines []string
		for i := range MaxListed {
			lines = append(lines, p.GroupLine(fmt.Sprintf("Group number %02d with a longish name", i), domain.KindClosed, domain.StatusEnrolling, 12, next, i%3 == 0, 0))
		}
		cases := []struct {
			name  string
			lines []string
			total int
		}{
			{"all fit", lines[:3], 3},
			{"more than fit", lines, 500},
			{"one more", lines[:3], 4},
		}
		for _, c := range cases {
			t.Run(string(lang)+"/"+c.name, func(t *testing.T) {
				got := p.GroupList(c.lines, c.total)
				if n := utf8.RuneCountInString(got); n > 2000 {
					t.Errorf("%d characters, over Discord's 2000", n)
				}
				shown := strings.Count(got, "• ")
				more := p.count("group_list_more", c.total-shown, nil)
				if shown == c.total && strings.Contains(got, strings.SplitN(more, " ", 2)[0]+" ") {
					t.Errorf("says there are more: %q", got)
				}
				if shown < c.total && !strings.Contains(got, more) {
					t.Errorf("%d shown of %d, but the remainder is not counted right: %q", shown, c.total, got)
				}
			})
		}
	}
}

func TestGroupListCountsTheRestInEnglish(t *testing.T) {
	en := For(English)
	line := en.GroupLine("Grief", domain.KindOpen, domain.StatusOpen, -1, time.Time{}, false, 0)
	for _, c := range []struct {
		total int
		want  string
	}{
		{2, "…and 1 more; type its name in `/join` to find it."},
		{3, "…and 2 more; type a name in `/join` to find them."},
	} {
		if got := en.GroupList([]string{line}, c.total); !strings.Contains(got, c.want) {
			t.Errorf("total %d: %q lacks %q", c.total, got, c.want)
		}
	}
}

func TestGroupLine(t *testing.T) {
	next := time.Unix(1764612000, 0)
	en, es := For(English), For(Spanish)
	cases := []struct {
		name, got, want string
	}{
		{"en/open", en.GroupLine("Grief", domain.KindOpen, domain.StatusOpen, -1, time.Time{}, false, 0), "• **Grief** · open"},
		{"en/enrolling", en.GroupLine("Cohort", domain.KindClosed, domain.StatusEnrolling, 3, next, true, 0), "• **Cohort** · closed · enrolling · 3 seats left · next <t:1764612000:F> · ✅ you're in"},
		{"en/full", en.GroupLine("Small", domain.KindOpen, domain.StatusFull, 0, time.Time{}, false, 0), "• **Small** · open · full"},
		{"en/one seat", en.GroupLine("One", domain.KindOpen, domain.StatusOpen, 1, time.Time{}, false, 0), "• **One** · open · 1 seat left"},
		{"en/locked", en.GroupLine("Done", domain.KindClosed, domain.StatusLocked, -1, time.Time{}, false, 0), "• **Done** · closed · locked"},
		{"es/open", es.GroupLine("Duelo", domain.KindOpen, domain.StatusOpen, -1, time.Time{}, false, 0), "• **Duelo** · abierto"},
		{"es/enrolling", es.GroupLine("Cohorte", domain.KindClosed, domain.StatusEnrolling, 3, next, true, 0), "• **Cohorte** · cerrado · inscripción abierta · 3 plazas libres · próxima: <t:1764612000:F> · ✅ estás dentro"},
		{"es/full", es.GroupLine("Pequeño", domain.KindOpen, domain.StatusFull, 0, time.Time{}, false, 0), "• **Pequeño** · abierto · completo"},
		{"es/one seat", es.GroupLine("Uno", domain.KindOpen, domain.StatusOpen, 1, time.Time{}, false, 0), "• **Uno** · abierto · 1 plaza libre"},
		{"es/locked", es.GroupLine("Hecho", domain.KindClosed, domain.StatusLocked, -1, time.Time{}, false, 0), "• **Hecho** · cerrado · en curso"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestPlurals(t *testing.T) {
	en, es := For(English), For(Spanish)
	cases := []struct {
		name, got, want string
	}{
		{"en/1 seat", en.GroupLine("G", domain.KindOpen, domain.StatusOpen, 1, time.Time{}, false, 0), " 1 seat left"},
		{"en/2 seats", en.GroupLine("G", domain.KindOpen, domain.StatusOpen, 2, time.Time{}, false, 0), " 2 seats left"},
		{"es/1 plaza", es.GroupLine("G", domain.KindOpen, domain.StatusOpen, 1, time.Time{}, false, 0), " 1 plaza libre"},
		{"es/2 plazas", es.GroupLine("G", domain.KindOpen, domain.StatusOpen, 2, time.Time{}, false, 0), " 2 plazas libres"},
		{"en/created 1 seat", en.Created("G", domain.KindClosed, 1, "9", time.Time{}, nil), ", 1 seat."},
		{"en/created 12 seats", en.Created("G", domain.KindClosed, 12, "9", time.Time{}, nil), ", 12 seats."},
		{"es/created 1 plaza", es.Created("G", domain.KindClosed, 1, "9", time.Time{}, nil), " y 1 plaza."},
		{"es/created 12 plazas", es.Created("G", domain.KindClosed, 12, "9", time.Time{}, nil), " y 12 plazas."},
		{"en/1 member", en.Started("G", 1), " 1 member."},
		{"en/2 members", en.Started("G", 2), " 2 members."},
		{"es/1 miembro", es.Started("G", 1), " 1 miembro."},
		{"es/2 miembros", es.Started("G", 2), " 2 miembros."},
		{"en/roster 1", en.Roster("G", []string{"1"}), " 1 member:"},
		{"es/roster 3", es.Roster("G", []string{"1", "2", "3"}), " 3 miembros:"},
		{"en/1 channel", en.ModRoleNotMoved(1), " 1 group channel."},
		{"en/4 channels", en.ModRoleNotMoved(4), " 4 group channels."},
		{"es/1 canal", es.ModRoleNotMoved(1), " 1 canal de grupo."},
		{"es/4 canales", es.ModRoleNotMoved(4), " 4 canales de grupo."},
		{"en/1 day", en.Input(&domain.InputError{Field: "reminder", Problem: domain.ProblemTooLong, Input: "30d", Limit: 1}), " 1 day "},
		{"es/21 días", es.Input(&domain.InputError{Field: "reminder", Problem: domain.ProblemTooLong, Input: "30d", Limit: 21}), " 21 días "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.got, c.want) {
				t.Errorf("%q lacks %q", c.got, c.want)
			}
		})
	}
}

func TestRosterFitsOneMessage(t *testing.T) {
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = fmt.Sprintf("1234567890123456%03d", i)
	}
	for _, lang := range Langs() {
		t.Run(string(lang), func(t *testing.T) {
			got := For(lang).Roster("A group", ids)
			if n := utf8.RuneCountInString(got); n > 2000 {
				t.Errorf("%d characters, over Discord's 2000", n)
			}
			shown := strings.Count(got, "<@")
			if want := For(lang).count("roster_more", len(ids)-shown, nil); !strings.HasSuffix(got, want) {
				t.Errorf("%d shown of %d, but it does not end %q", shown, len(ids), want)
			}
		})
	}
}

func TestSettingsWordsTheDefaultTimezone(t *testing.T) {
	cases := []struct {
		lang       Lang
		isDefault  bool
		want, not_ string
	}{
		{English, true, "Time zone: UTC (default)", ""},
		{English, false, "Time zone: Europe/Madrid", "(default)"},
		{Spanish, true, "Zona horaria: UTC (predeterminada)", ""},
		{Spanish, false, "Zona horaria: Europe/Madrid", "(predeterminada)"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/default=%v", c.lang, c.isDefault), func(t *testing.T) {
			tz := "Europe/Madrid"
			if c.isDefault {
				tz = "UTC"
			}
			got := For(c.lang).Settings(true, "", "5", "", tz, c.isDefault)
			if !strings.Contains(got, c.want) || (c.not_ != "" && strings.Contains(got, c.not_)) {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if !strings.Contains(got, Channel("5")) {
				t.Errorf("category missing: %q", got)
			}
		})
	}
}

func TestInfoNamesKindAndStatus(t *testing.T) {
	cases := []struct {
		lang   Lang
		kind   domain.Kind
		status domain.Status
		want   string
	}{
		{English, domain.KindOpen, domain.StatusOpen, "**G** (open)\n"},
		{English, domain.KindClosed, domain.StatusLocked, "**G** (closed, locked)\n"},
		{Spanish, domain.KindClosed, domain.StatusEnrolling, "**G** (cerrado, inscripción abierta)\n"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s/%s", c.lang, c.kind, c.status), func(t *testing.T) {
			got := For(c.lang).Info(GroupInfo{Name: "G", Kind: c.kind, Status: c.status, Timezone: "UTC"})
			if !strings.HasPrefix(got, c.want) {
				t.Errorf("got %q, want it to start %q", got, c.want)
			}
		})
	}
}

func TestNameEscapesFormatting(t *testing.T) {
	cases := map[string]string{
		"Grief Circle":   "**Grief Circle**",
		"AA_NA *Friday*": `**AA\_NA \*Friday\***`,
		"a`b|c~d>e#f\\g": "**a\\`b\\|c\\~d\\>e\\#f\\\\g**",
	}
	for in, want := range cases {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

// /groups renders up to MaxListed lines per request.
func BenchmarkGroupLine(b *testing.B) {
	next := time.Unix(1764612000, 0)
	for _, lang := range Langs() {
		p := For(lang)
		b.Run(string(lang), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				_ = p.GroupLine("Cohort", domain.KindClosed, domain.StatusEnrolling, 3, next, i%2 == 0, 0)
			}
		})
	}
}

// A turn erased by /forget names nobody: no empty mention, in either
// language.
func TestRoundPostErasedTurn(t *testing.T) {
	turns := []RoundTurn{{UserID: "111", Outcome: "done"}, {Outcome: "passed"}, {UserID: "222"}}
	want := map[Lang]string{
		"en": "1. <@111>: done\n2. (someone who has left the group)\n3. <@222>: **speaking now**",
		"es": "1. <@111>: listo\n2. (alguien que ha dejado el grupo)\n3. <@222>: **tiene la palabra**",
	}
	for lang, body := range want {
		got := For(lang).RoundPost(turns, 2)
		if !strings.HasSuffix(got, "\n"+body) || strings.Contains(got, "<@>") {
			t.Errorf("%s: %q, want it to end with %q", lang, got, body)
		}
	}
}

// /group info names a voice group's voice channel and, with a schedule,
// how long each session lasts; a group without voice gets no voice line.
func TestInfoShowsVoiceChannelAndSessionLength(t *testing.T) {
	voice := GroupInfo{Name: "G", Kind: domain.KindOpen, Status: domain.StatusOpen, ChannelID: "1", VoiceChannelID: "2",
		Schedule: "0 18 * * *", Timezone: "UTC", Reminders: "1h", DurationMinutes: 60}
	cases := []struct {
		name string
		lang Lang
		g    GroupInfo
		want string
	}{
		{"voice, English", English, voice, "**G** (open)\nChannel: <#1>\nVoice channel: <#2>\nMembers: 0\n" +
			"Schedule: `0 18 * * *` (UTC), reminders 1h before\nEach session lasts 60 minutes.\n"},
		{"voice, Spanish", Spanish, voice, "**G** (abierto)\nCanal: <#1>\nCanal de voz: <#2>\nMiembros: 0\n" +
			"Horario: `0 18 * * *` (UTC), recordatorios 1h antes\nCada sesión dura 60 minutos.\n"},
		{"text only, no schedule", English, GroupInfo{Name: "G", Kind: domain.KindOpen, Status: domain.StatusOpen,
			ChannelID: "1", Timezone: "UTC", DurationMinutes: 90}, "**G** (open)\nChannel: <#1>\nMembers: 0\nTime zone: UTC\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := For(c.lang).Info(c.g); !strings.HasPrefix(got, c.want) {
				t.Errorf("got  %q\nwant it to start %q", got, c.want)
			}
		})
	}
}
