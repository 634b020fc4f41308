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

// /support works in a direct message with Hearth (other commands do not),
// with Hearth's default resources and no button: there is no server whose
// moderators to ask.
func TestSupportInADirectMessage(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		command, locale string
		want            Response
	}{
		{"support", "es-ES", Response{Notice: es.SupportDefault()}},
		{"support", "en-GB", Response{Notice: en.SupportDefault()}},
		{"groups", "en-GB", Reply(en.NotInServer())},
	} {
		t.Run(c.command+" "+c.locale, func(t *testing.T) {
			got := e.serve(t, &Interaction{UserID: "someone", Locale: c.locale, Command: c.command, Options: Options{}})
			if got.Content != c.want.Content || got.Notice != c.want.Notice || len(got.Buttons) != 0 {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
