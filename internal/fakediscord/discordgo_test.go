package fakediscord

import (
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestDiscordgoBodiesPassTheSpec drives the routes a group bot uses through
// discordgo's own request builders; any body the spec rejects fails here.
func TestDiscordgoBodiesPassTheSpec(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	perm := int64(discordgo.PermissionManageMessages)
	cmds, err := dg.ApplicationCommandBulkOverwrite(f.AppID, f.GuildID, []*discordgo.ApplicationCommand{
		{Name: "group", Description: "Manage groups", DefaultMemberPermissions: &perm, Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "create", Description: "Create", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "Name", Required: true, Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionUser, Name: "lead", Description: "Lead"},
			}},
		}},
		{Name: "Report", Type: discordgo.UserApplicationCommand},
	})
	must(err)
	if len(cmds) != 2 || cmds[0].ID == "" || len(f.RegisteredCommands(f.GuildID)) != 2 {
		t.Fatalf("commands = %+v", cmds)
	}
	_, err = dg.ApplicationCommandBulkOverwrite(f.AppID, "", []*discordgo.ApplicationCommand{{Name: "help", Description: "Help"}})
	must(err)

	role, err := dg.GuildRoleCreate(f.GuildID, &discordgo.RoleParams{Name: "group-a", Permissions: ptr(int64(0)), Mentionable: ptr(true)})
	must(err)
	_, err = dg.GuildRoleEdit(f.GuildID, role.ID, &discordgo.RoleParams{Name: "group-a2"})
	must(err)
	alice := f.AddMember(f.GuildID, "alice")
	must(dg.GuildMemberRoleAdd(f.GuildID, alice, role.ID))
	mem, err := dg.GuildMember(f.GuildID, alice)
	must(err)
	if len(mem.Roles) != 1 || mem.Roles[0] != role.ID {
		t.Errorf("member roles = %v", mem.Roles)
	}

	cat, err := dg.GuildChannelCreateComplex(f.GuildID, discordgo.GuildChannelCreateData{Name: "Groups", Type: discordgo.ChannelTypeGuildCategory})
	must(err)
	ch, err := dg.GuildChannelCreateComplex(f.GuildID, discordgo.GuildChannelCreateData{
		Name: "group-a", Type: discordgo.ChannelTypeGuildText, Topic: "A group", ParentID: cat.ID,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: f.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			{ID: role.ID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel},
			// Without this the bot would lose access to its own channel.
			{ID: f.BotUserID, Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages},
		},
	})
	must(err)
	if got, _ := f.Channel(ch.ID); len(got.Overwrites) != 3 || got.ParentID != cat.ID {
		t.Errorf("channel = %+v", got)
	}
	bob := f.AddMember(f.GuildID, "bob")
	if f.ChannelPermissions(ch.ID, bob)&PermViewChannel != 0 || f.ChannelPermissions(ch.ID, alice)&PermViewChannel == 0 {
		t.Error("private channel permissions are wrong")
	}
	must(dg.ChannelPermissionSet(ch.ID, bob, discordgo.PermissionOverwriteTypeMember, discordgo.PermissionViewChannel, 0))
	must(dg.ChannelPermissionDelete(ch.ID, bob))
	_, err = dg.ChannelEdit(ch.ID, &discordgo.ChannelEdit{Name: "group-a-renamed", Topic: "new topic"})
	must(err)
	_, err = dg.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{
		Content:         "welcome <@" + alice + "> and <@" + bob + ">",
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{alice}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Join", Style: discordgo.PrimaryButton, CustomID: "join"}}}},
	})
	must(err)
	msgs, err := dg.ChannelMessages(ch.ID, 10, "", "", "")
	must(err)
	if len(msgs) != 1 {
		t.Fatalf("messages = %d", len(msgs))
	}
	if got := f.Messages(ch.ID); len(got[0].Mentions) != 1 || got[0].Mentions[0] != alice {
		t.Errorf("mentions = %v, want only alice", got[0].Mentions)
	}
	_, err = dg.ChannelMessageEdit(ch.ID, msgs[0].ID, "edited")
	must(err)

	dm, err := dg.UserChannelCreate(alice)
	must(err)
	_, err = dg.ChannelMessageSend(dm.ID, "hello in DM")
	must(err)

	start := time.Now().Add(time.Hour)
	end := start.Add(time.Hour)
	ev, err := dg.GuildScheduledEventCreate(f.GuildID, &discordgo.GuildScheduledEventParams{
		Name: "Weekly meeting", ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly, EntityType: discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "Room 1"},
	})
	must(err)
	_, err = dg.GuildScheduledEventEdit(f.GuildID, ev.ID, &discordgo.GuildScheduledEventParams{Description: "Bring tea"})
	must(err)
	evs, err := dg.GuildScheduledEvents(f.GuildID, false)
	must(err)
	if len(evs) != 1 || f.ScheduledEvents(f.GuildID)[0].Location != "Room 1" {
		t.Errorf("events = %+v", f.ScheduledEvents(f.GuildID))
	}
	must(dg.GuildScheduledEventDelete(f.GuildID, ev.ID))

	// Interaction responses of every kind a bot sends.
	respond := func(in *Interaction, resp *discordgo.InteractionResponse) *discordgo.Interaction {
		t.Helper()
		di := &discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: f.AppID}
		must(dg.InteractionRespond(di, resp))
		return di
	}
	ac := f.Autocomplete(f.GuildID, alice, "group", Opt{Name: "create", Type: 1, Options: []Opt{{Name: "name", Type: 3, Value: "gr"}}})
	respond(ac, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "group-a", Value: "group-a"}}}})
	if r, err := ac.Wait(time.Second); err != nil || len(r.Choices) != 1 || r.Choices[0].Value != "group-a" {
		t.Errorf("autocomplete = %+v, %v", r, err)
	}
	cmd := f.Command(f.GuildID, alice, "group", Opt{Name: "create", Type: 1, Options: []Opt{{Name: "name", Type: 3, Value: "x"}}})
	respond(cmd, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "create-modal", Title: "New group", Components: []discordgo.MessageComponent{discordgo.ActionsRow{
			Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "name", Label: "Name", Style: discordgo.TextInputShort}}}}}})
	if r, _ := cmd.Wait(time.Second); r.Type != 9 || r.CustomID != "create-modal" {
		t.Errorf("modal = %+v", r)
	}
	ms := f.ModalSubmit(f.GuildID, alice, "create-modal", map[string]string{"name": "group-b"})
	di := respond(ms, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}})
	_, err = dg.InteractionResponseEdit(di, &discordgo.WebhookEdit{Content: ptr("created"), AllowedMentions: &discordgo.MessageAllowedMentions{}})
	must(err)
	if r, err := ms.Wait(time.Second); err != nil || !r.Deferred || !r.Ephemeral || r.Content != "created" {
		t.Errorf("deferred = %+v, %v", r, err)
	}
	fm, err := dg.FollowupMessageCreate(di, true, &discordgo.WebhookParams{Content: "and more", Flags: discordgo.MessageFlagsEphemeral})
	must(err)
	_, err = dg.FollowupMessageEdit(di, fm.ID, &discordgo.WebhookEdit{Content: ptr("and more!")})
	must(err)
	must(dg.FollowupMessageDelete(di, fm.ID))
	must(dg.InteractionResponseDelete(di))

	must(dg.GuildMemberRoleRemove(f.GuildID, alice, role.ID))
	must(dg.GuildRoleDelete(f.GuildID, role.ID))
	_, err = dg.ChannelDelete(ch.ID)
	must(err)
	if _, ok := f.Channel(ch.ID); ok {
		t.Error("channel still there")
	}
}

func TestMissingPermissions(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	f.SetBotPermissions(f.GuildID, PermViewChannel|PermSendMessages)
	wantCode := func(err error, code int) {
		t.Helper()
		var rerr *discordgo.RESTError
		if !errors.As(err, &rerr) || rerr.Message == nil || rerr.Message.Code != code {
			t.Errorf("err = %v, want code %d", err, code)
		}
	}
	_, err := dg.GuildChannelCreate(f.GuildID, "nope", discordgo.ChannelTypeGuildText)
	wantCode(err, 50013)
	_, err = dg.GuildRoleCreate(f.GuildID, &discordgo.RoleParams{Name: "nope"})
	wantCode(err, 50013)
	wantCode(dg.ChannelPermissionSet(f.GeneralChannelID, f.GuildID, discordgo.PermissionOverwriteTypeRole, 0, discordgo.PermissionViewChannel), 50013)
	_, err = dg.Channel("1")
	wantCode(err, 10003)
}
