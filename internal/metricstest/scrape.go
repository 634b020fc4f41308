// Package metricstest reads a Hearth's metrics as Prometheus would, for
// tests.
package metricstest

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"hearth/metrics"
)

// Scrape returns m's /metrics page.
func Scrape(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler(func(context.Context) error { return nil }))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}
