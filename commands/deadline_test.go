package commands

import (
	"context"
	"testing"
	"time"
)

// slowPerms answers like Discord after a slow REST read of the server's
// roles (right after start-up, or under a 429).
type slowPerms struct{ fakePerms }

func (p slowPerms) ServerPermissions(ctx context.Context, in *Interaction) (int64, error) {
	time.Sleep(300 * time.Millisecond)
	return p.fakePerms.ServerPermissions(ctx, in)
}

// The moderator check runs inside the deadline clock: a slow permission
// lookup gets the reply deferred, not lost (issue 10, defect 7).
func TestSlowPermissionCheckIsDeferred(t *testing.T) {
	e := newEnv(t)
	e.app.Perms = slowPerms{fakePerms{moderatorID: PermManageChannels}}
	e.app.DeferAfter = 50 * time.Millisecond
	router := e.app.Router()
	in := load(t, "group_info", map[string]string{"user": moderatorID, "perms": "16", "group": "Nowhere"})
	w := &recorder{}
	if err := router.Serve(context.Background(), in, w); err != nil {
		t.Fatal(err)
	}
	if got := w.answer(t).Content; !w.deferred || got != en.UnknownGroup("Nowhere") {
		t.Fatalf("deferred %v, answer %q; want deferred, then %q", w.deferred, got, en.UnknownGroup("Nowhere"))
	}
}
