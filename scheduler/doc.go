// Package scheduler runs Hearth's timed work: it sends reminders, locks
// closed groups at their start and completes them after their last
// session. Every job is a database row with its next fire time, written by
// the store together with each change to its group, so a restart loses
// nothing and repeats nothing; the scheduler only carries the jobs out.
// One loop sleeps until the earliest due job, or until the store says a
// plan changed, and hands the slow work (Discord) to a few workers.
//
// # Reminders are sent once
//
// The guarantee spans four places:
//
//  1. The intent is recorded first (store.RecordFirings): a firings row
//     keyed UNIQUE by group, session and lead time, in the same transaction
//     that moves the job on to the next session. A second intent for the
//     same reminder is refused by the key, so a re-planned or replayed job
//     never sends again.
//  2. Before each message the attempt's time is recorded
//     (store.BeginAttempt); each message carries a nonce derived from the
//     key and its part number (reminderNonce in fire.go), which the bot
//     sends with enforce_nonce (bot.SendMessage), so Discord drops a repeat
//     for a few minutes.
//  3. After Discord confirms, the part is recorded as sent (store.PartSent);
//     after the last part the firing is 'sent', and who was mentioned is
//     forgotten.
//  4. Failures are sorted by the sender (bot.SendMessage): a refusal (4xx)
//     ends the reminder (ErrRefused); a 5xx, a timeout or a lost answer
//     leaves the outcome unknown (ErrOutcomeUnknown).
//
// A crash between 2 and 3 leaves an attempt whose outcome cannot be known.
// At start-up (store.RecoverInFlight, resumeFiring in fire.go) it is sent
// again with the same nonce only if its session has not begun and the
// attempt is recent enough (nonceWindow) for Discord to drop a repeat;
// otherwise it is skipped and logged: Hearth would rather miss a reminder
// than ping people twice. The same holds when a worker cannot record an
// outcome (the database failed three tries in a row): it gives the work up,
// the lease of work no worker holds is not renewed, and once it runs out
// the loop takes it over (store.TakeOverExpired) as it would a dead
// process's.
package scheduler
