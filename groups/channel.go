package groups

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"hearth/domain"
	"hearth/messages"
)

// ChannelSpec describes a group's private channel.
type ChannelSpec struct {
	GuildID         string
	Name            string
	Topic           string
	CategoryID      string // empty: no category
	ModeratorRoleID string // empty: none
	FacilitatorID   string // empty: none
}

func (s *Service) channelSpec(g domain.Group, settings domain.Settings) ChannelSpec {
	name, topic := channelNaming(g, settings)
	return ChannelSpec{
		GuildID:         g.GuildID,
		Name:            name,
		Topic:           topic,
		CategoryID:      settings.CategoryID,
		ModeratorRoleID: settings.ModeratorRoleID,
		FacilitatorID:   g.FacilitatorID,
	}
}

// channelNaming is the name and topic of g's channel: from the group, or
// in discreet mode neutral ("group-" and its number), revealing no subject.
func channelNaming(g domain.Group, settings domain.Settings) (name, topic string) {
	p := messages.ForServer(settings)
	if settings.Discreet {
		return DiscreetName(g), p.ChannelTopicDiscreet()
	}
	return ChannelName(g.Name), p.ChannelTopic(g.Name, g.Description)
}

// DiscreetName is a group channel's neutral name in discreet mode.
func DiscreetName(g domain.Group) string { return "group-" + strconv.FormatInt(g.ID, 10) }

// ChannelName derives a Discord channel name from a group name: lowercase
// letters and digits, other runs turned into single dashes, at most 100
// characters.
func ChannelName(group string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(group) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	name := b.String()
	for utf8.RuneCountInString(name) > domain.MaxNameLen {
		_, size := utf8.DecodeLastRuneInString(name)
		name = strings.TrimRight(name[:len(name)-size], "-")
	}
	if name == "" {
		return "group"
	}
	return name
}

// Orphan reports whether ch looks like the channel a process that died
// mid-create made for g but never recorded: g's channel name and topic (in
// any language), in the server's category, private as Hearth makes them.
func (s *Service) Orphan(ctx context.Context, g domain.Group, name, topic, parentID string) (bool, error) {
	settings, err := s.Store.Settings(ctx, g.GuildID)
	if err != nil {
		return false, err
	}
	if (name != ChannelName(g.Name) && name != DiscreetName(g)) || parentID != settings.CategoryID {
		return false, nil
	}
	for _, l := range messages.Langs() {
		p := messages.For(l)
		if topic == p.ChannelTopic(g.Name, g.Description) || topic == p.ChannelTopicDiscreet() {
			return true, nil
		}
	}
	return false, nil
}
