package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"hearth/bot"
	"hearth/metrics"
	"hearth/store"
)

// serveHTTP serves /healthz and /metrics on addr (or on ln, when a test
// opened one), and POST /interactions when interactions is not nil, until
// the returned stop is called, which waits up to five seconds for requests
// in flight. Listening happens here, so a port in use stops the start.
func serveHTTP(addr string, ln net.Listener, m *metrics.Metrics, b *bot.Bot, st *store.Store, interactions http.Handler, log *slog.Logger) (stop func(), err error) {
	if ln == nil {
		if ln, err = net.Listen("tcp", addr); err != nil {
			return nil, fmt.Errorf("http.listen %s: %w", addr, err)
		}
	}
	health := func(ctx context.Context) error {
		if !b.Connected() {
			return errors.New("gateway not connected")
		}
		return st.Writable(ctx)
	}
	handler := m.Handler(health)
	if interactions != nil {
		mux := http.NewServeMux()
		mux.Handle("/interactions", interactions)
		mux.Handle("/", handler)
		handler = mux
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP server stopped", "err", err)
		}
	}()
	log.Info("serving /healthz and /metrics", "addr", ln.Addr().String(), "interactions", interactions != nil)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn("HTTP server did not stop cleanly", "err", err)
		}
		<-done
	}, nil
}
