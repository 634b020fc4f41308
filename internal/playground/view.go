package playground

import (
	"encoding/json"
	"hash/fnv"
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode"

	"hearth/internal/fakediscord"
	"hearth/messages"
)

// channelView is one entry of the channel list.
type channelView struct {
	ID, Name, Topic string
	Voice, DM       bool
	Selected        bool
	Category        string // the category's name, "" if none
	VoiceState      voiceView
}

// personView is a person in the picker or as a message's author.
type personView struct {
	ID, Name, Initials, Hue, Role string
	Selected                      bool
}

// liveView is the part of the page that refreshes.
type liveView struct {
	L        messages.TryLabels
	Me       personView
	Channels []channelView
	DMs      []channelView
	Current  channelView
	Messages []messageView
	Events   []eventView
	Now      string
}

// pageView is the whole page.
type pageView struct {
	liveView
	Lang     string
	Guild    string
	People   []personView
	Commands []commandView
	Locale   string
}

func (p *Server) printer(userID string) *messages.Printer {
	return messages.For(messages.LangOf(p.cfg.Fake.UserLocale(userID)))
}

// visibleChannels are the guild channels the person may view, computed by
// the fake from roles and permission overwrites, categories first-class.
func (p *Server) visibleChannels(userID string) []channelView {
	f := p.cfg.Fake
	all := f.Channels(p.cfg.GuildID)
	names := map[string]string{}
	for _, c := range all {
		if c.Type == fakediscord.ChannelTypeGuildCategory {
			names[c.ID] = c.Name
		}
	}
	var out []channelView
	for _, c := range all {
		if c.Type == fakediscord.ChannelTypeGuildCategory {
			continue
		}
		if f.ChannelPermissions(c.ID, userID)&fakediscord.PermViewChannel == 0 {
			continue
		}
		out = append(out, channelView{ID: c.ID, Name: c.Name, Topic: c.Topic,
			Voice: c.Type == fakediscord.ChannelTypeGuildVoice, Category: names[c.ParentID]})
	}
	// Channels outside a category first, then by category, keeping the
	// order channels were made in within each.
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Category == "") != (out[j].Category == "") {
			return out[i].Category == ""
		}
		return out[i].Category < out[j].Category
	})
	return out
}

// live builds the refreshing part for a person looking at channelID.
func (p *Server) liveView(me Person, channelID string) liveView {
	pr := p.printer(me.ID)
	l := pr.TryPage()
	v := liveView{L: l, Me: p.personView(me, pr), Now: stamp(p.cfg.Clock.Now(), l.Weekdays)}
	v.Channels = p.visibleChannels(me.ID)
	p.withVoice(me, v.Channels, pr)
	v.Events = p.events(me, l)
	if dm := p.cfg.Fake.DMChannel(me.ID); dm != "" {
		v.DMs = append(v.DMs, channelView{ID: dm, Name: fakediscord.BotName, DM: true})
	}
	found := false
	for _, list := range [][]channelView{v.Channels, v.DMs} {
		for i := range list {
			if list[i].ID == channelID {
				list[i].Selected, found = true, true
				v.Current = list[i]
			}
		}
	}
	if !found && len(v.Channels) > 0 {
		for i := range v.Channels {
			if !v.Channels[i].Voice {
				v.Channels[i].Selected = true
				v.Current = v.Channels[i]
				break
			}
		}
	}
	if v.Current.ID != "" && !v.Current.Voice {
		v.Messages = p.messagesFor(me.ID, v.Current.ID, l)
	}
	return v
}

func (p *Server) personView(pr Person, printer *messages.Printer) personView {
	l := printer.TryPage()
	role := map[Role]string{Moderator: l.RoleModerator, Facilitator: l.RoleFacilitator, Member: l.RoleMember}[pr.Role]
	return personView{ID: pr.ID, Name: pr.Name, Initials: initials(pr.Name), Hue: hue(pr.ID), Role: role}
}

// initials are up to two capitals of a name, for an avatar.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// hue is an avatar's colour from an id: a hue for an HSL colour dark
// enough for white initials (see style.css).
func hue(id string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return itoa(int(h.Sum32() % 360))
}

// names maps user ids to display names for mentions and authors.
func (p *Server) names() map[string]string {
	out := map[string]string{fakediscord.BotUserID: fakediscord.BotName}
	for _, pr := range p.cfg.People {
		out[pr.ID] = pr.Name
	}
	return out
}

// commandView is one entry of the command picker: a command, or one
// sub-command, as Discord's client lists them.
type commandView struct {
	Path, Description string
}

// registered is a command as Hearth registered it, decoded from the
// fake's copy of the registration.
type registered struct {
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Type                     int               `json:"type"`
	DefaultMemberPermissions *string           `json:"default_member_permissions"`
	Contexts                 []int             `json:"contexts"`
	Options                  []option          `json:"options"`
}

type option struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Required                 bool              `json:"required"`
	Autocomplete             bool              `json:"autocomplete"`
	Choices                  []struct {
		Name              string            `json:"name"`
		NameLocalizations map[string]string `json:"name_localizations"`
		Value             any               `json:"value"`
	} `json:"choices"`
	MinValue  *float64 `json:"min_value"`
	MaxValue  *float64 `json:"max_value"`
	MaxLength *int     `json:"max_length"`
	Options   []option `json:"options"`
}

func localized(def string, loc map[string]string, locale string) string {
	if s, ok := loc[locale]; ok && s != "" {
		return s
	}
	return def
}

