package groups

import (
	"context"
	"errors"

	"hearth/domain"
	"hearth/messages"
)

// Edit changes a group's name, description, capacity or facilitator: the
// database first, then its channel (name and topic, the facilitators'
// overwrites), undoing the first if Discord refuses the second (ErrDiscord).
// It returns the group as it now is. Refusals are the store's
// (domain.ErrNameTaken, domain.ErrArchived, a capacity below the members).
// A raised capacity offers the seats it frees.
func (s *Service) Edit(ctx context.Context, groupID int64, c domain.GroupChanges) (domain.Group, error) {
	before, after, err := s.edit(ctx, groupID, c)
	if err != nil {
		return before, err
	}
	if after.HasVoice() {
		s.editVoice(ctx, before, after)
		if after.Name != before.Name {
			s.SyncEvents(ctx, after.GuildID) // the event bears the group's name
		}
	}
	if before.Capacity > 0 && after.Capacity > before.Capacity {
		// Outside the group's lock: offering a seat takes it.
		if err := s.SeatsFreed(ctx, groupID); err != nil {
			s.Log.Warn("offering the seats a raised capacity freed failed", "group", groupID, "err", err)
		}
	}
	return after, nil
}

func (s *Service) edit(ctx context.Context, groupID int64, c domain.GroupChanges) (before, after domain.Group, err error) {
	unlock, err := s.Locks.Lock(ctx, groupID)
	if err != nil {
		return before, after, err
	}
	defer unlock()
	before, err = s.Store.UpdateGroup(ctx, groupID, c)
	if err != nil {
		return before, after, err
	}
	after = c.Apply(before)
	undos, err := s.editChannel(ctx, before, after)
	if err == nil {
		return before, after, nil
	}
	s.Log.Warn("edit undone: channel change failed", "group", groupID, "err", err) // or reading what it needed
	uctx, cancel := undoContext(ctx)
	defer cancel()
	if _, uerr := s.Store.UpdateGroup(uctx, groupID, c.Undo(before)); uerr != nil {
		s.Log.Error("undo edit failed", "group", groupID, "err", uerr)
	}
	for i := len(undos) - 1; i >= 0; i-- {
		undos[i](uctx)
	}
	return before, after, err
}

// editChannel makes g's channel follow its edit from before to after: the
// new facilitator's overwrite, the name and topic, then the former
// facilitator's overwrite gone unless they are a member. It returns how to
// undo each step it tried, the failed one included: a call that timed out
// may have taken effect all the same.
func (s *Service) editChannel(ctx context.Context, before, after domain.Group) (undos []func(context.Context), err error) {
	ch := after.ChannelID
	if ch == "" {
		return nil, nil // not made yet: reconciliation makes it from the group as it is
	}
	newFac, oldFac := after.FacilitatorID, before.FacilitatorID
	if newFac != oldFac && newFac != "" {
		undos = append(undos, func(ctx context.Context) { s.takeBackFacilitator(ctx, after, newFac) })
		if err := s.Discord.AllowMember(ctx, ch, newFac); err != nil {
			return undos, errors.Join(ErrDiscord, err)
		}
	}
	settings, err := s.Store.Settings(ctx, after.GuildID)
	if err != nil {
		return undos, err
	}
	// In discreet mode a channel is never renamed after its group: its
	// name and topic would tell the subject.
	if (after.Name != before.Name || after.Description != before.Description) && !settings.Discreet {
		p := messages.ForServer(settings)
		undos = append(undos, func(ctx context.Context) {
			if err := s.Discord.RenameChannel(ctx, ch, ChannelName(before.Name), p.ChannelTopic(before.Name, before.Description)); err != nil {
				s.Log.Error("undo edit: renaming the channel back failed", "group", after.ID, "err", err)
			}
		})
		if err := s.Discord.RenameChannel(ctx, ch, ChannelName(after.Name), p.ChannelTopic(after.Name, after.Description)); err != nil {
			return undos, errors.Join(ErrDiscord, err)
		}
	}
	if newFac != oldFac && oldFac != "" {
		member, err := s.Store.IsMember(ctx, after.ID, oldFac)
		if err != nil || member {
			return undos, err // a member keeps their overwrite
		}
		undos = append(undos, func(ctx context.Context) {
			if err := s.Discord.AllowMember(ctx, ch, oldFac); err != nil {
				s.Log.Error("undo edit: restoring the facilitator's overwrite failed", "group", after.ID, "err", err)
			}
		})
		if err := s.Discord.RemoveMember(ctx, ch, oldFac); err != nil {
			return undos, errors.Join(ErrDiscord, err)
		}
		s.dropGrant(ctx, after, oldFac)
	}
	return undos, nil
}

// takeBackFacilitator removes the overwrite an undone edit gave a new
// facilitator, unless they are a member; what cannot be removed now, the
// sweep removes later (their grant is stray).
func (s *Service) takeBackFacilitator(ctx context.Context, g domain.Group, userID string) {
	if member, err := s.Store.IsMember(ctx, g.ID, userID); err != nil || member {
		return
	}
	if err := s.Discord.RemoveMember(ctx, g.ChannelID, userID); err != nil {
		s.stray()
		return
	}
	s.dropGrant(ctx, g, userID)
}
