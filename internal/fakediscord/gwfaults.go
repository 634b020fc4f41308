package fakediscord

import (
	"time"
)

// Gateway faults: the server's heartbeat deadline, the send-rate limit, and
// zombie connections.

// Discord allows 120 gateway events per connection every 60 s and
// disconnects a client that sends more, with close code 4008.
const (
	gatewaySendLimit  = 120
	gatewaySendWindow = 60 * time.Second
)

// heartbeatDeadline is how long a connection may stay silent (no op 1)
// before the server closes it. Discord does not publish its grace; the
// floor of 3 s matters with the short test intervals: discordgo's Close
// holds the session lock for 1 s, which pauses its heartbeats, and a busy
// test machine (race detector, two cores) delays them further.
func heartbeatDeadline(interval time.Duration) time.Duration {
	return interval + max(interval/4, 3*time.Second)
}

// SetHeartbeatInterval sets the heartbeat_interval sent in HELLO to
// connections made from now on (the default is Options.HeartbeatInterval).
// Call it before the client connects so tests need not wait 41 s.
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.heartbeat = max(d, time.Millisecond)
}

func (gw *gatewayState) heartbeatInterval() time.Duration {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	return gw.heartbeat
}

// Zombie turns the gateway connections open now into zombies (on) or back
// to life (off). A zombie's socket stays open and the server still reads
// what the client sends, but it sends nothing: no HEARTBEAT_ACK (op 11)
// and no dispatches. Dispatches are still numbered and kept, so a RESUME
// on a new connection replays them. Connections made later are healthy,
// which is what lets a client that notices the zombie recover.
//
// The client's frames do reach the server: a client that ends the zombie
// with close code 1000 or 1001 ends its session, as on Discord, whose
// docs ask for any other code before resuming.
func (s *Server) Zombie(on bool) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		c.mu.Lock()
		c.zombie = on
		c.mu.Unlock()
	}
}

// GatewayCloseCodes returns the close codes the server has sent, in order.
func (s *Server) GatewayCloseCodes() []int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return append([]int(nil), s.gw.closeCodes...)
}

func (gw *gatewayState) recordClose(code int) {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	gw.closeCodes = append(gw.closeCodes, code)
	gw.notify()
}

// watchHeartbeats starts the connection's heartbeat deadline (after HELLO).
func (c *gwConn) watchHeartbeats(interval time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.beatDeadline = heartbeatDeadline(interval)
	c.beat = time.AfterFunc(c.beatDeadline, c.heartbeatMissed)
}

// heartbeatReceived restarts the deadline.
func (c *gwConn) heartbeatReceived() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.beat != nil && !c.done {
		c.beat.Reset(c.beatDeadline)
	}
}

func (c *gwConn) stopHeartbeatWatch() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.beat != nil {
		c.beat.Stop()
	}
}

// heartbeatMissed closes a connection whose heartbeats stopped. Discord
// documents that it closes such a connection but not with which code; the
// fake uses 4009 "Session timed out", whose documented meaning
// ("reconnect and start a new one") is what a client must then do: the
// session ends, so a RESUME gets op 9 false.
func (c *gwConn) heartbeatMissed() {
	gw := &c.s.gw
	gw.mu.Lock()
	c.mu.Lock()
	open := !c.done
	c.mu.Unlock()
	if !open {
		gw.mu.Unlock()
		return
	}
	if sess := c.sess; sess != nil && sess.conn == c {
		sess.invalid = true
	}
	gw.mu.Unlock()
	c.closeWith(4009)
}

// overSendLimit counts a client event and reports whether it is over the
// limit. Heartbeats are not counted: on Discord they are about two of the
// 120 a minute, but the fake's short test intervals would make them
// hundreds. Called from the reader goroutine only.
func (c *gwConn) overSendLimit(now time.Time) bool {
	cut := now.Add(-gatewaySendWindow)
	i := 0
	for i < len(c.sent) && !c.sent[i].After(cut) {
		i++
	}
	c.sent = append(c.sent[i:], now)
	return len(c.sent) > gatewaySendLimit
}
