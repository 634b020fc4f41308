package commands

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"hearth/domain"
	"hearth/groups"
	"hearth/metrics"
)

// Discord permission bits Hearth checks.
const (
	PermAdministrator  int64 = 1 << 3
	PermManageChannels int64 = 1 << 4
	PermManageGuild    int64 = 1 << 5
)

// Store is what the handlers read and write directly; changes that span
// Discord go through the groups service.
type Store interface {
	Settings(ctx context.Context, guildID string) (domain.Settings, error)
	SaveSettings(ctx context.Context, st domain.Settings) error
	Safety(ctx context.Context, guildID string) (domain.Safety, error)
	SaveSafety(ctx context.Context, sf domain.Safety) error
	GroupByName(ctx context.Context, guildID, name string) (domain.Group, error)
	Group(ctx context.Context, id int64) (domain.Group, error)
	IsMember(ctx context.Context, groupID int64, userID string) (bool, error)
	SetGuidelines(ctx context.Context, groupID int64, text string) (int, error)
	AddWaiting(ctx context.Context, groupID int64, userID string, list domain.List, now time.Time) (int, error)
	RemoveWaiting(ctx context.Context, groupID int64, userID string, list domain.List) (bool, error)
	Waiting(ctx context.Context, groupID int64, list domain.List) ([]string, error)
	MoveInterest(ctx context.Context, from, to int64) ([]string, error)
	Offer(ctx context.Context, id int64) (domain.Offer, error)
	SetUserLocale(ctx context.Context, userID, locale string) error
	Members(ctx context.Context, groupID int64) ([]string, error)
	ArchivedUserGroups(ctx context.Context, guildID, userID string) ([]domain.Group, error)
	ListGroups(ctx context.Context, guildID, userID string, limit int) (domain.Listing, error)
	VoiceIntervals(ctx context.Context, groupID int64, from, to time.Time) ([]domain.VoiceInterval, error)
	SessionMarks(ctx context.Context, groupID int64, from, to time.Time) ([]domain.SessionMark, error)
	MarkedSessions(ctx context.Context, groupID int64, limit int) ([]time.Time, error)
	SearchGroups(ctx context.Context, guildID, userID, typed string, filter domain.Filter, limit int, now time.Time) ([]string, error)
	// Sessions: check-in, reminder choice, talking rounds.
	SessionDuration(ctx context.Context, groupID int64) (time.Duration, error)
	MarkSession(ctx context.Context, groupID int64, sessionAt time.Time, userID string, mark domain.Mark, now time.Time) (domain.Mark, error)
	SetReminderMode(ctx context.Context, guildID, userID string, groupID int64, mode domain.ReminderMode) error
	TakeDMNotice(ctx context.Context, userID string) (string, bool, error)
	PresentMembers(ctx context.Context, groupID int64, now time.Time) ([]string, error)
	StartRound(ctx context.Context, groupID int64, channelID string, users []string, now time.Time) (domain.Round, error)
	SetRoundMessage(ctx context.Context, id int64, messageID string) error
	DropRound(ctx context.Context, id int64) error
	Round(ctx context.Context, id int64) (domain.Round, error)
	AdvanceRound(ctx context.Context, id int64, position int, outcome string, now time.Time) (domain.Round, error)
	AddToRound(ctx context.Context, groupID int64, userID string) (domain.Round, error)
}

// Permissions tells a member's server-wide permissions. Moderator checks use
// them, not the interaction's, which include the overwrites of the channel
// the command was typed in. When they cannot be known, it answers none: the
// checks fail closed.
type Permissions interface {
	ServerPermissions(ctx context.Context, in *Interaction) (int64, error)
	// LogExposure says who, besides the moderator role, administrators and
	// the bot, can read a channel ("" = nobody).
	LogExposure(ctx context.Context, guildID, channelID, moderatorRoleID string) (domain.Exposure, error)
}

