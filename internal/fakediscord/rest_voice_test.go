package fakediscord

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// A VOICE event takes a voice channel and no entity_metadata, as the docs
// say; one on a voice channel is seen only by those who can view it; its
// status moves SCHEDULED → ACTIVE → COMPLETED only.
func TestVoiceEvents(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	f := New(rec)
	dg := newClient(t, f)
	member := f.AddMember(f.GuildID, "member")
	outsider := f.AddMember(f.GuildID, "outsider")
	voice := f.AddVoiceChannel(f.GuildID, "room",
		Overwrite{ID: f.GuildID, Type: 0, Deny: PermViewChannel | PermConnect},
		Overwrite{ID: f.BotUserID, Type: 1, Allow: PermViewChannel | PermConnect},
		Overwrite{ID: member, Type: 1, Allow: PermViewChannel | PermConnect | PermSpeak})
	start := time.Now().Add(time.Hour).UTC()
	end := start.Add(time.Hour)
	params := func(ch string) *discordgo.GuildScheduledEventParams {
		return &discordgo.GuildScheduledEventParams{Name: "Circle", ChannelID: ch, ScheduledStartTime: &start,
			ScheduledEndTime: &end, PrivacyLevel: 2, EntityType: discordgo.GuildScheduledEventEntityTypeVoice}
	}
	if _, err := dg.GuildScheduledEventCreate(f.GuildID, params(f.GeneralChannelID)); err == nil {
		t.Error("a VOICE event on a text channel was accepted")
	}
	withMeta := params(voice)
	withMeta.EntityMetadata = &discordgo.GuildScheduledEventEntityMetadata{Location: "somewhere"}
	if _, err := dg.GuildScheduledEventCreate(f.GuildID, withMeta); err == nil {
		t.Error("a VOICE event with entity_metadata was accepted")
	}
	if errs := rec.errors(); len(errs) != 2 || !strings.Contains(errs[0], "type 2") || !strings.Contains(errs[1], "entity_metadata") {
		t.Errorf("recorded %q, want the two docs violations", errs)
	}
	ev, err := dg.GuildScheduledEventCreate(f.GuildID, params(voice))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.EventsVisibleTo(f.GuildID, member); len(got) != 1 || got[0].ID != ev.ID {
		t.Errorf("the member sees %+v", got)
	}
	if got := f.EventsVisibleTo(f.GuildID, outsider); len(got) != 0 {
		t.Errorf("an outsider sees %+v", got)
	}
	if _, err := dg.GuildScheduledEventEdit(f.GuildID, ev.ID, &discordgo.GuildScheduledEventParams{Status: 3}); err == nil {
		t.Error("SCHEDULED → COMPLETED was accepted")
	}
	for _, st := range []discordgo.GuildScheduledEventStatus{2, 3} {
		if _, err := dg.GuildScheduledEventEdit(f.GuildID, ev.ID, &discordgo.GuildScheduledEventParams{Status: st}); err != nil {
			t.Errorf("move to %d: %v", st, err)
		}
	}
	f.DeleteChannel(voice)
	if got := f.ScheduledEvents(f.GuildID); len(got) != 0 {
		t.Errorf("events outlive their channel: %+v", got)
	}
}

// Voice states: joining takes View and Connect; each move is a
// VOICE_STATE_UPDATE; GUILD_CREATE lists who is in voice.
func TestVoiceStates(t *testing.T) {
	t.Parallel()
	f := New(t)
	member := f.AddMember(f.GuildID, "member")
	outsider := f.AddMember(f.GuildID, "outsider")
	voice := f.AddVoiceChannel(f.GuildID, "room",
		Overwrite{ID: f.GuildID, Type: 0, Deny: PermViewChannel | PermConnect},
		Overwrite{ID: member, Type: 1, Allow: PermViewChannel | PermConnect | PermSpeak})
	dg := newClient(t, f)
	dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildVoiceStates
	var states eventSink[*discordgo.VoiceStateUpdate]
	dg.AddHandler(func(_ *discordgo.Session, v *discordgo.VoiceStateUpdate) { states.add(v) })
	var guilds eventSink[*discordgo.GuildCreate]
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds.add(g) })
	if err := f.SetVoice(f.GuildID, member, voice); err != nil {
		t.Fatal(err)
	}
	openClient(t, f, dg)
	eventually(t, "GUILD_CREATE", func() bool { return len(guilds.all()) == 1 })
	if vs := guilds.all()[0].VoiceStates; len(vs) != 1 || vs[0].UserID != member || vs[0].ChannelID != voice {
		t.Errorf("voice_states %+v", vs)
	}
	if err := f.SetVoice(f.GuildID, outsider, voice); err == nil {
		t.Error("an outsider connected")
	}
	if err := f.SetVoice(f.GuildID, member, ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, "VOICE_STATE_UPDATE", func() bool { return len(states.all()) == 1 })
	if v := states.all()[0]; v.UserID != member || v.ChannelID != "" {
		t.Errorf("update %+v, want the member leaving", v.VoiceState)
	}
}
