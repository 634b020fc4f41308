package playground

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hearth/internal/fakediscord"
)

// replyWait is how long an action waits for Hearth's answer: Discord's 3 s
// deadline, and a deferred answer's follow-up after it.
const replyWait = 10 * time.Second

func (p *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		p.cfg.Log.Error("playground: render", "template", name, "err", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// page is the whole page as one person sees it.
func (p *Server) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	me := p.person(q)
	locale := p.cfg.Fake.UserLocale(me.ID)
	pr := p.printer(me.ID)
	v := pageView{liveView: p.liveView(me, q.Get("ch")), Lang: string(pr.Lang()), Guild: p.cfg.Fake.GuildName(p.cfg.GuildID), Locale: locale}
	for _, person := range p.cfg.People {
		pv := p.personView(person, pr)
		pv.Selected = person.ID == me.ID
		v.People = append(v.People, pv)
	}
	v.Commands = commandViews(p.commands(me.ID, v.Current.DM), locale)
	p.render(w, r, "page.html", v)
}

// live is the part of the page that changes: channels, messages, clock.
func (p *Server) live(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.render(w, r, "live.html", p.liveView(p.person(q), q.Get("ch")))
}

// form is the option fields of one command.
func (p *Server) form(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	me := p.person(q)
	dm := q.Get("ch") != "" && q.Get("ch") == p.cfg.Fake.DMChannel(me.ID)
	l := p.printer(me.ID).TryPage()
	v := formView{L: l, Path: q.Get("cmd")}
	if _, _, opts, ok := findCommand(p.commands(me.ID, dm), v.Path); ok {
		v.Fields = p.fields(opts, p.cfg.Fake.UserLocale(me.ID), l)
	}
	p.render(w, r, "form.html", v)
}

// answer is what an action returns to the script.
type answer struct {
	Error string     `json:"error,omitempty"`
	Modal *modalView `json:"modal,omitempty"`
	// Channel is where to look for the answer (the channel acted in).
	Channel string `json:"channel,omitempty"`
}

type modalView struct {
	CustomID string       `json:"custom_id"`
	Title    string       `json:"title"`
	Channel  string       `json:"channel"`
	Fields   []modalField `json:"fields"`
}

type modalField struct {
	CustomID    string `json:"custom_id"`
	Label       string `json:"label"`
	Paragraph   bool   `json:"paragraph"`
	Required    bool   `json:"required"`
	Value       string `json:"value"`
	Placeholder string `json:"placeholder"`
	MinLength   int    `json:"min_length"`
	MaxLength   int    `json:"max_length"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// wait waits for Hearth's answer to an interaction and turns a modal into
// a form for the page.
func (p *Server) wait(w http.ResponseWriter, in *fakediscord.Interaction, userID string) {
	l := p.printer(userID).TryPage()
	if in == nil {
		writeJSON(w, answer{Error: l.NoReply})
		return
	}
	rep, err := in.Wait(replyWait)
	if err != nil {
		p.cfg.Log.Warn("playground: no answer to an interaction", "err", err)
		writeJSON(w, answer{Error: l.NoReply, Channel: in.ChannelID})
		return
	}
	a := answer{Channel: in.ChannelID}
	if rep.Type == 9 {
		a.Modal = modalFrom(rep.Raw, in.ChannelID)
	}
	writeJSON(w, a)
}

// modalFrom reads a modal callback's text inputs, in rows or in labels.
func modalFrom(raw json.RawMessage, channelID string) *modalView {
	var d struct {
		CustomID   string          `json:"custom_id"`
		Title      string          `json:"title"`
		Components []wireComponent `json:"components"`
	}
	_ = json.Unmarshal(raw, &d)
	var inputs struct {
		Components []json.RawMessage `json:"components"`
	}
	_ = json.Unmarshal(raw, &inputs)
	m := &modalView{CustomID: d.CustomID, Title: d.Title, Channel: channelID}
	var walk func(items []json.RawMessage, label string)
	walk = func(items []json.RawMessage, label string) {
		for _, it := range items {
			var c struct {
				Type        int               `json:"type"`
				CustomID    string            `json:"custom_id"`
				Label       string            `json:"label"`
				Style       int               `json:"style"`
				Required    *bool             `json:"required"`
				Value       string            `json:"value"`
				Placeholder string            `json:"placeholder"`
				MinLength   int               `json:"min_length"`
				MaxLength   int               `json:"max_length"`
				Components  []json.RawMessage `json:"components"`
				Component   json.RawMessage   `json:"component"`
			}
			if json.Unmarshal(it, &c) != nil {
				continue
			}
			switch c.Type {
			case 4:
				lbl := c.Label
				if lbl == "" {
					lbl = label
				}
				m.Fields = append(m.Fields, modalField{CustomID: c.CustomID, Label: lbl, Paragraph: c.Style == 2,
					Required: c.Required == nil || *c.Required, Value: c.Value, Placeholder: c.Placeholder,
					MinLength: c.MinLength, MaxLength: c.MaxLength})
			case 18: // label around an input
				if len(c.Component) > 0 {
					walk([]json.RawMessage{c.Component}, c.Label)
				}
			default:
				walk(c.Components, label)
			}
		}
	}
	walk(inputs.Components, "")
	return m
}

// options rebuilds a command's option tree from the posted form: fields
// "opt.NAME", typed after the registered option.
func optionsFrom(r *http.Request, subs []string, opts []option, focus string) []fakediscord.Opt {
	var leaf []fakediscord.Opt
	for _, o := range opts {
		raw := strings.TrimSpace(r.PostFormValue("opt." + o.Name))
		focused := o.Name == focus
		if raw == "" && !focused {
			continue
		}
		opt := fakediscord.Opt{Name: o.Name, Type: o.Type, Value: raw, Focused: focused}
		if !focused {
			switch o.Type {
			case 4:
				n, err := strconv.ParseInt(raw, 10, 64)
				if err != nil {
					continue
				}
				opt.Value = n
			case 10:
				f, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					continue
				}
				opt.Value = f
			case 5:
				opt.Value = raw == "true"
			}
		}
		leaf = append(leaf, opt)
	}
	for i := len(subs) - 1; i >= 0; i-- {
		typ := 1
		if i < len(subs)-1 {
			typ = 2
		}
		leaf = []fakediscord.Opt{{Name: subs[i], Type: typ, Options: leaf}}
	}
	return leaf
}

// channelFor is the channel an action happens in: the one posted, if the
// person may view it, else their first channel.
func (p *Server) channelFor(me Person, ch string) (string, bool) {
	if ch != "" && ch == p.cfg.Fake.DMChannel(me.ID) {
		return ch, true
	}
	v := p.liveView(me, ch)
	return v.Current.ID, false
}

// command runs a slash command as the person, in the channel they look at.
func (p *Server) command(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	ch, dm := p.channelFor(me, r.PostFormValue("ch"))
	name, subs, opts, ok := findCommand(p.commands(me.ID, dm), r.PostFormValue("cmd"))
	if !ok || ch == "" {
		http.Error(w, "unknown command", http.StatusBadRequest)
		return
	}
	p.wait(w, p.cfg.Fake.CommandIn(ch, me.ID, name, optionsFrom(r, subs, opts, "")...), me.ID)
}

// autocomplete asks Hearth for the choices of the focused option.
func (p *Server) autocomplete(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	ch, dm := p.channelFor(me, r.PostFormValue("ch"))
	name, subs, opts, ok := findCommand(p.commands(me.ID, dm), r.PostFormValue("cmd"))
	focus := r.PostFormValue("focus")
	if !ok || ch == "" || focus == "" {
		http.Error(w, "unknown command", http.StatusBadRequest)
		return
	}
	rep, err := p.cfg.Fake.AutocompleteIn(ch, me.ID, name, optionsFrom(r, subs, opts, focus)...).Wait(replyWait)
	choices := []choiceView{}
	if err == nil {
		for _, c := range rep.Choices {
			choices = append(choices, choiceView{Name: c.Name, Value: anyString(c.Value)})
		}
	}
	writeJSON(w, map[string]any{"choices": choices})
}

// component presses a button or picks in a select of a message.
func (p *Server) component(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	ctype, _ := strconv.Atoi(r.PostFormValue("ctype"))
	if ctype == 0 {
		ctype = 2
	}
	var values []string
	if v := r.PostFormValue("value"); v != "" {
		values = []string{v}
	}
	p.wait(w, p.cfg.Fake.ComponentOn(r.PostFormValue("msg"), me.ID, r.PostFormValue("cid"), ctype, values...), me.ID)
}

// modal submits a form Hearth opened.
func (p *Server) modal(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	ch, _ := p.channelFor(me, r.PostFormValue("ch"))
	fields := map[string]string{}
	for k, v := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "field."); ok && len(v) > 0 {
			fields[id] = v[0]
		}
	}
	p.wait(w, p.cfg.Fake.ModalSubmitIn(ch, me.ID, r.PostFormValue("cid"), fields), me.ID)
}

// forward moves the demo's clock.
func (p *Server) forward(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.PostFormValue("by"))
	if err != nil || d <= 0 || d > 31*24*time.Hour {
		http.Error(w, "bad duration", http.StatusBadRequest)
		return
	}
	p.clock.advance(d)
	writeJSON(w, map[string]string{"now": p.cfg.Clock.Now().UTC().Format(time.RFC3339)})
}

// locale sets the language of the person's Discord client.
func (p *Server) locale(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	switch loc := r.PostFormValue("locale"); loc {
	case "en-US", "es-ES":
		p.cfg.Fake.SetUserLocale(me.ID, loc)
	default:
		http.Error(w, "unknown locale", http.StatusBadRequest)
		return
	}
	writeJSON(w, map[string]string{})
}
