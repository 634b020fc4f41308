package fakediscord

import "sync"

// gatewayVersions records the API version (the v query parameter) of every
// gateway connection, in order.
var gatewayVersions sync.Map // *Server -> *versionLog

type versionLog struct {
	mu       sync.Mutex
	versions []string
}

func (s *Server) recordGatewayVersion(v string) {
	l, _ := gatewayVersions.LoadOrStore(s, &versionLog{})
	log := l.(*versionLog)
	log.mu.Lock()
	log.versions = append(log.versions, v)
	log.mu.Unlock()
}

// GatewayVersions returns the API version each gateway connection asked
// for with its v query parameter ("" when it gave none), in order.
func (s *Server) GatewayVersions() []string {
	l, ok := gatewayVersions.Load(s)
	if !ok {
		return nil
	}
	log := l.(*versionLog)
	log.mu.Lock()
	defer log.mu.Unlock()
	return append([]string(nil), log.versions...)
}
