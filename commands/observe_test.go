package commands

import (
	"context"
	"errors"
	"hearth/internal/metricstest"
	"strings"
	"testing"
	"time"

	"hearth/domain"
	"hearth/metrics"
)

func TestObserveCountsOutcomes(t *testing.T) {
	m := metrics.New()
	log := quiet()
	unknown := func(ctx context.Context, in *Interaction) (Response, error) {
		setOutcome(ctx, OutcomeUnknown)
		return Reply(Printer(in).UnknownCmd()), nil
	}
	r := NewRouter(unknown, Observe(m), Deadline(50*time.Millisecond, log), Errors(log), Recover, RequireUser, GuildOnly)
	r.Handle("fine", func(context.Context, *Interaction) (Response, error) { return Reply("ok"), nil })
	r.Handle("typo", func(context.Context, *Interaction) (Response, error) {
		return Response{}, domain.Input("group", domain.ProblemRequired)
	})
	r.Handle("broken", func(context.Context, *Interaction) (Response, error) { return Response{}, errors.New("disk on fire") })
	r.Handle("boom", func(context.Context, *Interaction) (Response, error) { panic("nil map") })
	r.HandleAutocomplete("slow", func(ctx context.Context, _ *Interaction) (Response, error) {
		<-ctx.Done()
		return Response{}, nil
	})
	cases := []struct {
		name string
		in   Interaction
	}{
		{"ok", Interaction{Command: "fine", GuildID: "1", UserID: "2"}},
		{"input error", Interaction{Command: "typo", GuildID: "1", UserID: "2"}},
		{"error", Interaction{Command: "broken", GuildID: "1", UserID: "2"}},
		{"panic", Interaction{Command: "boom", GuildID: "1", UserID: "2"}},
		{"outside a server", Interaction{Command: "fine", UserID: "2"}},
		{"unknown", Interaction{Command: "nosuch", GuildID: "1", UserID: "2"}},
		{"late autocomplete", Interaction{Type: TypeAutocomplete, Command: "slow", GuildID: "1", UserID: "2"}},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		if err := r.Serve(ctx, &c.in, &recorder{}); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		cancel()
	}
	body := metricstest.Scrape(t, m)
	for _, want := range []string{
		`hearth_interactions_total{outcome="ok",route="fine"} 1`,
		`hearth_interactions_total{outcome="input_error",route="typo"} 1`,
		`hearth_interactions_total{outcome="error",route="broken"} 1`,
		`hearth_interactions_total{outcome="error",route="boom"} 1`,
		`hearth_interactions_total{outcome="refused",route="fine"} 1`,
		`hearth_interactions_total{outcome="unknown",route="unknown"} 1`,
		`hearth_interactions_total{outcome="unanswered",route="slow"} 1`,
		`hearth_interaction_duration_seconds_count{route="fine"} 2`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestAppRouterObservesOutermost(t *testing.T) {
	m := metrics.New()
	a := &App{Log: quiet(), Metrics: m}
	in := &Interaction{Command: "join", UserID: "2"} // in a DM: refused before any store
	if err := a.Router().Serve(context.Background(), in, &recorder{}); err != nil {
		t.Fatal(err)
	}
	body := metricstest.Scrape(t, m)
	if want := `hearth_interactions_total{outcome="refused",route="join"} 1`; !strings.Contains(string(body), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}
