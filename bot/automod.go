package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"hearth/groups"
)

// maxKeywordRules is how many keyword AutoMod rules Discord allows a server.
const maxKeywordRules = 6

// errMaxRulesCode is the form error Discord answers a rule past its limit.
const errMaxRulesCode = "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED"

// PutCrisisRule updates Hearth's crisis-alert rule, or makes it: a keyword
// rule on messages sent whose only action is an alert in r.ChannelID (never
// a block or a timeout: blocking would silence someone in crisis). With
// ruleID "", a keyword rule the bot made before (a crash between making it
// and recording its id) is taken rather than a second one made.
func (b *Bot) PutCrisisRule(ctx context.Context, guildID, ruleID string, r groups.CrisisRule) (string, error) {
	enabled := r.Enabled
	rule := &discordgo.AutoModerationRule{
		Name:            r.Name,
		EventType:       discordgo.AutoModerationEventMessageSend,
		TriggerMetadata: &discordgo.AutoModerationTriggerMetadata{KeywordFilter: r.Keywords},
		Actions: []discordgo.AutoModerationAction{{Type: discordgo.AutoModerationRuleActionSendAlertMessage,
			Metadata: &discordgo.AutoModerationActionMetadata{ChannelID: r.ChannelID}}},
		Enabled: &enabled,
	}
	if ruleID == "" {
		var list []*discordgo.AutoModerationRule
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
			list, err = b.session.AutoModerationRules(guildID, opts...)
			return err
		})
		if err != nil {
			return "", autoModError(err)
		}
		keywordRules := 0
		for _, have := range list {
			if have.TriggerType != discordgo.AutoModerationEventTriggerKeyword {
				continue
			}
			keywordRules++
			if have.CreatorID == b.userID() {
				ruleID = have.ID
			}
		}
		if ruleID == "" && keywordRules >= maxKeywordRules {
			return "", groups.ErrRulesFull
		}
	}
	if ruleID != "" {
		// The trigger type cannot change, so it is not sent.
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
			_, err := b.session.AutoModerationRuleEdit(guildID, ruleID, rule, opts...)
			return err
		})
		if isNotFound(err) {
			return "", errors.Join(groups.ErrRuleGone, err)
		}
		return ruleID, autoModError(err)
	}
	rule.TriggerType = discordgo.AutoModerationEventTriggerKeyword
	var made *discordgo.AutoModerationRule
	err := b.retry(ctx, false, func(opts ...discordgo.RequestOption) (err error) {
		made, err = b.session.AutoModerationRuleCreate(guildID, rule, opts...)
		return err
	})
	if err != nil {
		return "", autoModError(err)
	}
	return made.ID, nil
}

// DeleteCrisisRule deletes Hearth's crisis-alert rule; one already gone is
// fine.
func (b *Bot) DeleteCrisisRule(ctx context.Context, guildID, ruleID string) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		return b.session.AutoModerationRuleDelete(guildID, ruleID, opts...)
	})
	if isNotFound(err) {
		return nil
	}
	return autoModError(err)
}

// autoModError names Discord's refusals the handlers explain: no Manage
// Server permission, or the server's keyword rules at Discord's limit.
func autoModError(err error) error {
	var rest *discordgo.RESTError
	if err == nil || !errors.As(err, &rest) || rest.Response == nil {
		return err
	}
	switch {
	case rest.Response.StatusCode == http.StatusForbidden:
		return errors.Join(groups.ErrNoManageServer, err)
	case rest.Response.StatusCode == http.StatusBadRequest && strings.Contains(string(rest.ResponseBody), errMaxRulesCode):
		return errors.Join(groups.ErrRulesFull, err)
	}
	return err
}
