package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"hearth/internal/fakediscord"
	"hearth/messages"
)

// The crash test's checks of reminders against scheduler/doc.go: none
// posted unrecorded, none twice, none lost that had to go out.

// reminderMessages returns the bot's own posts (not interaction replies) in
// every channel that is or was a group's, by channel.
func (r *crashRig) reminderMessages() map[string][]fakediscord.Message {
	for _, ch := range r.fake.Channels(r.guild) {
		if ch.ID != r.fake.GeneralChannelID {
			r.channels[ch.ID] = true
		}
	}
	out := map[string][]fakediscord.Message{}
	for id := range r.channels {
		for _, m := range r.fake.Messages(id) {
			if m.AuthorID == r.fake.BotUserID && m.InteractionID == "" && !m.Ephemeral && !isSessionPost(m) {
				out[id] = append(out[id], m)
			}
		}
	}
	return out
}

var sessionStamp = regexp.MustCompile(`<t:(\d+):F>`)

// reminderOf tells which reminder of group g a message is: its session,
// from the timestamp, and its lead, from the wording ("starting" for 0m;
// the groups here have at most one other lead).
func reminderOf(g *crashGroup, m fakediscord.Message) (reminderKey, bool) {
	match := sessionStamp.FindStringSubmatch(m.Content)
	if match == nil {
		return reminderKey{}, false
	}
	unix, _ := strconv.ParseInt(match[1], 10, 64)
	session := time.Unix(unix, 0)
	en := messages.For(messages.English)
	for _, lead := range g.leads() {
		if strings.HasPrefix(m.Content, en.Reminder(session, lead, nil)) {
			return reminderKey{group: g.id, session: unix, lead: lead}, true
		}
	}
	return reminderKey{}, false
}

// reminderProblems holds the reminders to scheduler/doc.go: before is read
// before the snapshot s, after after it.
func (r *crashRig) reminderProblems(s crashSnapshot, before, after map[string][]fakediscord.Message) []string {
	var out []string
	// Every reminder posted was recorded first.
	for ch, msgs := range before {
		g := s.byChan[ch]
		for _, m := range msgs {
			if g == nil {
				out = append(out, fmt.Sprintf("bot message %q in channel %s of no group", m.Content, ch))
				continue
			}
			k, ok := reminderOf(g, m)
			if !ok {
				out = append(out, fmt.Sprintf("group %d: bot message %q is no reminder of its", g.id, m.Content))
				continue
			}
			f, ok := s.firings[k]
			if !ok || (f.state != "sending" && f.state != "sent" && f.attemptAt.IsZero()) {
				out = append(out, fmt.Sprintf("%s: posted, but recorded as %v (present: %v)", k, f, ok))
			}
		}
	}
	// None twice: one message per reminder, one per nonce (the fake drops
	// a repeated nonce sent with enforce_nonce, as Discord does).
	posted := map[reminderKey]int{}
	for ch, msgs := range after {
		g := s.byChan[ch]
		nonces := map[string]int{}
		for _, m := range msgs {
			if m.Nonce == "" {
				out = append(out, fmt.Sprintf("channel %s: reminder %q was sent without a nonce", ch, m.Content))
			} else if nonces[m.Nonce]++; nonces[m.Nonce] == 2 {
				out = append(out, fmt.Sprintf("channel %s: two messages with nonce %s: the fake did not de-duplicate", ch, m.Nonce))
			}
			if g == nil {
				continue
			}
			if k, ok := reminderOf(g, m); ok {
				if posted[k]++; posted[k] == 2 {
					out = append(out, fmt.Sprintf("%s: DELIVERED TWICE in channel %s: %q", k, ch, m.Content))
				}
			}
		}
	}
	// Every ending is one the contract allows.
	for k, f := range s.firings {
		g := s.groups[k.group]
		session := time.Unix(k.session, 0)
		switch f.state {
		case "sent":
			if _, kept := r.fake.Channel(g.channel); posted[k] == 0 && (kept || !r.delete) {
				out = append(out, fmt.Sprintf("%s: recorded sent, but no message", k))
			}
		case "skipped":
			// A reminder group always has a member and a channel, so only
			// lateness lets it skip one.
			if g.remindsEveryMinute() && f.doneAt.Add(time.Second).Before(deadline(session, k.lead)) {
				out = append(out, fmt.Sprintf("%s: skipped at %s, before its session began", k, f.doneAt.Format(time.TimeOnly)))
			}
		case "abandoned":
			if f.attemptAt.IsZero() || f.doneAt.Sub(f.attemptAt) < nonceWindow-time.Second {
				out = append(out, fmt.Sprintf("%s: abandoned at %s, but its attempt was at %s (within the nonce window)",
					k, f.doneAt.Format(time.TimeOnly), f.attemptAt.Format(time.TimeOnly)))
			}
		}
	}
	// None lost: every reminder of a reminder group that has fallen due is
	// still ahead of its job, recorded as being sent or sent, or (once too
	// late) was skipped only if hearth was never up long enough to send it.
	for _, g := range s.groups {
		if !g.remindsEveryMinute() {
			continue
		}
		for _, k := range r.dueReminders(g, s.at) {
			session := time.Unix(k.session, 0)
			f, recorded := s.firings[k]
			pending := !recorded
			if at, ok := s.jobs[reminderKey{group: g.id, lead: k.lead}]; !ok || at.After(session) {
				pending = false
			}
			switch {
			case pending:
			case recorded && (f.state == "sending" || f.state == "sent" || f.state == "abandoned"):
			case !r.covered(k.lead, session, time.Now()):
			case !recorded:
				out = append(out, fmt.Sprintf("%s: LOST: due, never recorded, and its job has moved on", k))
			default:
				out = append(out, fmt.Sprintf("%s: not sent (%s) although hearth was up before its session began", k, f.state))
			}
		}
	}
	slices.Sort(out)
	return out
}

