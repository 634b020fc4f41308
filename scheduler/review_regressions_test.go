package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hearth/domain"
	"testing"
	"time"
)

// A crash leaves an attempt whose outcome is unknown (the message went
// out). After the restart the re-send fails clearly (a 503) a few times;
// those failures must not erase the earlier, uncertain attempt, or a later
// try past Discord's de-duplication window would post a second message.
func TestKnownFailureAfterAnUncertainAttemptNeverDuplicates(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
	hang := make(chan struct{})
	h.discord.hang, h.discord.hanging = hang, make(chan struct{}, 1)
	h.run()
	h.clock.Set(madrid("2026-03-02 17:30"))
	<-h.discord.hanging // created on Discord; the process dies before recording
	h.clock.Advance(20 * time.Second)
	h.discord.mu.Lock()
	h.discord.failNext = 5 // Discord answers 503 for a few minutes
	h.discord.mu.Unlock()
	h.crashAndRestart(hang)
	h.advanceTo(madrid("2026-03-02 17:59"))
	if n := len(h.discord.Messages()); n != 1 {
		t.Errorf("%d reminder messages for one session, want 1 (calls: %d, firings %+v)",
			n, len(h.discord.Calls()), h.firings(g.ID))
	}
}

// An archive whose channel change fails is undone; a reminder that fell due
// in between must not have cost the group its jobs.
func TestArchiveUndoneKeepsTheJobs(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	ctx := context.Background()
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
	h.run()
	prev, err := h.st.Archive(ctx, g.ID, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.advanceTo(madrid("2026-03-02 17:30")) // due while the channel change runs
	if err := h.st.Unarchive(ctx, g.ID, prev, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.advanceTo(madrid("2026-03-09 17:31"))
	if n := len(h.discord.Messages()); n != 2 {
		t.Errorf("%d reminders in a week after an undone archive, want 2 (one late, one on time)", n)
	}
}

// A reminder waiting for its turn to send re-reads its group: one archived
// meanwhile gets nothing, and a member who left is not mentioned.
func TestWaitingReminderSeesArchiveAndLeave(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	ctx := context.Background()
	h.group(domain.Group{Schedule: "0 18 * * MON"}, "a1")
	b := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1", "u2")
	c := h.group(domain.Group{Schedule: "0 18 * * MON"}, "v1", "v2")
	hang := make(chan struct{})
	h.discord.hang, h.discord.hanging = hang, make(chan struct{}, 1)
	h.run()
	go h.clock.Set(madrid("2026-03-02 17:30"))
	<-h.discord.hanging // the first group's send is stuck; the others wait their turn
	if _, err := h.st.Archive(ctx, b.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.Leave(ctx, c.ID, "v2"); err != nil {
		t.Fatal(err)
	}
	h.discord.mu.Lock()
	h.discord.hang = nil
	h.discord.mu.Unlock()
	close(hang)
	deadline := time.Now().Add(5 * time.Second)
	for len(h.discord.Calls()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	for _, m := range h.discord.Calls() {
		if m.Channel == b.ChannelID {
			t.Errorf("a reminder went to the archived group's channel")
		}
		if m.Channel == c.ChannelID && (len(m.Mentions) != 1 || m.Mentions[0] != "v1") {
			t.Errorf("reminder mentioned %v, want only v1", m.Mentions)
		}
	}
}

// A started closed group whose schedule changes keeps the count of the
// sessions it has held: weekly to daily after 2 of 4 sessions leaves 2 more.
func TestScheduleChangeAfterTheStartKeepsTheCount(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	ctx := context.Background()
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 4, StartAt: madrid("2026-03-02 12:00"),
		Schedule: "0 18 * * MON"}, "u1")
	h.run()
	h.advanceTo(madrid("2026-03-10 12:00")) // held: Monday 2 and Monday 9 March
	g, _ = h.st.Group(ctx, g.ID)
	now := h.clock.Now()
	held := g.SessionsHeldBy(now)
	if held != 2 {
		t.Fatalf("SessionsHeld = %d, want 2", held)
	}
	if err := h.st.SetSchedule(ctx, g.ID, "0 18 * * *", "Europe/Madrid", "30m", now); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Replan(ctx, g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	g, _ = h.st.Group(ctx, g.ID)
	if next := g.UpcomingSessions(now, 5); len(next) != 2 ||
		!next[0].Equal(madrid("2026-03-10 18:00")) || !next[1].Equal(madrid("2026-03-11 18:00")) {
		t.Fatalf("sessions left = %v, want 10 and 11 March at 18:00", next)
	}
	h.advanceTo(madrid("2026-03-12 17:59"))
	if done := h.complete.Done(); len(done) != 0 {
		t.Fatalf("completed before its fourth session's day was over")
	}
	h.advanceTo(madrid("2026-03-12 18:01"))
	if done := h.complete.Done(); len(done) != 1 {
		t.Fatalf("not completed after its four sessions")
	}
}

// A send Discord refuses for good (the channel was deleted) is skipped at
// once instead of retried until the session begins.
func TestRefusedReminderIsSkippedNotRetried(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
	h.discord.refuse = true
	h.run()
	h.advanceTo(madrid("2026-03-02 17:59"))
	if n := len(h.discord.Calls()); n != 1 {
		t.Errorf("%d tries of a refused reminder, want 1", n)
	}
	if fs := h.firings(g.ID); len(fs) != 1 || fs[0].State != domain.FiringSkipped {
		t.Errorf("firings: %+v", fs)
	}
}

// A closed group started by hand during its first session counts that
// session: four sessions are the one under way and three more.
func TestStartedDuringASessionCountsIt(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 18:20"))
	ctx := context.Background()
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 4, Schedule: "0 18 * * MON"}, "u1")
	now := h.clock.Now()
	at := g.StartedAt(now)
	if !at.Equal(madrid("2026-03-02 18:00")) {
		t.Fatalf("StartedAt = %s, want the session under way", at)
	}
	if got := g.StartedAt(madrid("2026-03-02 22:00")); !got.Equal(madrid("2026-03-02 22:00")) {
		t.Fatalf("four hours after a session began, StartedAt = %s, want now", got)
	}
	if err := h.st.Lock(ctx, g.ID, at, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.run()
	g, _ = h.st.Group(ctx, g.ID)
	next := g.UpcomingSessions(now, 5)
	if len(next) != 3 || !next[2].Equal(madrid("2026-03-23 18:00")) {
		t.Fatalf("sessions left = %v, want the next three Mondays", next)
	}
}

// flakyCompleter archives as the groups service does, but the first time
// the channel change "fails" and the archive is undone.
type flakyCompleter struct {
	fakeCompleter
	failed bool
}

func (c *flakyCompleter) Complete(ctx context.Context, groupID int64) error {
	if !c.failed {
		c.failed = true
		undo, err := c.st.Archive(ctx, groupID, c.clock.Now())
		if err != nil {
			return err
		}
		if err := c.st.Unarchive(ctx, groupID, undo, c.clock.Now()); err != nil {
			return err
		}
		return errors.New("discord refused the channel change")
	}
	return c.fakeCompleter.Complete(ctx, groupID)
}

// A completion whose archive failed and was undone is tried again, and
// the group completes: the job it was running is not left in flight.
func TestCompletionRetriedAfterAnUndoneArchive(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 1, Schedule: "0 18 * * MON"}, "u1")
	flaky := &flakyCompleter{fakeCompleter: fakeCompleter{st: h.st, clock: h.clock}}
	h.s = New(h.st, h.discord, flaky, h.clock, nil)
	h.complete = &flaky.fakeCompleter
	h.run()
	h.advanceTo(madrid("2026-03-03 18:01")) // a day after its one session, and a retry later
	if !flaky.failed {
		t.Fatal("the completion was never tried")
	}
	if done := h.complete.Done(); len(done) != 1 || done[0] != g.ID {
		t.Fatalf("completed %v after a failed first try, want the group", done)
	}
}

