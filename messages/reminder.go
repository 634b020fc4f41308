package messages

import (
	"fmt"
	"strings"
	"time"
)

// Reminder is the post in a group's channel before a session. It names no
// one but the members it mentions and says nothing a member cannot already
// see in the channel. The sender limits allowed_mentions to userIDs.
func Reminder(sessionAt time.Time, lead time.Duration, userIDs []string) string {
	var b strings.Builder
	if lead <= 0 {
		fmt.Fprintf(&b, "🔔 Your session is starting: %s (%s).", Timestamp(sessionAt), Relative(sessionAt))
	} else {
		fmt.Fprintf(&b, "⏰ Reminder: your next session is %s (%s).", Timestamp(sessionAt), Relative(sessionAt))
	}
	if len(userIDs) > 0 {
		b.WriteString("\n")
		for i, id := range userIDs {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(User(id))
		}
	}
	return b.String()
}

// Refusals of the schedule: option.
const (
	ScheduleEmpty    = "Please give a schedule, such as `0 18 * * MON` (Mondays at 18:00) or `@weekly`."
	ScheduleTooLong  = "That schedule is too long. Please use five fields, such as `0 18 * * MON` (Mondays at 18:00)."
	ScheduleTZPrefix = "Please leave `CRON_TZ=` or `TZ=` out of the schedule and choose the time zone with the `timezone` option instead."
	ScheduleEvery    = "`@every` counts time from whenever the bot starts, so sessions would drift. Please give a wall-clock time instead, such as `0 18 * * MON` (Mondays at 18:00) or `@daily`."
)

// ScheduleUnreadable refuses a schedule the cron parser could not read.
func ScheduleUnreadable(spec, reason string) string {
	return fmt.Sprintf("I couldn't read the schedule `%s` (%s). Please use five fields — minute hour day-of-month month day-of-week — "+
		"such as `0 18 * * MON` (Mondays at 18:00) or `30 19 1,15 * *` (the 1st and 15th at 19:30), "+
		"or one of `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`.", spec, reason)
}

// ScheduleNever refuses a schedule whose days never occur, such as 30 February.
func ScheduleNever(spec string) string {
	return fmt.Sprintf("The schedule `%s` never happens: none of its days exist in its months (like 30 February). Please check the day and month fields.", spec)
}

// RemindersTooMany refuses a reminder: option with too many lead times.
func RemindersTooMany(max int) string {
	return fmt.Sprintf("Please give at most %d reminder times, separated by commas, such as `24h,30m`.", max)
}

// ReminderUnreadable refuses a lead time that is not whole numbers with d, h or m.
func ReminderUnreadable(item string) string {
	return fmt.Sprintf("I couldn't read the reminder time `%s`. Please use whole numbers with d, h or m, such as `24h`, `1h30m` or `0m` (at the start).", item)
}

// ReminderNegative refuses a negative lead time.
func ReminderNegative(item string) string {
	return fmt.Sprintf("The reminder time `%s` is negative. Reminders count back from the start of the session, so please give a time such as `30m`, or `0m` for the start itself.", item)
}

// ReminderTooEarly refuses a lead time longer than max.
func ReminderTooEarly(item string, max time.Duration) string {
	return fmt.Sprintf("The reminder time `%s` is too far ahead: reminders can come at most %d days before a session.", item, int(max/(24*time.Hour)))
}

// ReminderDuplicate refuses a lead time given twice.
func ReminderDuplicate(item string) string {
	return fmt.Sprintf("The reminder time `%s` is given twice. Please list each time once.", item)
}