// App holds what the handlers share.
type App struct {
	Store           Store
	Groups          *groups.Service
	Perms           Permissions
	Clock           domain.Clock
	Log             *slog.Logger
	DefaultTimezone string        // for servers that set none
	DeleteOnArchive bool          // groups.on_archive = "delete"
	DeferAfter      time.Duration // how long a reply may take before it is deferred
	Key             []byte        // signs the custom ids of buttons and modals

	locales sync.Map // user id → the locale last recorded for them
	asks    supportAsks

	// Metrics counts interactions by route and outcome; nil counts nothing.
	Metrics *metrics.Metrics
}

// Router returns the router serving every Hearth interaction. The table
// says who may use each route: everyone in a server, moderators (Manage
// Channels, Administrator or the moderator role), a group's managers (its
// moderators and its facilitator; the handler receives the group already
// authorised), or Manage Server.
func (a *App) Router() *Router {
	deferAfter := a.DeferAfter
	if deferAfter == 0 {
		deferAfter = 1500 * time.Millisecond
	}
	unknown := func(ctx context.Context, in *Interaction) (Response, error) {
		setOutcome(ctx, OutcomeUnknown)
		if in.Type == TypeAutocomplete {
			return Response{}, nil
		}
		return Reply(Printer(in).UnknownCmd()), nil
	}
	r := NewRouter(unknown, Observe(a.Metrics), Deadline(deferAfter, a.Log), Errors(a.Log), Recover, RequireUser, a.rememberLocale, GuildOnly, a.tellDMClosed)

	r.Handle("groups", a.listGroups)
	r.Handle("join", a.join)
	r.Handle("leave", a.leave)
	r.HandleAutocomplete("join", a.suggestJoinable)
	r.HandleAutocomplete("leave", a.suggestOwn)

	r.Handle("group create", a.createGroup, a.moderators)
	r.Handle("group start", a.managed(a.startGroup))
	r.Handle("group schedule", a.managed(a.scheduleGroup))
	r.Handle("group info", a.managed(a.groupInfo))
	r.Handle("group members", a.managed(a.groupMembers))
	r.Handle("group remove", a.managed(a.removeMember))
	r.Handle("group archive", a.managed(a.archiveGroup))
	r.Handle("group guidelines", a.managed(a.editGuidelines))
	r.Handle("group edit", a.managed(a.editGroup))
	r.Handle("group attendance", a.managed(a.attendance))
	r.HandleModal(guidelinesID, a.saveGuidelines) // checks again that the caller manages the group
	r.HandleComponent(agreeID, a.agree)
	r.HandleComponent(cancelJoinID, a.cancelJoin)
	r.HandleComponent(waitlistID, a.joinWaitlist)
	r.HandleComponent(interestID, a.joinInterest)
	r.HandleComponent(groups.TakeSeatID, a.takeSeat)       // in a direct message
	r.HandleComponent(groups.DeclineSeatID, a.declineSeat) // in a direct message
	r.HandleComponent(groups.JoinCohortID, a.joinCohort)   // in a direct message
	r.Handle("group waitlist", a.managed(a.showWaitlist))
	r.Handle("group next", a.managed(a.nextCohort), a.moderators)
	r.Handle("group round", a.managed(a.startRound))
	r.HandleComponent(groups.RoundID, a.roundTurn) // on the round's post in the group's channel
	r.HandleComponent(groups.CheckInID, a.checkIn) // on the session post
	r.HandleComponent(groups.ExcuseID, a.excuse)   // on the session post and reminders (also by direct message)
	r.Handle("reminders", a.setReminders)
	r.HandleAutocomplete("reminders", a.suggestMine)
	for _, sub := range []string{"start", "schedule", "info", "members", "remove", "archive", "guidelines", "waitlist", "next", "edit", "attendance", "round"} {
		r.HandleAutocomplete("group "+sub, a.suggestManaged)
	}

	r.Handle("setup", a.setup, a.serverManagers)
	r.HandleModal(supportFormID, a.saveSupport, a.serverManagers)
	r.HandleModal(crisisFormID, a.saveCrisisWords, a.serverManagers)
	r.Handle("support", a.support) // for anyone, in a server or a direct message
	r.AllowDM("support")
	r.HandleComponent(askModeratorID, a.askModerator)
	a.privacyRoutes(r)
	return r
}

