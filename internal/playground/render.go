package playground

import (
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	stdhtml "html"

	"hearth/messages"
)

const flagEphemeral = 64

// wireMessage is a message as Discord's API returns it.
type wireMessage struct {
	ID     string `json:"id"`
	Author struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Bot      bool   `json:"bot"`
	} `json:"author"`
	Content         string          `json:"content"`
	Flags           int             `json:"flags"`
	EditedTimestamp *string         `json:"edited_timestamp"`
	Embeds          []wireEmbed     `json:"embeds"`
	Components      []wireComponent `json:"components"`
	Attachments     []struct {
		ID          string `json:"id"`
		Filename    string `json:"filename"`
		URL         string `json:"url"`
		ContentType string `json:"content_type"`
		Size        int    `json:"size"`
	} `json:"attachments"`
	Mentions []struct {
		ID string `json:"id"`
	} `json:"mentions"`
	MentionEveryone     bool `json:"mention_everyone"`
	InteractionMetadata *struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"interaction_metadata"`
}

type wireEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Fields      []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
}

type wireComponent struct {
	Type        int    `json:"type"`
	Style       int    `json:"style"`
	Label       string `json:"label"`
	CustomID    string `json:"custom_id"`
	URL         string `json:"url"`
	Disabled    bool   `json:"disabled"`
	Placeholder string `json:"placeholder"`
	Content     string `json:"content"` // text display
	Emoji       *struct {
		Name string `json:"name"`
	} `json:"emoji"`
	Options []struct {
		Label       string `json:"label"`
		Value       string `json:"value"`
		Description string `json:"description"`
		Default     bool   `json:"default"`
	} `json:"options"`
	Components []wireComponent `json:"components"`
	Component  *wireComponent  `json:"component"` // inside a label
}

// messageView is one message as the person sees it.
type messageView struct {
	ID, Author, Initials, Hue     string
	Bot, Ephemeral, MentionsMe    bool
	Edited                        bool
	Content, Embeds, Components   template.HTML
	Attachments                   []attachmentView
	AuthorIsMe                    bool
	ChannelID                     string
	HasEmbedsOrComponentsOrAttach bool
}

// messagesFor are the channel's messages the person can see: all but the
// ephemeral replies meant for someone else.
func (p *Server) messagesFor(me, channelID string, l messages.TryLabels) []messageView {
	names := p.names()
	r := &renderer{names: names, me: me, channels: map[string]string{}, now: p.cfg.Clock.Now(), weekdays: l.Weekdays}
	for _, c := range p.cfg.Fake.Channels(p.cfg.GuildID) {
		r.channels[c.ID] = c.Name
	}
	for _, role := range p.cfg.Fake.Roles(p.cfg.GuildID) {
		r.names["&"+role.ID] = role.Name
	}
	var out []messageView
	files := attachmentFiles(p.cfg.Fake, channelID)
	for _, raw := range p.cfg.Fake.MessageObjects(channelID) {
		var m wireMessage
		if err := json.Unmarshal(raw, &m); err != nil || !m.visibleTo(me) {
			continue
		}
		ephemeral := m.Flags&flagEphemeral != 0
		name := names[m.Author.ID]
		if name == "" {
			name = m.Author.Username
		}
		v := messageView{ID: m.ID, ChannelID: channelID, Author: name, Initials: initials(name), Hue: hue(m.Author.ID),
			Bot: m.Author.Bot, Ephemeral: ephemeral, Edited: m.EditedTimestamp != nil, AuthorIsMe: m.Author.ID == me,
			Content: r.markdown(m.Content), MentionsMe: m.MentionEveryone}
		for _, u := range m.Mentions {
			if u.ID == me {
				v.MentionsMe = true
			}
		}
		v.Embeds = r.embeds(m.Embeds)
		v.Components = r.components(m.ID, m.Components)
		for _, a := range m.Attachments {
			v.Attachments = append(v.Attachments, attachmentView{ID: a.ID, Name: a.Filename, Size: byteSize(a.Size),
				URL:  attachmentURL(me, channelID, m.ID, a.ID),
				Text: shownText(a.ContentType, files[a.ID])})
		}
		out = append(out, v)
	}
	return out
}

// renderer turns Discord's message markup into HTML, escaping all text.
type renderer struct {
	names    map[string]string // user id, or "&"+role id, to name
	channels map[string]string
	me       string
	now      time.Time // the demo's, for relative timestamps
	weekdays []string  // in the person's language, Sunday first
}

var tokenRE = regexp.MustCompile(`<@!?(\d+)>|<@&(\d+)>|<#(\d+)>|<t:(-?\d+)(?::([tTdDfFR]))?>`)

