package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

func crisisOpt(name string, on bool) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: 5, Value: on}
}

// hearthRule is the one AutoMod rule the bot made, checked to alert
// logChannel and nothing else, with keywords.
func (w *world) hearthRule(logChannel string, keywords []string) fakediscord.AutoModRule {
	w.t.Helper()
	var mine []fakediscord.AutoModRule
	for _, r := range w.fake.AutoModRules(w.guild) {
		if r.CreatorID == w.fake.BotUserID {
			mine = append(mine, r)
		}
	}
	if len(mine) != 1 {
		w.t.Fatalf("Hearth has %d AutoMod rules, want 1", len(mine))
	}
	r := mine[0]
	want := []fakediscord.AutoModAction{{Type: fakediscord.ActionSendAlert, ChannelID: logChannel}}
	if r.TriggerType != fakediscord.TriggerKeyword || r.EventType != fakediscord.EventMessageSend || !r.Enabled ||
		!slices.Equal(r.Actions, want) || !slices.Equal(r.Keywords, keywords) || r.Name != en.CrisisRuleName() {
		w.t.Errorf("rule %+v; want an enabled keyword rule whose only action alerts %s, with %d keywords", r, logChannel, len(keywords))
	}
	return r
}

// /setup crisis_alerts:true makes a Discord AutoMod rule that only alerts
// the log channel, with Hearth's English and Spanish phrases; the phrases
// are edited in a form; the alert follows the log channel; a rule deleted
// on Discord is made again, live and at start-up; crisis_alerts:false
// removes it.
func TestCrisisAlertsKeepAnAutoModRule(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	st := w.db()
	w.fake.SetBotPermissions(w.guild, fakediscord.DefaultBotPermissions|fakediscord.PermManageGuild)
	if r := w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true)); r.Content != en.CrisisNeedsLog() {
		t.Errorf("without a log channel: %q", r.Content)
	}
	if n := len(w.fake.AutoModRules(w.guild)); n != 0 {
		t.Fatalf("%d rules made without a log channel", n)
	}
	logChannel := w.withLog()
	defaults := domain.DefaultCrisisWords()
	r := w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true))
	wantReply(t, r, en.SettingsCrisis(domain.Safety{CrisisAlerts: true}, logChannel))
	rule := w.hearthRule(logChannel, defaults)
	if !slices.Contains(defaults, "kill myself") || !slices.Contains(defaults, "quiero morir") {
		t.Errorf("Hearth's lists lack an English or Spanish phrase: %q", defaults)
	}
	for _, k := range defaults {
		if len([]rune(k)) > domain.MaxCrisisPhraseLen {
			t.Errorf("a shipped phrase is too long for Discord: %q", k)
		}
	}

	form := w.do(w.owner(), "setup", crisisOpt("crisis_words", true))
	if form.Type != 9 || !strings.Contains(string(form.Components), "quiero morir") {
		t.Fatalf("/setup crisis_words:true answered %+v, want a form holding the phrases", form)
	}
	submit := func(words string) fakediscord.Reply {
		r, err := w.fake.ModalSubmit(w.guild, w.owner(), form.CustomID, map[string]string{"words": words}).Wait(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := submit("kill myself\n\n  quiero   morir \nKILL MYSELF\n"); r.Content != en.CrisisWordsSaved(2, true) {
		t.Errorf("saving: %q", r.Content)
	}
	w.hearthRule(logChannel, []string{"kill myself", "quiero morir"})
	long := strings.Repeat("a", domain.MaxCrisisPhraseLen+1)
	if r := submit("hurt myself\n" + long); !strings.Contains(r.Content, "60") || !strings.Contains(r.Content, long) {
		t.Errorf("a phrase too long: %q", r.Content)
	}
	if r := submit("***"); !strings.Contains(r.Content, "***") {
		t.Errorf("a phrase of wildcards only: %q", r.Content)
	}
	w.hearthRule(logChannel, []string{"kill myself", "quiero morir"}) // unchanged

	moved := w.privateChannel("mod-log-2")
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: moved})
	rule = w.hearthRule(moved, []string{"kill myself", "quiero morir"})

	// Deleted by hand while Hearth runs: made again, with a note.
	w.fake.DeleteAutoModRule(w.guild, rule.ID)
	eventually(t, "the rule made again", func() bool { return len(w.fake.AutoModRules(w.guild)) == 1 })
	rule = w.hearthRule(moved, []string{"kill myself", "quiero morir"})
	eventually(t, "the note", func() bool {
		return slices.Contains(w.logNotes(moved, 0), en.NoteCrisisRuleRemade())
	})
	// And while Hearth is down.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.DeleteAutoModRule(w.guild, rule.ID)
	w.start()
	again := w.hearthRule(moved, []string{"kill myself", "quiero morir"})
	if sf, _ := st.Safety(context.Background(), w.guild); sf.CrisisRuleID != again.ID || again.ID == rule.ID {
		t.Errorf("stored rule id %q, rule %q (before %q)", sf.CrisisRuleID, again.ID, rule.ID)
	}

	// Back to Hearth's lists with an empty form.
	if r := submit(""); r.Content != en.CrisisWordsSaved(len(defaults), false) {
		t.Errorf("emptying the list: %q", r.Content)
	}
	w.hearthRule(moved, defaults)

	wantReply(t, w.do(w.owner(), "setup", crisisOpt("crisis_alerts", false)), en.SettingsCrisis(domain.Safety{}, moved))
	if rules := w.fake.AutoModRules(w.guild); len(rules) != 0 {
		t.Errorf("rules left after crisis_alerts:false: %+v", rules)
	}
}

// Discord's limit of six keyword rules, and Hearth without Manage Server,
// are explained, and nothing changes.
func TestCrisisAlertsRefusedKindly(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.withLog()
	if r := w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true)); r.Content != en.CrisisNoPermission() {
		t.Errorf("without Manage Server: %q", r.Content)
	}
	w.fake.SetBotPermissions(w.guild, fakediscord.DefaultBotPermissions|fakediscord.PermManageGuild)
	for range 6 {
		w.fake.AddAutoModRule(w.guild, "words", fakediscord.TriggerKeyword, "spam")
	}
	w.fake.SetUserLocale(w.owner(), "es-ES")
	if r := w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true)); r.Content != es.CrisisRulesFull() {
		t.Errorf("a full server: %q", r.Content)
	}
	if n := len(w.fake.AutoModRules(w.guild)); n != 6 {
		t.Errorf("%d rules, want the server's 6", n)
	}
	if sf, _ := st.Safety(context.Background(), w.guild); sf.CrisisAlerts || sf.CrisisRuleID != "" {
		t.Errorf("crisis alerts recorded on: %+v", sf)
	}
}
