package scheduler

import (
	"hearth/internal/metricstest"
	"strings"
	"testing"

	"hearth/domain"
	"hearth/metrics"
)

func TestRemindersCounted(t *testing.T) {
	m := metrics.New()
	h := newHarness(t, madrid("2026-03-01 12:00"))
	h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "24h,30m"}, "u1")
	h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "24h"}) // nobody to remind
	h.s.SetMetrics(m)
	h.run()
	h.advanceTo(madrid("2026-03-01 18:00")) // on time: one sent, one skipped

	// Down over the 30m reminder's due time; back ten minutes late.
	h.stop()
	h.clock.Set(madrid("2026-03-02 17:40"))
	h.open()
	h.s.SetMetrics(m)
	h.run()
	h.settle()

	body := scrape(t, m)
	for _, want := range []string{
		`hearth_reminders_total{result="sent"} 2`,
		`hearth_reminders_total{result="skipped"} 1`,
		`hearth_reminders_late_total 1`,
		`hearth_scheduler_lag_seconds_bucket{le="0.001"} 2`, // the two due at 18:00, picked up at once
		`hearth_scheduler_lag_seconds_bucket{le="300"} 2`,
		`hearth_scheduler_lag_seconds_bucket{le="3600"} 3`, // the one ten minutes late
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func scrape(t *testing.T, m *metrics.Metrics) string { return metricstest.Scrape(t, m) }
