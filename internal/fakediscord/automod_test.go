package fakediscord

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// AutoMod rules through discordgo's own requests: made, changed and
// deleted as Discord does, behind Manage Server, with Discord's limit of
// six keyword rules.
func TestAutoModRules(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	status := func(err error) int {
		var rest *discordgo.RESTError
		if errors.As(err, &rest) && rest.Response != nil {
			return rest.Response.StatusCode
		}
		return 0
	}
	on := true
	rule := &discordgo.AutoModerationRule{Name: "crisis", EventType: discordgo.AutoModerationEventMessageSend,
		TriggerType:     discordgo.AutoModerationEventTriggerKeyword,
		TriggerMetadata: &discordgo.AutoModerationTriggerMetadata{KeywordFilter: []string{"kill myself", "suicid*"}},
		Actions: []discordgo.AutoModerationAction{{Type: discordgo.AutoModerationRuleActionSendAlertMessage,
			Metadata: &discordgo.AutoModerationActionMetadata{ChannelID: f.GeneralChannelID}}},
		Enabled: &on}
	if _, err := dg.AutoModerationRuleCreate(f.GuildID, rule); status(err) != http.StatusForbidden {
		t.Fatalf("without Manage Server: %v, want 403", err)
	}
	f.SetBotPermissions(f.GuildID, DefaultBotPermissions|PermManageGuild)
	made, err := dg.AutoModerationRuleCreate(f.GuildID, rule)
	if err != nil {
		t.Fatal(err)
	}
	if made.CreatorID != f.BotUserID || made.TriggerMetadata == nil || len(made.TriggerMetadata.KeywordFilter) != 2 ||
		len(made.Actions) != 1 || made.Actions[0].Metadata.ChannelID != f.GeneralChannelID {
		t.Fatalf("made %+v", made)
	}
	off := false
	edit := &discordgo.AutoModerationRule{Enabled: &off,
		TriggerMetadata: &discordgo.AutoModerationTriggerMetadata{KeywordFilter: []string{"end my life"}}}
	if _, err := dg.AutoModerationRuleEdit(f.GuildID, made.ID, edit); err != nil {
		t.Fatal(err)
	}
	got := f.AutoModRules(f.GuildID)
	if len(got) != 1 || got[0].Enabled || !slices.Equal(got[0].Keywords, []string{"end my life"}) ||
		got[0].Actions[0].Type != ActionSendAlert {
		t.Fatalf("after edit: %+v", got)
	}
	bad := *rule
	bad.Actions = []discordgo.AutoModerationAction{{Type: discordgo.AutoModerationRuleActionSendAlertMessage,
		Metadata: &discordgo.AutoModerationActionMetadata{ChannelID: "1"}}}
	if _, err := dg.AutoModerationRuleCreate(f.GuildID, &bad); status(err) != http.StatusBadRequest {
		t.Errorf("an alert to an unknown channel: %v, want 400", err)
	}
	for i := 0; i < 5; i++ {
		f.AddAutoModRule(f.GuildID, "words", TriggerKeyword, "spam")
	}
	_, err = dg.AutoModerationRuleCreate(f.GuildID, rule)
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response.StatusCode != 400 || !strings.Contains(string(rest.ResponseBody), "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED") {
		t.Errorf("a seventh keyword rule: %v, want Discord's limit", err)
	}
	if err := dg.AutoModerationRuleDelete(f.GuildID, made.ID); err != nil {
		t.Fatal(err)
	}
	if err := dg.AutoModerationRuleDelete(f.GuildID, made.ID); status(err) != http.StatusNotFound {
		t.Errorf("deleting twice: %v, want 404", err)
	}
	if n := len(f.AutoModRules(f.GuildID)); n != 5 {
		t.Errorf("%d rules left, want 5", n)
	}
}
