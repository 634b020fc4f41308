package bot

import (
	"errors"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Discord asks a client whose heartbeat goes unacknowledged (a "zombied"
// connection) to close with a code other than 1000 or 1001 and RESUME, so
// that the events sent meanwhile, interactions included, are replayed.
// discordgo v0.29.0 waits five heartbeat intervals, then closes with 1000,
// which ends the session: it must IDENTIFY anew and the events are lost. The
// watchdog notices sooner and closes the right way.
//
// discordgo does not expose the heartbeat interval, so the watchdog learns
// it on each connection from the time between acknowledgements, armed once
// it has seen two (until then discordgo's own check is all there is), and
// calls the connection a zombie when none has come for two intervals.
func (b *Bot) watchGateway() {
	defer b.wg.Done()
	var (
		lastAck time.Time
		gaps    []time.Duration // between acknowledgements on this connection
		wasUp   bool
	)
	poll := 50 * time.Millisecond
	for {
		select {
		case <-b.watch.Done():
			return
		case <-time.After(poll):
		}
		s := b.session
		s.RLock()
		ack, ready := s.LastHeartbeatAck, s.DataReady
		s.RUnlock()
		if !ready {
			// Between connections: learn the next one afresh (the end of
			// its handshake sets the acknowledgement time too, before any
			// heartbeat: see restartAckClock).
			wasUp, lastAck, gaps = false, time.Time{}, nil
			continue
		}
		if !wasUp {
			wasUp, lastAck, gaps = true, ack, nil
			continue
		}
		if ack.After(lastAck) {
			gaps = append(gaps, ack.Sub(lastAck))
			if len(gaps) > 3 {
				gaps = gaps[1:]
			}
			lastAck = ack
		}
		// Armed once two gaps are known; the longest is the interval (the
		// first may be the HELLO's to the first heartbeat's, shorter).
		if len(gaps) < 2 {
			continue
		}
		interval := slices.Max(gaps)
		poll = min(max(interval/4, 50*time.Millisecond), time.Second)
		if time.Since(lastAck) < 2*interval+100*time.Millisecond {
			continue
		}
		b.log.Warn("gateway connection zombied: no heartbeat acknowledged; resuming", "silent_for", time.Since(lastAck).Round(time.Millisecond))
		b.resumeGateway()
		wasUp, lastAck, gaps = false, time.Time{}, nil
	}
}

// resumeGateway closes the connection so that Discord keeps the session,
// and opens it again, which RESUMEs; it retries until it connects or the
// bot closes.
func (b *Bot) resumeGateway() {
	b.gwMu.Lock()
	defer b.gwMu.Unlock()
	if b.watch.Err() != nil {
		return
	}
	if err := b.session.CloseWithCode(websocket.CloseServiceRestart); err != nil {
		b.log.Warn("closing a zombied gateway connection failed", "err", err)
	}
	wait := 250 * time.Millisecond
	for b.watch.Err() == nil {
		err := b.session.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return // open (discordgo's own reconnect may have got there first)
		}
		b.log.Warn("reopening the gateway failed; retrying", "in", wait, "err", err)
		select {
		case <-b.watch.Done():
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}