// commands are the slash commands the person can use in the channel:
// guild commands (in a guild channel) and global ones allowed in that
// context, hiding those whose default_member_permissions they lack unless
// an admin's override lets them, as Discord's client does.
func (p *Server) commands(userID string, dm bool) []registered {
	f := p.cfg.Fake
	var perms int64
	if m, ok := f.Member(p.cfg.GuildID, userID); ok {
		perms = m.Permissions
	}
	var scopes []string
	if dm {
		scopes = []string{""}
	} else {
		scopes = []string{p.cfg.GuildID, ""}
	}
	var out []registered
	for _, scope := range scopes {
		for _, c := range f.RegisteredCommands(scope) {
			var r registered
			if json.Unmarshal(c.Raw, &r) != nil || r.Type != 1 {
				continue
			}
			context := 0
			if dm {
				context = 1
			}
			if scope == "" && len(r.Contexts) > 0 && !containsInt(r.Contexts, context) {
				continue
			}
			if !dm && r.DefaultMemberPermissions != nil && perms&fakediscord.PermAdministrator == 0 && !slices.Contains(p.cfg.Overrides[r.Name], userID) {
				need := parseInt(*r.DefaultMemberPermissions)
				if need == 0 || perms&need != need {
					continue
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// commandViews flattens commands into the picker's entries.
func commandViews(cmds []registered, locale string) []commandView {
	var out []commandView
	for _, c := range cmds {
		subs := false
		for _, o := range c.Options {
			switch o.Type {
			case 1:
				subs = true
				out = append(out, commandView{Path: c.Name + " " + o.Name, Description: localized(o.Description, o.DescriptionLocalizations, locale)})
			case 2:
				subs = true
				for _, s := range o.Options {
					out = append(out, commandView{Path: c.Name + " " + o.Name + " " + s.Name,
						Description: localized(s.Description, s.DescriptionLocalizations, locale)})
				}
			}
		}
		if !subs {
			out = append(out, commandView{Path: c.Name, Description: localized(c.Description, c.DescriptionLocalizations, locale)})
		}
	}
	return out
}

// findCommand finds a command path ("group create") among cmds and returns
// the options to fill in.
func findCommand(cmds []registered, path string) (name string, subs []string, opts []option, ok bool) {
	parts := strings.Fields(path)
	if len(parts) == 0 {
		return "", nil, nil, false
	}
	for _, c := range cmds {
		if c.Name != parts[0] {
			continue
		}
		opts = c.Options
		for _, sub := range parts[1:] {
			found := false
			for _, o := range opts {
				if (o.Type == 1 || o.Type == 2) && o.Name == sub {
					opts, found = o.Options, true
					break
				}
			}
			if !found {
				return "", nil, nil, false
			}
		}
		return c.Name, parts[1:], opts, true
	}
	return "", nil, nil, false
}

// formView is the option fields of one command.
type formView struct {
	L      messages.TryLabels
	Path   string
	Fields []fieldView
}

type fieldView struct {
	Name, Label, Hint, Kind, Min, Max, MaxLength string
	Required, Autocomplete                       bool
	Choices                                      []choiceView
}

type choiceView struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// fields turns options into form fields; kind is the input to show.
func (p *Server) fields(opts []option, locale string, l messages.TryLabels) []fieldView {
	var out []fieldView
	for _, o := range opts {
		f := fieldView{Name: o.Name, Label: o.Name, Hint: localized(o.Description, o.DescriptionLocalizations, locale),
			Required: o.Required, Autocomplete: o.Autocomplete}
		if o.MinValue != nil {
			f.Min = ftoa(*o.MinValue)
		}
		if o.MaxValue != nil {
			f.Max = ftoa(*o.MaxValue)
		}
		if o.MaxLength != nil {
			f.MaxLength = itoa(*o.MaxLength)
		}
		switch {
		case len(o.Choices) > 0:
			f.Kind = "select"
			for _, c := range o.Choices {
				f.Choices = append(f.Choices, choiceView{Name: localized(c.Name, c.NameLocalizations, locale), Value: anyString(c.Value)})
			}
		case o.Type == 3 && o.Autocomplete:
			f.Kind = "autocomplete"
		case o.Type == 3:
			f.Kind = "text"
		case o.Type == 4 || o.Type == 10:
			f.Kind = "number"
			if o.Autocomplete {
				f.Kind = "autocomplete"
			}
		case o.Type == 5:
			f.Kind = "select"
			f.Choices = []choiceView{{Name: l.Yes, Value: "true"}, {Name: l.No, Value: "false"}}
		case o.Type == 6 || o.Type == 9:
			f.Kind = "select"
			for _, pr := range p.cfg.People {
				f.Choices = append(f.Choices, choiceView{Name: pr.Name, Value: pr.ID})
			}
			if o.Type == 9 {
				f.Choices = append(f.Choices, p.roleChoices()...)
			}
		case o.Type == 7:
			f.Kind = "select"
			for _, c := range p.cfg.Fake.Channels(p.cfg.GuildID) {
				f.Choices = append(f.Choices, choiceView{Name: "#" + c.Name, Value: c.ID})
			}
		case o.Type == 8:
			f.Kind = "select"
			f.Choices = p.roleChoices()
		default:
			f.Kind = "unsupported"
		}
		out = append(out, f)
	}
	return out
}

func (p *Server) roleChoices() []choiceView {
	var out []choiceView
	for _, r := range p.cfg.Fake.Roles(p.cfg.GuildID) {
		if r.ID != p.cfg.GuildID && !r.Managed {
			out = append(out, choiceView{Name: "@" + r.Name, Value: r.ID})
		}
	}
	return out
}

// html is a template's trusted HTML, built here from escaped parts.
func html(s string) template.HTML { return template.HTML(s) } //nolint:gosec // callers escape every piece

// LivePart is the refreshing part, for the page's template.
func (v pageView) LivePart() liveView { return v.liveView }