func (a *App) now() time.Time { return a.Clock.Now() }

// rememberLocale records the caller's locale when it changed, so that a
// direct message to them (a seat offer) is in their language.
func (a *App) rememberLocale(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		if in.Locale != "" {
			if seen, ok := a.locales.Load(in.UserID); !ok || seen != in.Locale {
				if err := a.Store.SetUserLocale(ctx, in.UserID, in.Locale); err != nil {
					a.Log.Warn("recording a locale failed", "err", err)
				} else {
					a.locales.Store(in.UserID, in.Locale)
				}
			}
		}
		return next(ctx, in)
	}
}

// isModerator checks on the server what the client's default_member_permissions
// only suggests: Manage Channels, Administrator, or the server's moderator role.
func (a *App) isModerator(ctx context.Context, in *Interaction) (bool, error) {
	perms, err := a.Perms.ServerPermissions(ctx, in)
	if err != nil {
		return false, err
	}
	if perms&(PermManageChannels|PermAdministrator) != 0 {
		return true, nil
	}
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return false, err
	}
	return st.ModeratorRoleID != "" && slices.Contains(in.RoleIDs, st.ModeratorRoleID), nil
}

// moderators lets only moderators through.
func (a *App) moderators(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		ok, err := a.isModerator(ctx, in)
		if err != nil {
			return Response{}, err
		}
		if !ok {
			setOutcome(ctx, OutcomeRefused)
			return Reply(Printer(in).NotModerator()), nil
		}
		return next(ctx, in)
	}
}

// serverManagers lets only people with Manage Server (or Administrator)
// through.
func (a *App) serverManagers(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		perms, err := a.Perms.ServerPermissions(ctx, in)
		if err != nil {
			return Response{}, err
		}
		if perms&(PermManageGuild|PermAdministrator) == 0 {
			setOutcome(ctx, OutcomeRefused)
			return Reply(Printer(in).NeedManage()), nil
		}
		return next(ctx, in)
	}
}

// manages reports whether the caller may manage g: a moderator, or g's
// facilitator.
func (a *App) manages(ctx context.Context, in *Interaction, g domain.Group) (bool, error) {
	if g.FacilitatorID != "" && g.FacilitatorID == in.UserID {
		return true, nil
	}
	return a.isModerator(ctx, in)
}

// GroupHandler answers an interaction about a group its caller may manage.
type GroupHandler func(ctx context.Context, in *Interaction, g domain.Group) (Response, error)

// managed resolves the group: option of a /group sub-command, for a
// moderator or that group's facilitator, and hands it to h. Anyone else
// learns nothing, not even whether the group exists.
func (a *App) managed(h GroupHandler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		p := Printer(in)
		mod, err := a.isModerator(ctx, in)
		if err != nil {
			return Response{}, err
		}
		name := in.Options.String("group")
		if name == "" {
			return Response{}, domain.Input("group", domain.ProblemRequired)
		}
		g, err := a.Store.GroupByName(ctx, in.GuildID, name)
		switch {
		case errors.Is(err, domain.ErrNoGroup) && mod:
			return Reply(p.UnknownGroup(name)), nil
		case err != nil && !errors.Is(err, domain.ErrNoGroup):
			return Response{}, err
		case mod:
			return h(ctx, in, g)
		case err == nil && g.FacilitatorID != "" && g.FacilitatorID == in.UserID:
			return h(ctx, in, g)
		}
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.NotModerator()), nil
	}
}
