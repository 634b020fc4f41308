package commands

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"hearth/messages"
	"hearth/store"
)

// Discord permission bits Hearth checks.
const (
	PermAdministrator  int64 = 1 << 3
	PermManageChannels int64 = 1 << 4
	PermManageGuild    int64 = 1 << 5
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

// Discord is the few Discord calls the commands need. The bot implements it,
// retrying transient failures, so an error here means the change did not
// happen and the caller must undo its own.
type Discord interface {
	CreateGroupChannel(ctx context.Context, spec ChannelSpec) (channelID string, err error)
	AllowMember(ctx context.Context, channelID, userID string) error
	RemoveMember(ctx context.Context, channelID, userID string) error
	// ArchiveChannel makes the channel read-only for memberIDs, or deletes it.
	ArchiveChannel(ctx context.Context, channelID string, memberIDs []string, deleteChannel bool) error
	// SetRoleAccess allows a role the member bits on a channel, or removes
	// its overwrite.
	SetRoleAccess(ctx context.Context, channelID, roleID string, allow bool) error
	// SendMessage posts in a channel, pinging exactly mentionIDs; nonce, when
	// set, lets Discord drop a repeat.
	SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error
}

// Scheduler owns session times. It is told when a group's schedule or state
// changes, so that its reminders, lock and completion follow, and it knows
// which sessions will be held (none before a closed group's start or after
// its last session).
type Scheduler interface {
	Reschedule(ctx context.Context, groupID int64) error
	UpcomingSessions(g store.Group, after time.Time, n int) []time.Time
	SessionsHeld(g store.Group, now time.Time) int
	StartedAt(g store.Group, now time.Time) time.Time
}

// App holds what the handlers share.
type App struct {
	Store           *store.Store
	Discord         Discord
	Scheduler       Scheduler
	DefaultTimezone string // for servers that set none
	DeleteOnArchive bool   // groups.on_archive = "delete"
	Now             func() time.Time
	Log             *slog.Logger
	// Locks serialise each group's database-and-Discord work; the bot's
	// reconciliation shares them.
	Locks *GroupLocks
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Router returns the router serving every Hearth command.
func (a *App) Router() *Router {
	r := NewRouter(Recover(a.Log), GuildOnly)
	r.Handle("groups", a.listGroups)
	r.Handle("join", a.join)
	r.Handle("leave", a.leave)
	r.Handle("group create", a.createGroup, a.moderatorsOnly)
	r.Handle("group start", a.startGroup)
	r.Handle("group schedule", a.scheduleGroup)
	r.Handle("group info", a.groupInfo)
	r.Handle("group members", a.groupMembers)
	r.Handle("group remove", a.removeMember)
	r.Handle("group archive", a.archiveGroup)
	r.Handle("setup", a.setup)
	r.HandleAutocomplete("join", a.suggestJoinable)
	r.HandleAutocomplete("leave", a.suggestOwn)
	for _, sub := range []string{"start", "schedule", "info", "members", "remove", "archive"} {
		r.HandleAutocomplete("group "+sub, a.suggestManaged)
	}
	return r
}

// isModerator checks on the server what the client's default_member_permissions
// only suggests: Manage Channels, Administrator, or the server's moderator role.
func (a *App) isModerator(ctx context.Context, in *Interaction) (bool, error) {
	if in.Permissions&(PermManageChannels|PermAdministrator) != 0 {
		return true, nil
	}
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return false, err
	}
	return st.ModeratorRoleID != "" && slices.Contains(in.RoleIDs, st.ModeratorRoleID), nil
}

func (a *App) moderatorsOnly(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) Response {
		ok, err := a.isModerator(ctx, in)
		if err != nil {
			return a.failed(in, err)
		}
		if !ok {
			if in.Type == TypeAutocomplete {
				return Response{}
			}
			return Reply(messages.NotModerator)
		}
		return next(ctx, in)
	}
}

// managedGroup resolves the group: option of a /group sub-command, for a
// moderator or that group's facilitator. Anyone else learns nothing, not even
// whether the group exists.
func (a *App) managedGroup(ctx context.Context, in *Interaction) (store.Group, *Response) {
	mod, err := a.isModerator(ctx, in)
	if err != nil {
		r := a.failed(in, err)
		return store.Group{}, &r
	}
	name := in.Options.String("group")
	if name == "" {
		r := Reply(messages.GroupRequired)
		return store.Group{}, &r
	}
	g, err := a.Store.GroupByName(ctx, in.GuildID, name)
	switch {
	case errors.Is(err, store.ErrNoGroup) && mod:
		r := Reply(messages.UnknownGroup(name))
		return store.Group{}, &r
	case err != nil && !errors.Is(err, store.ErrNoGroup):
		r := a.failed(in, err)
		return store.Group{}, &r
	case mod:
		return g, nil
	case err == nil && g.FacilitatorID != "" && g.FacilitatorID == in.UserID:
		return g, nil
	}
	r := Reply(messages.NotModerator)
	return store.Group{}, &r
}

// undoTimeout bounds an undo: it runs even when the request was cancelled,
// but must not hold the group's lock for long; start-up reconciliation
// finishes what it could not.
const undoTimeout = 30 * time.Second

func undoContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
}

// failed logs an unexpected error and apologises.
func (a *App) failed(in *Interaction, err error) Response {
	a.Log.Error("command failed", "route", in.Route(), "guild", in.GuildID, "err", err)
	return Reply(messages.Apology)
}

// note posts a line about a group's life (created, started, archived) in
// the server's log channel, if it has one. It never names members.
func (a *App) note(ctx context.Context, guildID, content string) {
	st, err := a.Store.Settings(ctx, guildID)
	if err != nil || st.LogChannelID == "" {
		return
	}
	if err := a.Discord.SendMessage(ctx, st.LogChannelID, content, nil, ""); err != nil {
		a.Log.Warn("log channel note failed", "guild", guildID, "err", err)
	}
}

func (a *App) reschedule(ctx context.Context, groupID int64) {
	if a.Scheduler == nil {
		return
	}
	if err := a.Scheduler.Reschedule(ctx, groupID); err != nil {
		a.Log.Error("reschedule failed", "group", groupID, "err", err)
	}
}
