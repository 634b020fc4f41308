package groups

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakeclock"
	"hearth/internal/grouplock"
	"hearth/store"
)

// failingChannels records the overwrite calls and refuses removing one user's.
type failingChannels struct {
	channels
	calls      []string
	refuseUser string
}

func (f *failingChannels) AllowMember(_ context.Context, ch, user string) error {
	f.calls = append(f.calls, "allow "+user)
	return nil
}

func (f *failingChannels) RemoveMember(_ context.Context, ch, user string) error {
	f.calls = append(f.calls, "remove "+user)
	if user == f.refuseUser {
		return errors.New("refused")
	}
	return nil
}

// Discord refusing to take the former facilitator's overwrite undoes the
// edit: the facilitator in the database, and the new one's overwrite.
func TestEditUndoneWhenTheFormerFacilitatorsOverwriteStays(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	discord := &failingChannels{refuseUser: "bob"}
	svc := &Service{Store: st, Discord: discord, Locks: &grouplock.Locks{},
		Clock: fakeclock.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	g, err := svc.Create(ctx, domain.Group{GuildID: "g1", Name: "Circle", Kind: domain.KindOpen, Timezone: "UTC", FacilitatorID: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	carol := "carol"
	if _, err := svc.Edit(ctx, g.ID, domain.GroupChanges{FacilitatorID: &carol}); !errors.Is(err, ErrDiscord) {
		t.Fatalf("edit: %v, want ErrDiscord", err)
	}
	if want := []string{"allow carol", "remove bob", "allow bob", "remove carol"}; !slices.Equal(discord.calls, want) {
		t.Errorf("calls %v, want %v", discord.calls, want)
	}
	if got, _ := st.Group(ctx, g.ID); got.FacilitatorID != "bob" {
		t.Errorf("facilitator %q after the undo, want bob", got.FacilitatorID)
	}
	if strays, _ := st.StrayGrants(ctx, g.ID); len(strays) != 0 {
		t.Errorf("stray grants %+v after a clean undo", strays)
	}
}
