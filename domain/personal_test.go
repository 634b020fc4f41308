package domain

import (
	"encoding/json"
	"testing"
)

// A record's own field must not take a name of its group's (json drops
// the embedded one silently): every record keeps group_id, group and the
// group's state.
func TestPersonalRecordsKeepTheirGroup(t *testing.T) {
	ref := GroupRef{GroupID: 7, Group: "Circle", State: StateArchived}
	records := map[string]any{
		"groups":           GroupRecord{GroupRef: ref},
		"waiting":          WaitingRecord{GroupRef: ref, List: SeatList},
		"offers":           OfferRecord{GroupRef: ref, OfferState: "taken"},
		"agreements":       AgreedRecord{GroupRef: ref},
		"attendance":       MarkRecord{GroupRef: ref, Mark: "here"},
		"voice":            VoiceRecord{GroupRef: ref},
		"reminders":        ReminderRecord{GroupRef: ref},
		"reminder_modes":   ReminderModeRecord{GroupRef: ref, Mode: RemindOff},
		"direct_reminders": DirectReminderRecord{GroupRef: ref, Delivery: "sent"},
		"talking_rounds":   RoundRecord{GroupRef: ref, Outcome: TurnDone},
	}
	for name, rec := range records {
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if got["group_id"] != 7.0 || got["group"] != "Circle" || got["state"] != string(StateArchived) {
			t.Errorf("%s: %s loses its group", name, b)
		}
	}
}
