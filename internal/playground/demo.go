package playground

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"hearth/internal/fakediscord"
)

// Demo is the demo server: its people and, once Hearth runs, its groups.
type Demo struct {
	Fake    *fakediscord.Server
	GuildID string
	People  []Person
	modRole string
	modLog  string
	byName  map[string]string // first name to user id
	// Overrides let the facilitator use /group (round, attendance, info),
	// whose default permission is Manage Channels, as a server admin
	// would allow her in Server Settings → Integrations.
	Overrides map[string][]string
}

// Discord option types the demo fills in.
const (
	optSub     = 1
	optString  = 3
	optInteger = 4
	optUser    = 6
	optBoolean = 5
	optChannel = 7
	optRole    = 8
)

// NewDemo makes the demo server's people on the fake: a moderator (with
// Manage Channels and Manage Server through a role), a facilitator and five
// members, and a log channel only moderators read. Call it before Hearth
// connects.
func NewDemo(f *fakediscord.Server) *Demo {
	d := &Demo{Fake: f, GuildID: f.GuildID, byName: map[string]string{}}
	d.modRole = f.AddRole(d.GuildID, "Moderators", fakediscord.PermManageChannels|1<<5) // 1<<5: Manage Server
	add := func(name string, role Role, roles ...string) {
		first := strings.Fields(name)[0]
		id := f.AddMember(d.GuildID, strings.ToLower(first), roles...)
		d.byName[first] = id
		d.People = append(d.People, Person{ID: id, Name: name, Role: role})
	}
	add("Dana Kim", Member)
	add("Bruno Silva", Member)
	add("Chen Wei", Member)
	add("Eli Novak", Member)
	add("Gus Olsen", Member)
	add("Fatima Haddad", Facilitator)
	add("Maya Moreno", Moderator, d.modRole)
	d.Overrides = map[string][]string{"group": {d.byName["Fatima"]}}
	d.modLog = f.AddChannel(d.GuildID, "mod-log",
		fakediscord.Overwrite{ID: d.GuildID, Type: 0, Deny: fakediscord.PermViewChannel},
		fakediscord.Overwrite{ID: d.modRole, Type: 0, Allow: fakediscord.PermViewChannel},
		fakediscord.Overwrite{ID: f.BotUserID, Type: 1, Allow: fakediscord.PermViewChannel | 1<<11 | 1<<16})
	return d
}

// ID is the user id of the person with that first name.
func (d *Demo) ID(first string) string { return d.byName[first] }

// demoWait bounds each seeding step (real time).
const demoWait = 10 * time.Second

func (d *Demo) do(user, name string, opts ...fakediscord.Opt) (fakediscord.Reply, error) {
	r, err := d.Fake.Command(d.GuildID, user, name, opts...).Wait(demoWait)
	if err != nil {
		return r, fmt.Errorf("demo: /%s: %w", name, err)
	}
	return r, nil
}

func sub(name string, opts ...fakediscord.Opt) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optSub, Options: opts}
}

func str(name, v string) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optString, Value: v}
}

func num(name string, v int) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optInteger, Value: v}
}

// Seed makes the demo's groups through Hearth's own commands, as the
// moderator and members would, relative to now (the demo clock): an open
// voice group with guidelines meeting daily in 45 minutes (its reminder 30
// minutes before, its session post at the start, its scheduled event on
// its voice channel), a closed group starting tomorrow and meeting weekly
// three times, and a full open group with someone on its waitlist. One
// member of the voice group is reminded by direct message.
func (d *Demo) Seed(now time.Time) error {
	mod, fac := d.ID("Maya"), d.ID("Fatima")
	if _, err := d.do(mod, "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: d.modRole},
		fakediscord.Opt{Name: "log_channel", Type: optChannel, Value: d.modLog}); err != nil {
		return err
	}
	now = now.UTC()
	soon := now.Add(45 * time.Minute)
	tomorrow := now.Add(24 * time.Hour)
	start := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 18, 0, 0, 0, time.UTC)
	weekday := strings.ToUpper(start.Weekday().String()[:3])
	facilitator := fakediscord.Opt{Name: "facilitator", Type: optUser, Value: fac}
	groups := [][]fakediscord.Opt{
		{str("name", "Grief Circle"), str("type", "open"),
			str("schedule", fmt.Sprintf("%d %d * * *", soon.Minute(), soon.Hour())), str("reminder", "30m"),
			str("description", "A gentle space to talk about loss, every day."), facilitator,
			fakediscord.Opt{Name: "voice", Type: optBoolean, Value: true}},
		{str("name", "Sober Path"), str("type", "closed"), num("capacity", 6),
			str("start", start.Format("2006-01-02 15:04")), num("sessions", 3),
			str("schedule", "0 18 * * "+weekday), str("reminder", "24h,1h"),
			str("description", "Three weekly sessions for people in early recovery."), facilitator},
		{str("name", "Caregivers Corner"), str("type", "open"), num("capacity", 2),
			str("schedule", "0 19 * * THU"), str("reminder", "1h"),
			str("description", "For those caring for someone ill. Small on purpose."), facilitator},
	}
	for _, opts := range groups {
		if _, err := d.do(mod, "group", sub("create", opts...)); err != nil {
			return err
		}
	}
	modal, err := d.do(mod, "group", sub("guidelines", str("group", "Grief Circle")))
	if err != nil {
		return err
	}
	if modal.Type == 9 {
		if _, err := d.Fake.ModalSubmit(d.GuildID, mod, modal.CustomID, map[string]string{"text": "What is shared here stays here.\n" +
			"Speak from your own experience; listen without fixing.\nYou may pass at any time."}).Wait(demoWait); err != nil {
			return fmt.Errorf("demo: guidelines: %w", err)
		}
	}
	joins := []struct{ who, group string }{
		{"Bruno", "Grief Circle"}, {"Chen", "Grief Circle"},
		{"Chen", "Sober Path"}, {"Eli", "Sober Path"},
		{"Bruno", "Caregivers Corner"}, {"Eli", "Caregivers Corner"},
		{"Gus", "Caregivers Corner"}, // full: Gus waits for a seat
	}
	for _, j := range joins {
		if err := d.join(d.ID(j.who), j.group); err != nil {
			return err
		}
	}
	_, err = d.do(d.ID("Chen"), "reminders", str("mode", "dm"), str("group", "Grief Circle"))
	return err
}

// join runs /join as user, agreeing to the guidelines if asked, or asking
// for a seat when the group is full.
func (d *Demo) join(user, group string) error {
	r, err := d.do(user, "join", str("group", group))
	if err != nil {
		return err
	}
	if id := firstButton(r.Components); id != "" {
		if _, err := d.Fake.Component(d.GuildID, user, id, 2).Wait(demoWait); err != nil {
			return fmt.Errorf("demo: agreeing to %s: %w", group, err)
		}
	}
	return nil
}

// firstButton is the custom id of a reply's first button, "" if none.
func firstButton(raw json.RawMessage) string {
	var rows []struct {
		Components []struct {
			Type     int    `json:"type"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	_ = json.Unmarshal(raw, &rows)
	for _, row := range rows {
		for _, c := range row.Components {
			if c.Type == 2 && c.CustomID != "" {
				return c.CustomID
			}
		}
	}
	return ""
}
