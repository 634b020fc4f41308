package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"hearth/domain"
	"hearth/messages"
)

// Printer words replies in the language of the person who typed or clicked.
func Printer(in *Interaction) *messages.Printer {
	return messages.For(messages.LangOf(in.Locale))
}

// Recover turns a panic in a handler into an error, for Errors to log and
// apologise for.
func Recover(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (resp Response, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack())
			}
		}()
		return next(ctx, in)
	}
}

// Errors turns a handler's error into words: an input error tells the
// person what to fix; anything else is logged and apologised for. Nothing
// after it sees an error.
func Errors(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, in *Interaction) (Response, error) {
			resp, err := next(ctx, in)
			if err == nil {
				return resp, nil
			}
			setOutcome(ctx, OutcomeError)
			if in.Type == TypeAutocomplete {
				log.Error("autocomplete failed", "route", in.Route(), "guild", in.GuildID, "err", err)
				return Response{}, nil
			}
			var input *domain.InputError
			if errors.As(err, &input) {
				setOutcome(ctx, OutcomeInputError)
				return Reply(Printer(in).Input(input)), nil
			}
			if errors.Is(err, domain.ErrStorage) {
				log.Error("the database cannot be written", "route", in.Route(), "guild", in.GuildID, "err", err)
				return Reply(Printer(in).StorageUnavailable()), nil
			}
			log.Error("command failed", "route", in.Route(), "guild", in.GuildID, "err", err)
			return Reply(Printer(in).Apology()), nil
		}
	}
}

// Deadline answers within Discord's 3 seconds whatever the handler takes:
// past after, it defers the reply and the handler's answer edits it later.
// Autocomplete cannot be deferred, nor can a reply that opens a modal; a
// late one is not answered at all. Put it outside Recover, which must run
// in the handler's goroutine.
func Deadline(after time.Duration, log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, in *Interaction) (Response, error) {
			type result struct {
				resp Response
				err  error
			}
			done := make(chan result, 1)
			go func() {
				resp, err := next(ctx, in)
				done <- result{resp, err}
			}()
			timer := time.NewTimer(after)
			defer timer.Stop()
			select {
			case r := <-done:
				return r.resp, r.err
			case <-timer.C:
			}
			if in.Type == TypeAutocomplete {
				log.Warn("autocomplete too slow; not answered", "route", in.Route())
				return Response{None: true}, nil
			}
			if in.deferReply != nil {
				if err := in.deferReply(ctx); err != nil {
					log.Error("deferring reply failed", "route", in.Route(), "err", err)
				}
			}
			r := <-done
			if r.err == nil && r.resp.Modal != nil {
				log.Warn("a modal came too late to open", "route", in.Route())
				setOutcome(ctx, OutcomeError)
				return Reply(Printer(in).Apology()), nil
			}
			return r.resp, r.err
		}
	}
}

// GuildOnly refuses commands used outside a server. Buttons pass: some are
// in direct messages (a seat offer, an invitation), and each checks the
// group its signed custom id names.
func GuildOnly(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		if in.GuildID == "" && in.Type != TypeComponent && !in.dmAllowed {
			setOutcome(ctx, OutcomeRefused)
			if in.Type == TypeAutocomplete {
				return Response{}, nil
			}
			return Reply(Printer(in).NotInServer()), nil
		}
		return next(ctx, in)
	}
}

// RequireUser refuses an interaction that names nobody: every rule here is
// about who is asking.
func RequireUser(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		if in.UserID == "" {
			setOutcome(ctx, OutcomeRefused)
			return Reply(Printer(in).Apology()), nil
		}
		return next(ctx, in)
	}
}