// dueReminders lists g's reminders due after it was created and by at:
// one per lead at every minute boundary (its schedule is "* * * * *").
func (r *crashRig) dueReminders(g *crashGroup, at time.Time) []reminderKey {
	var out []reminderKey
	first := g.createdAt.Add(time.Second).Truncate(time.Minute).Add(time.Minute)
	for due := first; !due.After(at); due = due.Add(time.Minute) {
		for _, lead := range g.leads() {
			out = append(out, reminderKey{group: g.id, session: due.Add(lead).Unix(), lead: lead})
		}
	}
	return out
}

// covered reports whether hearth was up and ready for coverMargin in one
// stretch between the reminder's due time and its deadline: then it must
// have gone out. The hearth running now counts as up until openUntil.
func (r *crashRig) covered(lead time.Duration, session, openUntil time.Time) bool {
	from, until := session.Add(-lead), deadline(session, lead)
	for _, sp := range r.spans {
		end := sp.until
		if end.IsZero() {
			end = openUntil
		}
		if end.After(until) {
			end = until
		}
		start := sp.from
		if start.Before(from) {
			start = from
		}
		if end.Sub(start) >= coverMargin {
			return true
		}
	}
	return false
}

// waitRequiredReminders waits until every reminder group's reminder due by
// end that hearth must send is in its channel: those whose window hearth
// was up in for coverMargin, counting the hearth now running as up for the
// whole wait.
func (r *crashRig) waitRequiredReminders(end time.Time) {
	r.t.Helper()
	var missing []string
	for giveUp := time.Now().Add(30 * time.Second); ; {
		missing = missing[:0]
		s := r.snapshot()
		posted := map[reminderKey]bool{}
		for ch, msgs := range r.reminderMessages() {
			if g := s.byChan[ch]; g != nil {
				for _, m := range msgs {
					if k, ok := reminderOf(g, m); ok {
						posted[k] = true
					}
				}
			}
		}
		total := 0
		for _, g := range s.groups {
			if !g.remindsEveryMinute() {
				continue
			}
			for _, k := range r.dueReminders(g, end) {
				if !r.covered(k.lead, time.Unix(k.session, 0), giveUp) {
					continue
				}
				if f := s.firings[k]; f.state == "abandoned" {
					continue // outcome unknown for good: present or not, never twice
				}
				total++
				if !posted[k] {
					missing = append(missing, fmt.Sprintf("%s (recorded as %v)", k, s.firings[k]))
				}
			}
		}
		if len(missing) == 0 {
			r.t.Logf("%d reminders that had to go out did, once; %d channels of no group", total, r.orphanChannels(s))
			return
		}
		if time.Now().After(giveUp) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	slices.Sort(missing)
	for i, m := range missing {
		if i == 20 {
			r.t.Errorf("... and %d more", len(missing)-i)
			break
		}
		r.t.Errorf("reminder LOST: %s", m)
	}
}

// nonceRepeats counts the message posts whose nonce was posted before in
// the same channel: the repeats that Discord (the fake) dropped.
func (r *crashRig) nonceRepeats() int {
	seen := map[string]bool{}
	n := 0
	for _, c := range r.fake.Journal() {
		if c.Method != "POST" || c.Route != "/channels/{channel_id}/messages" {
			continue
		}
		var body struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		if json.Unmarshal(c.Body, &body) != nil || body.Nonce == "" {
			continue
		}
		if !body.EnforceNonce {
			r.t.Errorf("a message with nonce %s was sent without enforce_nonce", body.Nonce)
		}
		key := c.Path + " " + body.Nonce
		if seen[key] {
			n++
		}
		seen[key] = true
	}
	return n
}
