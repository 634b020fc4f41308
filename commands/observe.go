package commands

import (
	"context"
	"sync/atomic"
	"time"

	"hearth/metrics"
)

// How an interaction ended, as Observe counts it.
const (
	OutcomeOK         = "ok"          // answered as asked
	OutcomeInputError = "input_error" // told what to fix
	OutcomeError      = "error"       // failed; logged and apologised for
	OutcomeRefused    = "refused"     // not allowed here or for this person
	OutcomeUnknown    = "unknown"     // no handler for the route
	OutcomeUnanswered = "unanswered"  // autocomplete too late to answer
)

type outcomeKey struct{}

// setOutcome records how the interaction of ctx ended, for Observe; the
// last call wins. Without Observe it does nothing.
func setOutcome(ctx context.Context, outcome string) {
	if o, ok := ctx.Value(outcomeKey{}).(*atomic.Value); ok {
		o.Store(outcome)
	}
}

// Observe counts each interaction by route and outcome and records how long
// its answer took. Put it outermost, so the time includes every other
// middleware. Routes nobody handles are counted as "unknown", so a label
// is always a route Hearth registered. Without metrics it adds nothing.
func Observe(m *metrics.Metrics) Middleware {
	return func(next Handler) Handler {
		if m == nil {
			return next
		}
		return func(ctx context.Context, in *Interaction) (Response, error) {
			start := time.Now()
			outcome := &atomic.Value{} // the handler may still run after a late autocomplete
			outcome.Store(OutcomeOK)
			resp, err := next(context.WithValue(ctx, outcomeKey{}, outcome), in)
			o := outcome.Load().(string)
			switch {
			case err != nil:
				o = OutcomeError
			case resp.None:
				o = OutcomeUnanswered
			}
			route := in.Route()
			if o == OutcomeUnknown {
				route = "unknown"
			}
			m.InteractionDone(route, o, time.Since(start))
			return resp, err
		}
	}
}
