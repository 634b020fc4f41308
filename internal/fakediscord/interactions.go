package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Interaction types.
const (
	InteractionPing               = 1
	InteractionApplicationCommand = 2
	InteractionMessageComponent   = 3
	InteractionAutocomplete       = 4
	InteractionModalSubmit        = 5
)

// Interaction is an interaction the fake dispatched (INTERACTION_CREATE).
// It records the bot's callback, followups and edits.
type Interaction struct {
	ID, Token    string
	Type         int
	GuildID      string // "" in DMs
	ChannelID    string
	UserID       string
	MessageID    string // message a component belongs to
	DispatchedAt time.Time
	Payload      json.RawMessage // the interaction object as dispatched

	s         *Server
	delivered bool // a gateway session got it, or the endpoint answered 200
	// httpPending is closed once the endpoint's answer is read (nil: the
	// gateway delivered it); endpointStatus is that answer's status.
	httpPending    chan struct{}
	endpointStatus int
	acked          bool // guarded by s.mu, like the fields below
	original       *message
	followups      []*message
	replies        []Reply
	changed        chan struct{}
}

// Choice is an autocomplete choice.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Reply is one answer of the bot to an interaction.
type Reply struct {
	// Kind is "callback", "followup", "edit-original" or "edit".
	Kind string
	// Type is the callback type (4 message, 5 deferred message, 6 deferred
	// update, 7 update message, 8 autocomplete, 9 modal).
	Type            int
	Content         string
	Flags           int
	Ephemeral       bool
	Choices         []Choice
	AllowedMentions *AllowedMentions
	// Deferred is set if the callback was type 5 or 6; Wait then reports
	// the first edit of @original or followup, with Deferred set.
	Deferred   bool
	CustomID   string // modal
	Title      string // modal
	Embeds     json.RawMessage
	Components json.RawMessage
	MessageID  string          // message created or edited, if any
	Raw        json.RawMessage // callback "data", or the webhook body
	// Files are the files uploaded with this answer (multipart/form-data).
	Files []Attachment
}

// record appends a reply (s.mu held) and wakes waiters.
func (in *Interaction) record(r Reply, req *messageReq, raw json.RawMessage, kind string) {
	r.Kind = kind
	if req.Content != nil {
		r.Content = *req.Content
	}
	if req.Flags != nil {
		r.Flags = *req.Flags
	}
	r.AllowedMentions = req.AllowedMentions
	r.Embeds, r.Components = req.Embeds, req.Components
	r.Raw = append(json.RawMessage(nil), raw...)
	if len(r.Raw) == 0 {
		r.Raw = json.RawMessage("null")
	}
	switch {
	case kind == "callback" && r.Type == 8:
		var d struct {
			Choices []Choice `json:"choices"`
		}
		_ = json.Unmarshal(raw, &d)
		r.Choices = d.Choices
	case kind == "callback" && r.Type == 9:
		var d struct {
			CustomID string `json:"custom_id"`
			Title    string `json:"title"`
		}
		_ = json.Unmarshal(raw, &d)
		r.CustomID, r.Title = d.CustomID, d.Title
	}
	r.Ephemeral = r.Flags&flagEphemeral != 0
	if kind != "followup" && in.original != nil {
		r.MessageID = in.original.id
		if kind == "edit-original" || r.Type == 5 {
			r.Ephemeral = in.original.flags&flagEphemeral != 0
		}
	}
	if kind == "followup" {
		r.MessageID = in.followups[len(in.followups)-1].id
	}
	if kind != "callback" && len(in.replies) > 0 {
		r.Type = in.replies[0].Type
	}
	in.replies = append(in.replies, r)
	close(in.changed)
	in.changed = make(chan struct{})
}

// ErrNoReply is returned by Wait when the bot did not answer in time.
var ErrNoReply = errors.New("fakediscord: no reply to the interaction")

// Wait waits for the bot's callback. If the callback was deferred (type 5
// or 6), it waits further for the first edit of @original or followup and
// returns that (with Deferred set and Type the callback type).
func (in *Interaction) Wait(timeout time.Duration) (Reply, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		in.s.mu.Lock()
		ch := in.changed
		r, ok := in.answer()
		in.s.mu.Unlock()
		if ok {
			return r, nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			in.s.mu.Lock()
			n, delivered := len(in.replies), in.delivered
			in.s.mu.Unlock()
			if n > 0 {
				return Reply{}, fmt.Errorf("%w: deferred, but no edit or followup within %v", ErrNoReply, timeout)
			}
			if !delivered {
				return Reply{}, fmt.Errorf("%w: no callback within %v (no gateway session was connected to deliver it)", ErrNoReply, timeout)
			}
			return Reply{}, fmt.Errorf("%w: no callback within %v", ErrNoReply, timeout)
		}
	}
}

