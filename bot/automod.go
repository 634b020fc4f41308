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
		Name:      r.Name,
		EventType: discordgo.AutoModerationEventMessageSend,
		// Sent whole, so that regexes or an allow list added by hand go.
		TriggerMetadata: &discordgo.AutoModerationTriggerMetadata{KeywordFilter: r.Keywords, AllowList: &[]string{}},
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

// onRuleUpdate puts Hearth's crisis-alert rule back in step when someone
// changes it on Discord (a block action added, phrases or the alert
// channel changed, the rule turned off).
func (b *Bot) onRuleUpdate(_ *discordgo.Session, e *discordgo.AutoModerationRuleUpdate) {
	if e == nil || e.AutoModerationRule == nil || e.GuildID == "" || !b.enter() {
		return
	}
	defer b.wg.Done()
	ctx, cancel := context.WithTimeout(b.ctx, reconcileGroupTimeout)
	defer cancel()
	if err := b.groups.CrisisRuleChanged(ctx, e.GuildID, seenRule(e.AutoModerationRule)); err != nil {
		b.log.Warn("putting the crisis-alert rule back failed; start-up will retry", "guild", e.GuildID, "err", err)
	}
}

// seenRule reads what Hearth compares of a rule Discord reports.
func seenRule(r *discordgo.AutoModerationRule) groups.SeenRule {
	seen := groups.SeenRule{ID: r.ID, Name: r.Name, MessageSend: r.EventType == discordgo.AutoModerationEventMessageSend,
		Enabled: r.Enabled != nil && *r.Enabled}
	if m := r.TriggerMetadata; m != nil {
		seen.Keywords, seen.Regexes = m.KeywordFilter, m.RegexPatterns
		if m.AllowList != nil {
			seen.AllowList = *m.AllowList
		}
	}
	for _, a := range r.Actions {
		if a.Type == discordgo.AutoModerationRuleActionSendAlertMessage && a.Metadata != nil {
			seen.AlertChannels = append(seen.AlertChannels, a.Metadata.ChannelID)
			continue
		}
		seen.OtherActions++
	}
	return seen
}
