// Package metrics counts what Hearth does, for Prometheus, and serves
// /metrics and /healthz.
//
// Labels name routes and outcomes, never people, channels or servers:
// membership of a support group is confidential, and a scrape is read by
// whoever runs the monitoring. Every method of a nil *Metrics does nothing,
// so code that may run without metrics needs no checks.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds Hearth's collectors in a registry of its own (not the
// global one), so that two Hearths in one process, as in tests, do not
// collide.
type Metrics struct {
	reg *prometheus.Registry

	interactions   *prometheus.CounterVec
	replyLatency   *prometheus.HistogramVec
	restCalls      *prometheus.CounterVec
	rateLimitWaits prometheus.Counter
	rateLimitWait  prometheus.Histogram
	reminders      *prometheus.CounterVec
	remindersLate  prometheus.Counter
	schedulerLag   prometheus.Histogram
	reconnects     prometheus.Counter
}

// New returns metrics registered in a new registry, with the Go runtime's
// and the process's own collectors beside them.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hearth_interactions_total",
			Help: "Interactions answered, by route (command, sub-command or custom-id prefix) and outcome.",
		}, []string{"route", "outcome"}),
		replyLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hearth_interaction_duration_seconds",
			Help:    "Time from an interaction reaching the router to its answer being ready (deferral included; the callback's own REST call is counted in hearth_rest_requests_total).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 1.5, 3, 10},
		}, []string{"route"}),
		restCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hearth_rest_requests_total",
			Help: "REST requests to Discord, by route (method and path with every id and token replaced) and status (0: no response).",
		}, []string{"route", "status"}),
		rateLimitWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hearth_rate_limit_waits_total",
			Help: "Times a REST request waited for Discord's rate limits: its place under the global limit, or a 429's retry_after.",
		}),
		rateLimitWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hearth_rate_limit_wait_seconds",
			Help:    "How long a REST request waited for Discord's rate limits.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hearth_reminders_total",
			Help: "Reminders that ended, by result: sent, or skipped (too late, no channel, no members, refused, abandoned).",
		}, []string{"result"}),
		remindersLate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hearth_reminders_late_total",
			Help: "Reminders sent more than a minute after they were due (also counted as sent).",
		}),
		schedulerLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "hearth_scheduler_lag_seconds",
			Help:    "How late the scheduler picked up a due job, from its due time.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 30, 60, 300, 3600},
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hearth_gateway_reconnects_total",
			Help: "Gateway sessions resumed or identified again after the first.",
		}),
	}
	m.reg.MustRegister(m.interactions, m.replyLatency, m.restCalls, m.rateLimitWaits, m.rateLimitWait,
		m.reminders, m.remindersLate, m.schedulerLag, m.reconnects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Start the reminder results at zero, so a rate can be taken from the first scrape.
	m.reminders.WithLabelValues("sent")
	m.reminders.WithLabelValues("skipped")
	return m
}

// Registry is where the collectors are registered, for tests and for
// adding more.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// InteractionDone counts an answered interaction and how long its answer took.
func (m *Metrics) InteractionDone(route, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	route = safeRoute(route)
	m.interactions.WithLabelValues(route, outcome).Inc()
	m.replyLatency.WithLabelValues(route).Observe(d.Seconds())
}

// RESTCall counts a REST request by its route (see RouteOf) and the status
// Discord answered; 0 when no response came.
func (m *Metrics) RESTCall(route string, status int) {
	if m == nil {
		return
	}
	m.restCalls.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

// RateLimitWait counts a wait for Discord's rate limits.
func (m *Metrics) RateLimitWait(d time.Duration) {
	if m == nil {
		return
	}
	m.rateLimitWaits.Inc()
	m.rateLimitWait.Observe(d.Seconds())
}

// ReminderSent counts a reminder whose every message went out.
func (m *Metrics) ReminderSent() {
	if m == nil {
		return
	}
	m.reminders.WithLabelValues("sent").Inc()
}

// ReminderSkipped counts a reminder that ended without being sent.
func (m *Metrics) ReminderSkipped() {
	if m == nil {
		return
	}
	m.reminders.WithLabelValues("skipped").Inc()
}

// ReminderLate counts a reminder sent more than a minute after its due time.
func (m *Metrics) ReminderLate() {
	if m == nil {
		return
	}
	m.remindersLate.Inc()
}

// SchedulerLag records how late a due job was picked up.
func (m *Metrics) SchedulerLag(d time.Duration) {
	if m == nil {
		return
	}
	m.schedulerLag.Observe(max(d, 0).Seconds())
}

// GatewayReconnect counts a gateway session resumed or identified anew.
func (m *Metrics) GatewayReconnect() {
	if m == nil {
		return
	}
	m.reconnects.Inc()
}

// safeRoute keeps a route label to the words routes are made of. Routes are
// command names and custom-id prefixes Hearth chose, so this never changes
// one; it is here so that a label can never carry anything else.
func safeRoute(route string) string {
	if route == "" || len(route) > 40 {
		return "other"
	}
	for _, r := range route {
		if (r < 'a' || r > 'z') && r != ' ' && r != '_' && r != '-' { // no digits: no id can pass
			return "other"
		}
	}
	return route
}