func (in *Interaction) answer() (Reply, bool) {
	if len(in.replies) == 0 {
		return Reply{}, false
	}
	first := in.replies[0]
	if !first.Deferred {
		return first, true
	}
	for _, r := range in.replies[1:] {
		if r.Kind == "followup" || r.Kind == "edit-original" {
			r.Deferred = true
			return r, true
		}
	}
	return Reply{}, false
}

// Replies returns every answer so far: the callback, then followups and
// edits in arrival order.
func (in *Interaction) Replies() []Reply {
	in.s.mu.Lock()
	defer in.s.mu.Unlock()
	return append([]Reply(nil), in.replies...)
}

// Acknowledged reports whether a callback was accepted.
func (in *Interaction) Acknowledged() bool {
	in.s.mu.Lock()
	defer in.s.mu.Unlock()
	return in.acked
}

// Opt is a command option as a user filled it in. Type follows Discord's
// option types (1 sub-command, 2 group, 3 string, 4 integer, 5 boolean,
// 6 user, 7 channel, 8 role, 9 mentionable, 10 number). For 6-9, Value is
// the id (string) and data.resolved is filled in.
type Opt struct {
	Name    string
	Type    int
	Value   any
	Focused bool
	Options []Opt
}

// Command dispatches an APPLICATION_COMMAND interaction for the command
// named name, invoked by userID in guildID's "general" channel (or in the
// user's DM when guildID is ""). data.id is the id of the registered command
// with that name (guild first, then global), if any.
func (s *Server) Command(guildID, userID, name string, opts ...Opt) *Interaction {
	return s.CommandIn(s.defaultChannel(guildID, userID), userID, name, opts...)
}

// CommandIn is Command in a given channel (guild channel or DM).
func (s *Server) CommandIn(channelID, userID, name string, opts ...Opt) *Interaction {
	return s.invoke(InteractionApplicationCommand, channelID, userID, name, opts)
}

// Autocomplete dispatches an APPLICATION_COMMAND_AUTOCOMPLETE interaction.
// The option marked Focused (else the last one) is the one being typed.
func (s *Server) Autocomplete(guildID, userID, name string, opts ...Opt) *Interaction {
	opts = append([]Opt(nil), opts...)
	if !anyFocused(opts) && !focusLast(opts) {
		s.t.Errorf("fakediscord: Autocomplete(%q) needs at least one option", name)
	}
	return s.invoke(InteractionAutocomplete, s.defaultChannel(guildID, userID), userID, name, opts)
}

func anyFocused(opts []Opt) bool {
	for _, o := range opts {
		if o.Focused || anyFocused(o.Options) {
			return true
		}
	}
	return false
}

func focusLast(opts []Opt) bool {
	if len(opts) == 0 {
		return false
	}
	last := &opts[len(opts)-1]
	if last.Type == 1 || last.Type == 2 {
		last.Options = append([]Opt(nil), last.Options...)
		return focusLast(last.Options)
	}
	last.Focused = true
	return true
}

// Component dispatches a MESSAGE_COMPONENT interaction (componentType 2
// button, 3 string select, 5 user select, 6 role select, 7 mentionable
// select, 8 channel select). The message is the newest one holding a
// component with customID in the guild (or in the user's DM); if there is
// none, a bot message with such a button is made in the default channel.
func (s *Server) Component(guildID, userID, customID string, componentType int, values ...string) *Interaction {
	data := map[string]any{"custom_id": customID, "component_type": componentType}
	if componentType >= 3 && componentType <= 8 && componentType != 4 {
		data["values"] = append([]string{}, values...)
	}
	return s.invokeComponent(InteractionMessageComponent, guildID, userID, customID, data)
}

// ModalSubmit dispatches a MODAL_SUBMIT interaction with one text input per
// field (sorted by custom_id), each in its own action row.
func (s *Server) ModalSubmit(guildID, userID, customID string, fields map[string]string) *Interaction {
	rows := []any{}
	for _, k := range sortedKeys(fields) {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": k, "value": fields[k]}}})
	}
	data := map[string]any{"custom_id": customID, "components": rows}
	s.mu.Lock()
	channelID := s.defaultChannelLocked(guildID, userID)
	s.mu.Unlock()
	return s.dispatchInteraction(InteractionModalSubmit, channelID, userID, data, nil)
}
