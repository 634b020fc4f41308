package bot

import (
	"hearth/internal/metricstest"
	"net/http"
	"strings"
	"testing"

	"hearth/metrics"
)

type answer204 struct{}

func (answer204) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody}, nil
}

func TestRESTCallsAndWaitsAreCounted(t *testing.T) {
	m := metrics.New()
	rt := observe(m, &pacedTransport{pacer: pacedAt(200), next: answer204{}, metrics: m})
	const channel, user = "1419000000000000001", "1419000000000000002"
	for range 3 {
		req, _ := http.NewRequest(http.MethodPut, "https://discord.com/api/v9/channels/"+channel+"/permissions/"+user, nil)
		req.Header.Set("Authorization", "Bot x")
		if _, err := rt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	body := scrape(t, m)
	for _, want := range []string{
		`hearth_rest_requests_total{route="PUT /channels/{id}/permissions/{id}",status="204"} 3`,
		`hearth_rate_limit_waits_total 2`, // the first leaves at once, at 200/s the others wait
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, channel) || strings.Contains(body, user) {
		t.Error("/metrics names a channel or a person")
	}
}

func scrape(t *testing.T, m *metrics.Metrics) string { return metricstest.Scrape(t, m) }