// waitingSender is a sender whose messages wait for their place under the
// rate limit until the send is given up, and so never leave.
type waitingSender struct{ waiting chan struct{} }

func (s waitingSender) SendMessage(ctx context.Context, _, _ string, _ []string, _ string) error {
	s.waiting <- struct{}{}
	<-ctx.Done()
	return errors.Join(ErrNotSent, ctx.Err())
}

// A reminder still waiting for its place at shutdown was never sent: it is
// recorded as such, and a restart more than two minutes later sends it,
// since its session has not begun (issue 10, defect 11).
func TestReminderWaitingAtShutdownIsSentAfterALateRestart(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
	waiting := waitingSender{waiting: make(chan struct{}, 1)}
	h.s = New(h.st, waiting, h.complete, h.clock, nil)
	h.run()
	go h.clock.Set(madrid("2026-03-02 17:30"))
	<-waiting.waiting
	h.stop() // shutdown while it waits
	h.clock.Set(madrid("2026-03-02 17:35"))
	h.open()
	h.run()
	h.advanceTo(madrid("2026-03-02 17:36"))
	msgs := h.discord.Messages()
	if len(msgs) != 1 || msgs[0].Channel != g.ChannelID {
		t.Fatalf("%d reminders after the restart, want the one that never left (firings %+v)", len(msgs), h.firings(g.ID))
	}
}

