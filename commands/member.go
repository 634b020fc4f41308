package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hearth/messages"
	"hearth/store"
)

// listGroups answers /groups: every live group with its kind, state, seats
// and next session, marking those the caller is in. It names no members.
func (a *App) listGroups(ctx context.Context, in *Interaction) Response {
	l, err := a.Store.ListGroups(ctx, in.GuildID, in.UserID, messages.MaxListed)
	if err != nil {
		return a.failed(in, err)
	}
	if l.Total == 0 {
		return Reply(messages.NoGroups)
	}
	lines := make([]string, 0, len(l.Groups))
	for _, g := range l.Groups {
		next, _ := a.nextSession(g)
		lines = append(lines, messages.GroupLine(g.Name, string(g.Kind), groupState(g), g.SeatsLeft(), next, l.Mine[g.ID]))
	}
	return Reply(messages.GroupList(lines, l.Total))
}

// groupState is the word /groups shows: enrolling, full, locked or open.
func groupState(g store.Group) string {
	switch {
	case g.State == store.StateLocked:
		return "locked"
	case g.SeatsLeft() == 0:
		return "full"
	case g.Kind == store.KindClosed:
		return "enrolling"
	}
	return "open"
}

func (a *App) join(ctx context.Context, in *Interaction) Response {
	name := in.Options.String("group")
	if name == "" {
		return Reply(messages.GroupRequired)
	}
	g, err := a.Store.GroupByName(ctx, in.GuildID, name)
	if errors.Is(err, store.ErrNoGroup) {
		return Reply(messages.UnknownGroup(name))
	}
	if err != nil {
		return a.failed(in, err)
	}
	if g.ChannelID == "" {
		// Its channel is still being made (or repaired at start-up).
		return Reply(messages.NotReady(g.Name))
	}
	defer a.Locks.Lock(g.ID)()
	switch err := a.Store.Join(ctx, g.ID, in.UserID, a.now()); {
	case errors.Is(err, store.ErrAlreadyMember):
		return Reply(messages.AlreadyMember(g.Name, g.ChannelID))
	case errors.Is(err, store.ErrLocked):
		return Reply(messages.Locked(g.Name))
	case errors.Is(err, store.ErrFull):
		return Reply(messages.Full(g.Name))
	case errors.Is(err, store.ErrArchived), errors.Is(err, store.ErrNoGroup):
		return Reply(messages.Archived(g.Name))
	case err != nil:
		return a.failed(in, err)
	}
	if err := a.Discord.AllowMember(ctx, g.ChannelID, in.UserID); err != nil {
		a.Log.Warn("join undone: channel overwrite failed", "group", g.ID, "err", err)
		undo, cancel := undoContext(ctx)
		defer cancel()
		a.undoJoin(undo, g, in.UserID)
		return Reply(messages.DiscordFailed)
	}
	next, _ := a.nextSession(g)
	return Reply(messages.Joined(g.Name, g.ChannelID, next))
}

// undoJoin takes back a join whose overwrite failed. The overwrite may exist
// all the same (a timeout), so it is deleted too, best effort; the grant
// stays until that is confirmed, for reconciliation to finish the job.
func (a *App) undoJoin(ctx context.Context, g store.Group, userID string) {
	if _, err := a.Store.Leave(ctx, g.ID, userID); err != nil {
		a.Log.Error("undo join failed", "group", g.ID, "err", err)
		return
	}
	if err := a.Discord.RemoveMember(ctx, g.ChannelID, userID); err == nil {
		a.dropGrant(ctx, g, userID)
	}
}

func (a *App) dropGrant(ctx context.Context, g store.Group, userID string) {
	if err := a.Store.DropGrant(ctx, g.ID, userID); err != nil {
		a.Log.Warn("dropping a grant failed; reconciliation will retry", "group", g.ID, "err", err)
	}
}

func (a *App) leave(ctx context.Context, in *Interaction) Response {
	name := in.Options.String("group")
	if name == "" {
		return Reply(messages.GroupRequired)
	}
	g, err := a.groupToLeave(ctx, in, name)
	if errors.Is(err, store.ErrNoGroup) {
		return Reply(messages.UnknownGroup(name))
	}
	if err != nil {
		return a.failed(in, err)
	}
	return a.removeFromGroup(ctx, in, g, in.UserID, func() Response {
		switch g.State {
		case store.StateArchived:
			return Reply(messages.LeftArchived(g.Name))
		case store.StateLocked:
			return Reply(messages.LeftLocked(g.Name))
		}
		return Reply(messages.Left(g.Name))
	}, func() Response { return Reply(messages.NotMember(g.Name)) })
}

