package scheduler

import (
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakeclock"
)

// A process is not told of the plans another makes on the shared
// database: with SetPoll it finds a reminder planned by another process
// (which then died before it was due) by looking again on its own, without
// any wake-up.
func TestAProcessFindsWorkAnotherPlannedWithinItsPoll(t *testing.T) {
	stores := openPostgres(t, 2)
	clock := fakeclock.New(madrid("2026-03-02 17:00"))
	discord := newFakeDiscord(clock)
	a, b := process(t, stores[0], clock, discord), process(t, stores[1], clock, discord)
	b.s.SetPoll(time.Minute)
	b.run() // nothing planned yet: without a poll it would sleep an hour
	g := a.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m"}, "u1")

	clock.Set(madrid("2026-03-02 17:30"))
	waitSent(t, b.st, []domain.Group{g}, 1)
	b.settle()
	if msgs := discord.Messages(); len(msgs) != 1 || msgs[0].Channel != g.ChannelID {
		t.Fatalf("messages %+v, want the reminder in %s once", msgs, g.ChannelID)
	}
}