// A reminder whose turn to send comes after its session has begun is not
// sent (issue 10, defect 1): the check runs right before every send, not
// only for reminders resumed after a restart.
func TestReminderWhoseTurnComesTooLateIsSkipped(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	h.group(domain.Group{Schedule: "0 18 * * MON"}, "a1")
	late := h.group(domain.Group{Schedule: "0 18 * * MON"}, "b1")
	hang := make(chan struct{})
	h.discord.hang, h.discord.hanging = hang, make(chan struct{}, 1)
	h.run()
	go h.clock.Set(madrid("2026-03-02 17:30"))
	<-h.discord.hanging // the first group's send is stuck; the second waits its turn
	h.clock.Set(madrid("2026-03-02 18:01"))
	close(hang)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		fs := h.firings(late.ID)
		if len(fs) == 1 && fs[0].State != domain.FiringSending {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, m := range h.discord.Calls() {
		if m.Channel == late.ChannelID {
			t.Errorf("a reminder went out at %s, after its session began", m.At)
		}
	}
	if fs := h.firings(late.ID); len(fs) != 1 || fs[0].State != domain.FiringSkipped {
		t.Errorf("firings %+v, want one skipped", fs)
	}
}

// blockedSender holds every send until released, as Discord's rate limit
// would under sustained demand.
type blockedSender struct {
	release chan struct{}
	inner   *fakeDiscord
}

func (s blockedSender) SendMessage(ctx context.Context, ch, content string, ids []string, nonce string) error {
	select {
	case <-s.release:
	case <-ctx.Done():
		return errors.Join(ErrNotSent, ctx.Err())
	}
	return s.inner.SendMessage(ctx, ch, content, ids, nonce)
}

// Demand beyond what can be sent waits in the database, not in memory: the
// queue of sends never holds more than maxQueued, and every reminder still
// goes out once the sends flow (issue 10, defect 1).
func TestSendQueueIsBounded(t *testing.T) {
	defer func(n int) { maxQueued = n }(maxQueued)
	maxQueued = 4
	h := newHarness(t, madrid("2026-03-02 17:00"))
	for i := range 30 {
		h.group(domain.Group{Schedule: "0 18 * * MON"}, fmt.Sprintf("u%d", i))
	}
	sender := blockedSender{release: make(chan struct{}), inner: h.discord}
	h.s = New(h.st, sender, h.complete, h.clock, nil)
	h.run()
	go h.clock.Set(madrid("2026-03-02 17:30"))
	time.Sleep(200 * time.Millisecond)
	h.s.queue.mu.Lock()
	peak := h.s.queue.peak
	h.s.queue.mu.Unlock()
	if peak > maxQueued {
		t.Errorf("%d sends queued at once, want at most %d", peak, maxQueued)
	}
	close(sender.release)
	deadline := time.Now().Add(10 * time.Second)
	for len(h.discord.Messages()) < 30 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(h.discord.Messages()); n != 30 {
		t.Errorf("%d reminders sent, want all 30", n)
	}
}
