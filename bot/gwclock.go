package bot

import (
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordgo v0.29.0 starts a connection's ACK clock (LastHeartbeatAck) at
// its HELLO and, after sending each heartbeat, gives the connection up
// when no ACK came for five heartbeat intervals. The handshake after the
// HELLO (RESUME, answered with op 9 and followed by an IDENTIFY, or with
// the replay) is counted too: when it took longer than five intervals, as
// under CPU overload, discordgo judged the new connection dead as soon as
// it had sent its first heartbeat. It then closed with 1000, which ends
// the session it had just identified, before it had read that session's
// READY, so the next connection RESUMEd the old session id again, got op
// 9 again, and so on for as long as handshakes stayed slow, with no
// session to deliver events.
//
// The clock is restarted at the end of every handshake instead, by a
// handler of discordgo's Connect event, which Open emits after the
// handshake and before it starts the connection's heartbeats. The handler
// must run inside Open, which holds the session's lock (so it writes the
// field without taking it): the session's events are handled
// synchronously (SyncEvents), and every other handler is started on a
// goroutine of its own by handle, as discordgo itself would.
func restartAckClock(s *discordgo.Session, _ *discordgo.Connect) {
	s.LastHeartbeatAck = time.Now().UTC()
}

// handle registers h for events of type E, run on a goroutine of its own
// for each event with panics logged (see restartAckClock for why discordgo
// does not start the goroutine).
func handle[E any](s *discordgo.Session, log *slog.Logger, event string, h func(*discordgo.Session, E)) {
	safe := recovered(log, event, h)
	s.AddHandler(func(s *discordgo.Session, e E) { go safe(s, e) })
}
