package fakediscord

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Files attached to interaction responses, as discordgo sends them
// (multipart/form-data: payload_json and files[n]), are kept whole on the
// message and the recorded reply, in the callback, a deferred edit and a
// followup.
func TestAttachmentsOnInteractionResponses(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	alice := f.AddMember(f.GuildID, "alice")
	file := func(name, body string) *discordgo.File {
		return &discordgo.File{Name: name, ContentType: "application/json", Reader: strings.NewReader(body)}
	}

	cmd := f.Command(f.GuildID, alice, "mydata")
	di := &discordgo.Interaction{ID: cmd.ID, Token: cmd.Token, AppID: f.AppID}
	if err := dg.InteractionRespond(di, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "yours", Flags: discordgo.MessageFlagsEphemeral,
			Files: []*discordgo.File{file("data.json", `{"version":1}`)}}}); err != nil {
		t.Fatal(err)
	}
	r, err := cmd.Wait(time.Second)
	if err != nil || r.Content != "yours" || !r.Ephemeral || len(r.Files) != 1 {
		t.Fatalf("reply %+v, %v", r, err)
	}
	if a := r.Files[0]; a.Filename != "data.json" || a.ContentType != "application/json" || string(a.Data) != `{"version":1}` || a.ID == "" {
		t.Errorf("file %+v", a)
	}
	msg, err := dg.InteractionResponse(di)
	if err != nil || len(msg.Attachments) != 1 || msg.Attachments[0].Filename != "data.json" || msg.Attachments[0].Size != 13 {
		t.Fatalf("the message's attachments: %+v, %v", msg, err)
	}

	// Deferred, then edited with a file; a followup with two.
	cmd2 := f.Command(f.GuildID, alice, "mydata")
	di2 := &discordgo.Interaction{ID: cmd2.ID, Token: cmd2.Token, AppID: f.AppID}
	if err := dg.InteractionRespond(di2, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}); err != nil {
		t.Fatal(err)
	}
	if _, err := dg.InteractionResponseEdit(di2, &discordgo.WebhookEdit{Content: ptr("late"),
		Files: []*discordgo.File{file("late.json", "[]")}}); err != nil {
		t.Fatal(err)
	}
	if r, err := cmd2.Wait(time.Second); err != nil || len(r.Files) != 1 || string(r.Files[0].Data) != "[]" {
		t.Fatalf("deferred edit %+v, %v", r, err)
	}
	fm, err := dg.FollowupMessageCreate(di2, true, &discordgo.WebhookParams{Content: "two",
		Files: []*discordgo.File{file("a.txt", "a"), file("b.txt", "b")}})
	if err != nil || len(fm.Attachments) != 2 || fm.Attachments[1].Filename != "b.txt" {
		t.Fatalf("followup %+v, %v", fm, err)
	}
	var found int
	for _, m := range f.Messages(f.GeneralChannelID) {
		for _, a := range m.Attachments {
			if bytes.Equal(a.Data, []byte("a")) || bytes.Equal(a.Data, []byte("b")) {
				found++
			}
		}
	}
	if found != 2 {
		t.Errorf("the followup's files on the channel's messages: %d, want 2", found)
	}
}

// A file must have a filename, and a deferred acknowledgement carries none.
func TestAttachmentsRefusedAsDiscordDoes(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t} // the refusals are the point
	f := New(rec)
	dg := newClient(t, f)
	alice := f.AddMember(f.GuildID, "alice")
	cmd := f.Command(f.GuildID, alice, "mydata")
	di := &discordgo.Interaction{ID: cmd.ID, Token: cmd.Token, AppID: f.AppID}
	err := dg.InteractionRespond(di, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Files: []*discordgo.File{{Name: "x.json", Reader: strings.NewReader("{}")}}}})
	if err == nil || len(rec.errors()) != 1 || !strings.Contains(rec.errors()[0], "carry files") {
		t.Fatalf("a deferred acknowledgement with a file: %v, reported %q", err, rec.errors())
	}
	cmd = f.Command(f.GuildID, alice, "mydata")
	di = &discordgo.Interaction{ID: cmd.ID, Token: cmd.Token, AppID: f.AppID}
	err = dg.InteractionRespond(di, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "x", Files: []*discordgo.File{{Name: "", Reader: strings.NewReader("{}")}}}})
	if err == nil || len(rec.errors()) != 2 || !strings.Contains(rec.errors()[1], "filename") {
		t.Fatalf("a file without a name: %v, reported %q", err, rec.errors())
	}
}