// markdown renders content: mentions, channel links, timestamps, bold,
// italics, inline code and line breaks; everything else as text.
func (r *renderer) markdown(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range tokenRE.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(inline(s[last:m[0]]))
		last = m[1]
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		switch {
		case group(1) != "":
			id := group(1)
			name := r.names[id]
			if name == "" {
				name = id
			}
			class := "mention"
			if id == r.me {
				class += " me"
			}
			fmt.Fprintf(&b, `<span class="%s">@%s</span>`, class, stdhtml.EscapeString(name))
		case group(2) != "":
			fmt.Fprintf(&b, `<span class="mention">@%s</span>`, stdhtml.EscapeString(r.names["&"+group(2)]))
		case group(3) != "":
			name := r.channels[group(3)]
			if name == "" {
				name = group(3)
			}
			fmt.Fprintf(&b, `<span class="mention">#%s</span>`, stdhtml.EscapeString(name))
		default:
			sec, _ := strconv.ParseInt(group(4), 10, 64)
			t := time.Unix(sec, 0).UTC()
			shown := stamp(t, r.weekdays)
			if group(5) == "R" {
				shown = relative(t.Sub(r.now))
			}
			fmt.Fprintf(&b, `<time datetime="%s">%s</time>`, t.Format(time.RFC3339), shown)
		}
	}
	b.WriteString(inline(s[last:]))
	return html(b.String())
}

var (
	boldRE   = regexp.MustCompile(`\*\*(.+?)\*\*`)
	italicRE = regexp.MustCompile(`(^|[^*\w])[*_]([^*_\n]+?)[*_]($|[^*\w])`)
	codeRE   = regexp.MustCompile("`([^`\n]+)`")
	headRE   = regexp.MustCompile(`(?m)^#{1,3} (.+)$`)
)

// inline renders plain text with Discord's basic formatting.
func inline(s string) string {
	e := stdhtml.EscapeString(s)
	e = codeRE.ReplaceAllString(e, "<code>$1</code>")
	e = boldRE.ReplaceAllString(e, "<strong>$1</strong>")
	e = italicRE.ReplaceAllString(e, "$1<em>$2</em>$3")
	e = headRE.ReplaceAllString(e, "<strong>$1</strong>")
	e = strings.ReplaceAll(e, "\\", "")
	return strings.ReplaceAll(e, "\n", "<br>")
}

func (r *renderer) embeds(es []wireEmbed) template.HTML {
	var b strings.Builder
	for _, e := range es {
		style := ""
		if e.Color != 0 {
			style = fmt.Sprintf(` style="border-left-color:#%06x"`, e.Color&0xffffff)
		}
		fmt.Fprintf(&b, `<div class="embed"%s>`, style)
		if e.Title != "" {
			fmt.Fprintf(&b, `<div class="embed-title">%s</div>`, r.markdown(e.Title))
		}
		if e.Description != "" {
			fmt.Fprintf(&b, `<div class="embed-text">%s</div>`, r.markdown(e.Description))
		}
		for _, f := range e.Fields {
			fmt.Fprintf(&b, `<div class="embed-field"><div class="embed-name">%s</div><div>%s</div></div>`, r.markdown(f.Name), r.markdown(f.Value))
		}
		if e.Footer != nil && e.Footer.Text != "" {
			fmt.Fprintf(&b, `<div class="embed-footer">%s</div>`, r.markdown(e.Footer.Text))
		}
		b.WriteString(`</div>`)
	}
	return html(b.String())
}

