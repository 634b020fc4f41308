package groups

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakeclock"
	"hearth/internal/grouplock"
	"hearth/store"
)

// channels records which channel each member overwrite was removed from.
type channels struct {
	mu      sync.Mutex
	removed []string // channel/user
}

func (c *channels) CreateGroupChannel(context.Context, ChannelSpec) (string, error) { return "c1", nil }
func (c *channels) AllowMember(context.Context, string, string) error               { return nil }
func (c *channels) RemoveMember(_ context.Context, ch, user string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removed = append(c.removed, ch+"/"+user)
	return nil
}
func (c *channels) ArchiveChannel(context.Context, string, []string, bool) error { return nil }
func (c *channels) SetRoleAccess(context.Context, string, string, bool) error    { return nil }
func (c *channels) SendMessage(context.Context, string, string, []string, string) error {
	return nil
}
func (c *channels) SendDM(context.Context, string, string, []Button, string) error { return nil }
func (c *channels) RenameChannel(context.Context, string, string, string) error    { return nil }
func (c *channels) PostMessage(context.Context, string, string, []Button) (string, error) {
	return "", nil
}
func (c *channels) EditMessage(context.Context, string, string, string, []Button) error { return nil }

// A leave that waited for the group's lock while reconciliation remade the
// group's channel removes access on the new channel, not the old one
// (issue 10, defect 3): the group is read under the lock.
func TestRemoveReadsTheGroupUnderItsLock(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := fakeclock.New(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	discord := &channels{}
	locks := &grouplock.Locks{}
	svc := &Service{Store: st, Discord: discord, Locks: locks, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	g, err := svc.Create(ctx, domain.Group{GuildID: "g1", Name: "Circle", Kind: domain.KindOpen, Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Join(ctx, g, "alice", 0); err != nil {
		t.Fatal(err)
	}

	unlock, err := locks.Lock(ctx, g.ID) // reconciliation holds the group...
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := svc.Remove(ctx, g.ID, "alice"); done <- err }() // ...while alice leaves
	time.Sleep(50 * time.Millisecond)
	if err := st.SetGroupChannel(ctx, g.ID, "c2"); err != nil { // ...and remakes its channel
		t.Fatal(err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(discord.removed) != 1 || discord.removed[0] != "c2/alice" {
		t.Fatalf("removed %v, want alice's overwrite on the remade channel c2", discord.removed)
	}
	if grants, _ := st.Grants(ctx, g.ID); len(grants) != 0 {
		t.Errorf("grants %v left after the leave", grants)
	}
}
