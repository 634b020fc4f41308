package fakediscord

import (
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// gwConn is one WebSocket connection. Frames go through a queue drained by
// a writer goroutine so that dispatching never blocks on the network.
type gwConn struct {
	s     *Server
	ws    *websocket.Conn
	mu    sync.Mutex
	cond  *sync.Cond
	queue []gwOut
	done  bool       // no more frames accepted
	sess  *gwSession // guarded by s.gw.mu

	serverClosed bool          // the server sent a close frame or dropped
	zombie       bool          // data frames are swallowed (see Zombie)
	beat         *time.Timer   // heartbeat deadline (see heartbeatMissed)
	beatDeadline time.Duration // guarded by mu, like zombie and beat
	sent         []time.Time   // client events in the last minute (reader only)
}

type gwOut struct {
	data  []byte
	close int  // send a close frame with this code, then drop
	drop  bool // close the TCP connection without a close frame
}

func newGWConn(s *Server, ws *websocket.Conn) *gwConn {
	c := &gwConn{s: s, ws: ws}
	c.cond = sync.NewCond(&c.mu)
	s.gw.mu.Lock()
	s.gw.conns[c] = true
	s.gw.mu.Unlock()
	if !s.enter() {
		_ = ws.Close()
		c.done = true
		return c
	}
	go func() {
		defer s.wg.Done()
		c.writeLoop()
	}()
	return c
}

func (c *gwConn) hasSession() bool {
	c.s.gw.mu.Lock()
	defer c.s.gw.mu.Unlock()
	return c.sess != nil
}

func (c *gwConn) push(o gwOut) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	if c.zombie && o.close == 0 && !o.drop {
		return
	}
	if o.close != 0 || o.drop {
		c.done = true
		c.serverClosed = true
	}
	c.queue = append(c.queue, o)
	c.cond.Signal()
}

// closedByServer reports whether the server began the close, so that a
// close frame from the client is its reply in the closing handshake, not
// a close of its own.
func (c *gwConn) closedByServer() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.serverClosed
}

func (c *gwConn) send(data []byte)   { c.push(gwOut{data: data}) }
func (c *gwConn) closeWith(code int) { c.push(gwOut{close: code}) }
func (c *gwConn) drop()              { c.push(gwOut{drop: true}) }

func (c *gwConn) writeLoop() {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 {
			c.cond.Wait()
		}
		o := c.queue[0]
		c.queue = c.queue[1:]
		c.mu.Unlock()
		switch {
		case o.close != 0:
			c.s.gw.recordClose(o.close)
			msg := websocket.FormatCloseMessage(o.close, closeReason(o.close))
			_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			_ = c.ws.Close()
			return
		case o.drop:
			_ = c.ws.Close()
			return
		default:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, o.data); err != nil {
				_ = c.ws.Close()
				c.mu.Lock()
				c.done = true
				c.mu.Unlock()
				return
			}
		}
	}
}

func closeReason(code int) string {
	switch code {
	case 4000:
		return "Unknown error."
	case 4001:
		return "Unknown opcode."
	case 4002:
		return "Decode error."
	case 4003:
		return "Not authenticated."
	case 4004:
		return "Authentication failed."
	case 4005:
		return "Already authenticated."
	case 4007:
		return "Invalid seq."
	case 4008:
		return "Rate limited."
	case 4009:
		return "Session timed out."
	case 4010:
		return "Invalid shard."
	case 4011:
		return "Sharding required."
	case 4012:
		return "Invalid API version."
	case 4013:
		return "Invalid intent(s)."
	case 4014:
		return "Disallowed intent(s)."
	}
	return strconv.Itoa(code)
}

// enter registers a goroutine with the server unless it is closing.
func (s *Server) enter() bool {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}

// connected returns the connections bound to a session.
func (gw *gatewayState) connected() []*gwConn {
	var out []*gwConn
	for c := range gw.conns {
		if c.sess != nil {
			out = append(out, c)
		}
	}
	return out
}

// Reconnect sends op 7 RECONNECT on every identified connection and drops
// those the client has not closed 2 s later. discordgo then resumes.
func (s *Server) Reconnect() {
	s.gw.mu.Lock()
	conns := s.gw.connected()
	s.gw.mu.Unlock()
	for _, c := range conns {
		c.send([]byte(`{"op":7,"d":null,"s":null,"t":null}`))
		c := c
		time.AfterFunc(2*time.Second, c.drop)
	}
}

// InvalidSession sends op 9 with d = resumable on every identified
// connection. With resumable false the session is gone (a RESUME gets op 9
// false); either way the connection accepts a new IDENTIFY, which is what
// discordgo v0.29.0 sends.
func (s *Server) InvalidSession(resumable bool) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for _, c := range s.gw.connected() {
		sess := c.sess
		c.send([]byte(`{"op":9,"d":` + strconv.FormatBool(resumable) + `,"s":null,"t":null}`))
		if !resumable {
			sess.invalid = true
		}
		sess.conn, c.sess = nil, nil
	}
}

// CloseGateway closes every gateway connection with a close frame carrying
// code. Codes after which Discord does not allow a resume (4003, 4004,
// 4007, 4009, 4010-4014) also end the session.
func (s *Server) CloseGateway(code int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		if sess := c.sess; sess != nil {
			switch code {
			case 4003, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014:
				sess.invalid = true
			}
		}
		c.closeWith(code)
	}
}

// DropGateway closes every gateway TCP connection without a close frame;
// sessions stay resumable.
func (s *Server) DropGateway() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		c.drop()
	}
}

// SetAckDelay makes every heartbeat ACK arrive d after its heartbeat, as
// over a slow network.
func (s *Server) SetAckDelay(d time.Duration) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.ackDelay = d
}

// SetResumeDelay makes the answer to every RESUME (the replay and RESUMED,
// or op 9 for a session that is gone) come d after it, as from a gateway
// under load or over a slow network; the connection reads on meanwhile.
func (s *Server) SetResumeDelay(d time.Duration) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.resumeLag = d
}

// SetHeartbeatAcks turns heartbeat ACKs (op 11) on or off; without them
// the client should treat the connection as zombied and reconnect.
func (s *Server) SetHeartbeatAcks(on bool) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.noAcks = !on
}

// GatewaySessions is the number of successful IDENTIFYs so far.
func (s *Server) GatewaySessions() int { return s.gw.identifies() }

// Resumes is the number of successful RESUMEs so far.
func (s *Server) Resumes() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.resumed
}

// GatewayConnected reports whether a live session has a connection.
func (s *Server) GatewayConnected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return len(s.gw.connected()) > 0
}

// ErrTimeout is returned by the Wait* helpers.
var ErrTimeout = errors.New("fakediscord: timed out")

// WaitGateway waits until at least sessions IDENTIFYs and resumes RESUMEs
// happened and a session is connected (READY or RESUMED sent).
func (s *Server) WaitGateway(sessions, resumes int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.gw.mu.Lock()
		ok := s.gw.identified >= sessions && s.gw.resumed >= resumes && len(s.gw.connected()) > 0
		ch := s.gw.changed
		s.gw.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return ErrTimeout
		}
	}
}
