package scheduler

import (
	"context"
	"hearth/domain"
	"slices"
	"sync"
	"testing"
	"time"
)

// queueingSender is a sender with a first come, first served queue, like
// the bot's pacer: a message's place is taken when SendMessage is entered
// (and the scheduler told so); the request then takes a while.
type queueingSender struct {
	mu    sync.Mutex
	order []string // channels, in the order their messages took their place
}

func (q *queueingSender) SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error {
	q.mu.Lock()
	q.order = append(q.order, channelID)
	q.mu.Unlock()
	SendQueued(ctx)
	time.Sleep(2 * time.Millisecond) // the request in flight, beside others
	return nil
}

// Reminders due together are sent in due order, ties broken by group, even
// though several workers send at once.
func TestRemindersDueTogetherAreSentInGroupOrder(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 12:00"))
	sender := &queueingSender{}
	h.s.send = sender
	var want []string
	for range 3 * batch / 2 { // more than one batch
		g := h.group(domain.Group{Schedule: "0 18 * * *", Reminders: "30m"}, "u1")
		want = append(want, g.ChannelID)
	}
	// And one due a minute earlier, made last: it goes first.
	early := h.group(domain.Group{Schedule: "59 17 * * *", Reminders: "30m"}, "u1")
	want = append([]string{early.ChannelID}, want...)
	h.run()
	h.clock.Set(madrid("2026-03-02 17:29"))
	h.settle()
	h.clock.Set(madrid("2026-03-02 17:30"))
	h.settle()
	deadline := time.Now().Add(5 * time.Second)
	for {
		sender.mu.Lock()
		n := len(sender.order)
		sender.mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	sender.mu.Lock()
	defer sender.mu.Unlock()
	if !slices.Equal(sender.order, want) {
		t.Errorf("sent in order\n%v\nwant\n%v", sender.order, want)
	}
}

// A send that never takes its place in a queue (a sender that does not call
// SendQueued and hangs) holds the next back at most maxTurnWait.
func TestStuckSendHoldsTheNextBackOnlySoLong(t *testing.T) {
	tr := passedTurn()
	first := &turn{prev: tr.done, done: make(chan struct{})}
	second := &turn{prev: first.done, done: make(chan struct{})}
	first.wait(context.Background()) // its predecessor has passed
	began := time.Now()
	second.wait(context.Background())
	if waited := time.Since(began); waited < maxTurnWait-50*time.Millisecond || waited > maxTurnWait+time.Second {
		t.Errorf("waited %s behind a stuck send, want about %s", waited, maxTurnWait)
	}
	third := &turn{prev: second.done, done: make(chan struct{})}
	SendQueued(second.context(context.Background()))
	SendQueued(second.context(context.Background())) // twice is fine
	began = time.Now()
	third.wait(context.Background())
	if waited := time.Since(began); waited > 100*time.Millisecond {
		t.Errorf("waited %s behind a send that took its place", waited)
	}
}
