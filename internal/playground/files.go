package playground

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"hearth/internal/fakediscord"
)

// Files attached to messages (/mydata's JSON): the page shows a text file's
// content in a disclosure and serves every file for download from this
// page, to whoever may see its message only.

// maxShownText is the largest text file shown inline; larger ones are
// only downloaded.
const maxShownText = 64 << 10

type attachmentView struct {
	ID, Name, URL, Size string
	Text                string // the content, for a text file small enough
}

// visibleTo tells whether the person sees a message in a channel they may
// view: every message but an ephemeral reply meant for someone else.
func (m wireMessage) visibleTo(userID string) bool {
	if m.Flags&flagEphemeral == 0 {
		return true
	}
	return m.InteractionMetadata != nil && m.InteractionMetadata.User.ID == userID
}

// attachmentFiles are the bytes of the channel's attachments by id.
func attachmentFiles(f *fakediscord.Server, channelID string) map[string][]byte {
	out := map[string][]byte{}
	for _, m := range f.Messages(channelID) {
		for _, a := range m.Attachments {
			out[a.ID] = a.Data
		}
	}
	return out
}

// shownText is a file's content when it is text (JSON included) of at
// most maxShownText bytes, else "".
func shownText(contentType string, data []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if !(strings.HasPrefix(mt, "text/") || mt == "application/json") || len(data) > maxShownText || !utf8.Valid(data) {
		return ""
	}
	return string(data)
}

func attachmentURL(userID, channelID, messageID, attachmentID string) string {
	return "/attachment?" + url.Values{"as": {userID}, "ch": {channelID}, "msg": {messageID}, "id": {attachmentID}}.Encode()
}

// attachment serves a file for download, if the person may see its
// message: a channel they may view (or their DM), and not an ephemeral
// reply meant for someone else.
func (p *Server) attachment(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	me := p.person(q)
	ch := q.Get("ch")
	if ch == "" || !p.mayView(me, ch) {
		http.NotFound(w, r)
		return
	}
	var visible bool
	for _, raw := range p.cfg.Fake.MessageObjects(ch) {
		var m wireMessage
		if jsonInto(raw, &m) && m.ID == q.Get("msg") {
			visible = m.visibleTo(me.ID)
		}
	}
	if !visible {
		http.NotFound(w, r)
		return
	}
	for _, m := range p.cfg.Fake.Messages(ch) {
		if m.ID != q.Get("msg") {
			continue
		}
		for _, a := range m.Attachments {
			if a.ID == q.Get("id") {
				w.Header().Set("Content-Type", a.ContentType)
				w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
				w.Header().Set("Cache-Control", "no-store")
				_, _ = w.Write(a.Data)
				return
			}
		}
	}
	http.NotFound(w, r)
}

// mayView tells whether the person may view a channel: their DM with
// Hearth, or a guild channel whose permissions let them.
func (p *Server) mayView(me Person, channelID string) bool {
	if channelID == p.cfg.Fake.DMChannel(me.ID) {
		return true
	}
	c, ok := p.cfg.Fake.Channel(channelID)
	return ok && c.GuildID == p.cfg.GuildID && p.cfg.Fake.ChannelPermissions(channelID, me.ID)&fakediscord.PermViewChannel != 0
}

func jsonInto(raw []byte, v any) bool { return json.Unmarshal(raw, v) == nil }
