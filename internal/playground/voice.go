package playground

import (
	"net/http"
	"time"

	"hearth/internal/fakediscord"
	"hearth/messages"
)

// voiceView is what the channel list shows of a voice channel: who is in
// it, and whether the person may join it (View Channel and Connect).
type voiceView struct {
	People     []personView
	CanConnect bool
	Here       bool // the person is in it
}

// eventView is a scheduled event the person sees.
type eventView struct {
	Name, Description, When, Channel string
	Live                             bool
}

// withVoice fills in the voice part of the person's voice channels: the
// people in each (anyone who sees a voice channel sees who is in it, as
// in Discord's client), and whether they may connect.
func (p *Server) withVoice(me Person, channels []channelView, pr *messages.Printer) {
	f := p.cfg.Fake
	where := map[string][]Person{}
	for _, pe := range p.cfg.People {
		if ch := f.InVoice(p.cfg.GuildID, pe.ID); ch != "" {
			where[ch] = append(where[ch], pe)
		}
	}
	for i := range channels {
		c := &channels[i]
		if !c.Voice {
			continue
		}
		const need = fakediscord.PermViewChannel | fakediscord.PermConnect
		c.VoiceState = voiceView{CanConnect: f.ChannelPermissions(c.ID, me.ID)&need == need}
		for _, pe := range where[c.ID] {
			c.VoiceState.People = append(c.VoiceState.People, p.personView(pe, pr))
			if pe.ID == me.ID {
				c.VoiceState.Here = true
			}
		}
	}
}

// events are the scheduled events the person sees (those on a channel
// only if they may view it, as the fake computes), scheduled or under way.
func (p *Server) events(me Person, l messages.TryLabels) []eventView {
	names := map[string]string{}
	for _, c := range p.cfg.Fake.Channels(p.cfg.GuildID) {
		names[c.ID] = c.Name
	}
	var out []eventView
	for _, e := range p.cfg.Fake.EventsVisibleTo(p.cfg.GuildID, me.ID) {
		if e.Status != fakediscord.EventScheduled && e.Status != fakediscord.EventActive {
			continue
		}
		v := eventView{Name: e.Name, Description: e.Description, When: stamp(e.Start, l.Weekdays),
			Live: e.Status == fakediscord.EventActive, Channel: names[e.ChannelID]}
		if v.Channel == "" {
			v.Channel = e.Location
		}
		out = append(out, v)
	}
	return out
}

// voice moves the person into a voice channel (ch), or out of voice (ch
// empty), as their Discord client would; the fake refuses a channel they
// may not connect to, and then nothing changes.
func (p *Server) voice(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	me := p.person(r.PostForm)
	if err := p.cfg.Fake.SetVoice(p.cfg.GuildID, me.ID, r.PostFormValue("ch")); err != nil {
		writeJSON(w, answer{Error: p.printer(me.ID).TryPage().VoiceRefused})
		return
	}
	writeJSON(w, answer{})
}

// stamp is a time as the page shows it, with the day's short name in the
// person's language: "Mon 2026-11-30 18:00 UTC".
func stamp(t time.Time, weekdays []string) string {
	t = t.UTC()
	day := t.Weekday().String()[:3]
	if len(weekdays) == 7 {
		day = weekdays[t.Weekday()]
	}
	return day + " " + t.Format("2006-01-02 15:04") + " UTC"
}
