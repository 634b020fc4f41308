package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hearth health asks /healthz at http.listen on this machine (loopback for
// an address on every interface), succeeds on 200 and fails with the
// reason otherwise: the compose file's healthcheck.
func TestHealthAsksHealthz(t *testing.T) {
	status, reason := http.StatusOK, "ok"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		fmt.Fprintln(w, reason)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, listen := range []string{srv.Listener.Addr().String(), ":" + port, "0.0.0.0:" + port} {
		cfg := writeConfig(t, fmt.Sprintf("[http]\nlisten = %q\n", listen))
		var out bytes.Buffer
		status, reason = http.StatusOK, "ok"
		if err := run(context.Background(), []string{"health", "--config", cfg}, &out, testLogger(t)); err != nil || out.String() != "ok\n" {
			t.Errorf("listen %s, healthy: %v, printed %q", listen, err, out.String())
		}
		status, reason = http.StatusServiceUnavailable, "gateway not connected"
		err := run(context.Background(), []string{"health", "--config", cfg}, &out, testLogger(t))
		if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "gateway not connected") {
			t.Errorf("listen %s, unhealthy: %v", listen, err)
		}
	}
	cfg := writeConfig(t, "[store]\npath = \"h.db\"\n")
	if err := run(context.Background(), []string{"health", "--config", cfg}, &bytes.Buffer{}, testLogger(t)); err == nil ||
		!strings.Contains(err.Error(), "http.listen") {
		t.Errorf("without http.listen: %v", err)
	}
}
