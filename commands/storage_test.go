package commands

import (
	"context"
	"fmt"
	"testing"

	"hearth/domain"
)

// fullStore is a store whose disk is full: every write fails as SQLite's
// does then, wrapped as domain.ErrStorage by the store.
type fullStore struct{ Store }

func (fullStore) SaveSettings(context.Context, domain.Settings) error {
	return fmt.Errorf("%w: database or disk is full", domain.ErrStorage)
}

// When the database cannot be written, the person hears so kindly, in
// their language, and nothing changes.
func TestStorageFaultIsToldKindly(t *testing.T) {
	e := newEnv(t)
	e.app.Store = fullStore{e.store}
	e.app.Perms = fakePerms{moderatorID: PermManageGuild}
	router := e.app.Router()
	for _, locale := range []string{"en-US", "es-ES"} {
		t.Run(locale, func(t *testing.T) {
			in := &Interaction{GuildID: "g1", UserID: moderatorID, Locale: locale, Command: "setup",
				Options: Options{"timezone": "Europe/Madrid"}}
			w := &recorder{}
			if err := router.Serve(context.Background(), in, w); err != nil {
				t.Fatal(err)
			}
			if got, want := w.answer(t).Content, Printer(in).StorageUnavailable(); got != want {
				t.Errorf("reply %q, want %q", got, want)
			}
			if st, _ := e.store.Settings(context.Background(), "g1"); st.Timezone != "" {
				t.Errorf("the time zone was saved: %+v", st)
			}
		})
	}
}