// components renders buttons, selects and text of a message; each control
// names its message and custom id, which the script sends back.
func (r *renderer) components(msgID string, cs []wireComponent) template.HTML {
	var b strings.Builder
	r.writeComponents(&b, msgID, cs)
	return html(b.String())
}

func (r *renderer) writeComponents(b *strings.Builder, msgID string, cs []wireComponent) {
	esc := stdhtml.EscapeString
	for _, c := range cs {
		switch c.Type {
		case 1: // action row
			b.WriteString(`<div class="row">`)
			r.writeComponents(b, msgID, c.Components)
			b.WriteString(`</div>`)
		case 2: // button
			label := c.Label
			if c.Emoji != nil {
				label = strings.TrimSpace(c.Emoji.Name + " " + label)
			}
			if c.Style == 5 {
				fmt.Fprintf(b, `<a class="btn style-5" href="%s" rel="noopener noreferrer" target="_blank">%s</a>`, esc(c.URL), esc(label))
				continue
			}
			dis := ""
			if c.Disabled {
				dis = " disabled"
			}
			fmt.Fprintf(b, `<button type="button" class="btn style-%d" data-msg="%s" data-cid="%s" data-ctype="2"%s>%s</button>`,
				c.Style, esc(msgID), esc(c.CustomID), dis, esc(label))
		case 3, 5, 6, 7, 8: // selects
			dis := ""
			if c.Disabled {
				dis = " disabled"
			}
			fmt.Fprintf(b, `<select class="pick" data-msg="%s" data-cid="%s" data-ctype="%d" aria-label="%s"%s><option value="">%s</option>`,
				esc(msgID), esc(c.CustomID), c.Type, esc(c.Placeholder), dis, esc(c.Placeholder))
			for _, o := range r.selectOptions(c) {
				fmt.Fprintf(b, `<option value="%s">%s</option>`, esc(o.Value), esc(o.Name))
			}
			b.WriteString(`</select>`)
		case 10: // text display
			fmt.Fprintf(b, `<div class="text">%s</div>`, r.markdown(c.Content))
		case 14: // separator
			b.WriteString(`<hr>`)
		default: // sections, containers, labels: their children
			r.writeComponents(b, msgID, c.Components)
			if c.Component != nil {
				r.writeComponents(b, msgID, []wireComponent{*c.Component})
			}
		}
	}
}

func (r *renderer) selectOptions(c wireComponent) []choiceView {
	var out []choiceView
	switch c.Type {
	case 3:
		for _, o := range c.Options {
			out = append(out, choiceView{Name: o.Label, Value: o.Value})
		}
	case 5, 7: // users (mentionables: users here)
		for id, name := range r.names {
			if !strings.HasPrefix(id, "&") {
				out = append(out, choiceView{Name: name, Value: id})
			}
		}
	case 6:
		for id, name := range r.names {
			if strings.HasPrefix(id, "&") {
				out = append(out, choiceView{Name: "@" + name, Value: id[1:]})
			}
		}
	case 8:
		for id, name := range r.channels {
			out = append(out, choiceView{Name: "#" + name, Value: id})
		}
	}
	if c.Type != 3 {
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	}
	return out
}

// relative is a <t:…:R> timestamp as a signed span from the demo's now,
// in units rather than words, so that it reads the same in every language.
func relative(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%s%d min", sign, int(d.Round(time.Minute)/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%s%.1f h", sign, d.Hours())
	default:
		return fmt.Sprintf("%s%.1f d", sign, d.Hours()/24)
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func parseInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func anyString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return ftoa(t)
	default:
		return fmt.Sprint(t)
	}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
