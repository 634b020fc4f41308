package groups

import (
	"context"
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
	return ChannelSpec{
		GuildID:         g.GuildID,
		Name:            ChannelName(g.Name),
		Topic:           messages.ForServer(settings).ChannelTopic(g.Name, g.Description),
		CategoryID:      settings.CategoryID,
		ModeratorRoleID: settings.ModeratorRoleID,
		FacilitatorID:   g.FacilitatorID,
	}
}

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
	if name != ChannelName(g.Name) || parentID != settings.CategoryID {
		return false, nil
	}
	for _, l := range messages.Langs() {
		if topic == messages.For(l).ChannelTopic(g.Name, g.Description) {
			return true, nil
		}
	}
	return false, nil
}