// groupToLeave resolves /leave's group: the live group of that name if the
// caller is in it, else an archived one they are still in, else the live one
// (so that they hear they are not in it).
func (a *App) groupToLeave(ctx context.Context, in *Interaction, name string) (store.Group, error) {
	live, err := a.Store.GroupByName(ctx, in.GuildID, name)
	if err != nil && !errors.Is(err, store.ErrNoGroup) {
		return live, err
	}
	if err == nil {
		if member, err := a.Store.IsMember(ctx, live.ID, in.UserID); err != nil || member {
			return live, err
		}
	}
	if archived, aerr := a.archivedGroupOf(ctx, in, name); !errors.Is(aerr, store.ErrNoGroup) {
		return archived, aerr
	}
	return live, err
}

// archivedGroupOf finds an archived group called name that the caller is
// still in, so they can leave a read-only channel they no longer want to see,
// even when a new group has taken the name. With deleted archives there is
// no channel left to leave.
func (a *App) archivedGroupOf(ctx context.Context, in *Interaction, name string) (store.Group, error) {
	if a.DeleteOnArchive {
		return store.Group{}, store.ErrNoGroup
	}
	groups, err := a.Store.ArchivedUserGroups(ctx, in.GuildID, in.UserID)
	if err != nil {
		return store.Group{}, err
	}
	for _, g := range groups {
		if store.NameKey(g.Name) == store.NameKey(name) {
			return g, nil
		}
	}
	return store.Group{}, store.ErrNoGroup
}

// removeFromGroup takes userID out of g in the database, then the channel,
// and puts the membership back if the channel change fails. A facilitator
// keeps their own overwrite: they still facilitate the group.
func (a *App) removeFromGroup(ctx context.Context, in *Interaction, g store.Group, userID string,
	done, notMember func() Response) Response {
	defer a.Locks.Lock(g.ID)()
	joinedAt, err := a.Store.Leave(ctx, g.ID, userID)
	switch {
	case errors.Is(err, store.ErrNotMember):
		return notMember()
	case err != nil:
		return a.failed(in, err)
	}
	if g.ChannelID != "" && userID != g.FacilitatorID {
		if err := a.Discord.RemoveMember(ctx, g.ChannelID, userID); err != nil {
			a.Log.Warn("leave undone: channel overwrite failed", "group", g.ID, "err", err)
			undo, cancel := undoContext(ctx)
			defer cancel()
			if uerr := a.Store.Rejoin(undo, g.ID, userID, joinedAt); uerr != nil {
				a.Log.Error("undo leave failed", "group", g.ID, "err", uerr)
			}
			return Reply(messages.DiscordFailed)
		}
		a.dropGrant(ctx, g, userID)
	}
	return done()
}

// suggestJoinable offers the groups the caller can join (active, and not
// theirs), matching what they typed anywhere in the name.
func (a *App) suggestJoinable(ctx context.Context, in *Interaction) Response {
	return a.suggest(ctx, in, store.JoinableGroup)
}

// suggestOwn offers the caller's own groups, for /leave, including archived
// ones whose read-only channel they can still see.
func (a *App) suggestOwn(ctx context.Context, in *Interaction) Response {
	resp := a.suggest(ctx, in, store.OwnGroup)
	if a.DeleteOnArchive || len(resp.Choices) == maxChoices {
		return resp
	}
	archived, err := a.Store.ArchivedUserGroups(ctx, in.GuildID, in.UserID)
	if err != nil {
		return a.failed(in, err)
	}
	typed := store.NameKey(in.Options.String(in.Focused))
	for _, g := range archived {
		if len(resp.Choices) < maxChoices && strings.Contains(store.NameKey(g.Name), typed) {
			resp.Choices = append(resp.Choices, nameChoice(g.Name))
		}
	}
	return resp
}

// maxChoices is Discord's limit on autocomplete suggestions.
const maxChoices = 25

// suggest offers up to 25 groups passing filter whose name contains what
// the caller typed, ignoring case.
func (a *App) suggest(ctx context.Context, in *Interaction, filter store.Filter) Response {
	names, err := a.Store.SearchGroups(ctx, in.GuildID, in.UserID, in.Options.String(in.Focused), filter, maxChoices)
	if err != nil {
		return a.failed(in, err)
	}
	choices := make([]Choice, 0, len(names))
	for _, name := range names {
		choices = append(choices, nameChoice(name))
	}
	return Response{Choices: choices}
}

func nameChoice(name string) Choice { return Choice{Name: choiceName(name), Value: name} }

// choiceName fits a name into Discord's 100-character choice name.
func choiceName(name string) string {
	r := []rune(name)
	if len(r) > 100 {
		return fmt.Sprint(string(r[:99]), "…")
	}
	return name
}
