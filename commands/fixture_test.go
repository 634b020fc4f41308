package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/domain"
	"hearth/groups"
	"hearth/internal/fakeclock"
	"hearth/internal/grouplock"
	"hearth/messages"
	"hearth/store"
)

// The people and server of the fixtures in testdata/.
const (
	guildID     = "1100000000000000001"
	memberID    = "2200000000000000001" // no server permissions
	moderatorID = "2200000000000000002" // Manage Channels on the server
	facilitID   = "2200000000000000003" // facilitates a group, moderates nothing
)

// memberChannelPerms is what Discord computes in member.permissions for the
// channel the command was typed in: here the channel grants Manage Channels
// by an overwrite, which must not make anyone a moderator.
const memberChannelPerms = "2248473465835073"

var (
	es          = messages.For(messages.Spanish)
	placeholder = regexp.MustCompile(`\{\{[a-z]+\}\}`)
)

// load reads testdata/<name>.json, a full INTERACTION_CREATE payload as
// Discord sends it, fills its {{placeholders}} from vars (user, username,
// perms, group, typed; user and its name and perms have defaults), and
// decodes it as the gateway does.
func load(t *testing.T, name string, vars map[string]string) *Interaction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"user": memberID, "perms": memberChannelPerms}
	for k, v := range vars {
		all[k] = v
	}
	if _, ok := all["username"]; !ok {
		all["username"] = "user" + all["user"][len(all["user"])-1:]
	}
	text := string(raw)
	for k, v := range all {
		quoted, _ := json.Marshal(v)
		text = strings.ReplaceAll(text, "{{"+k+"}}", string(quoted[1:len(quoted)-1]))
	}
	if left := placeholder.FindString(text); left != "" {
		t.Fatalf("%s: placeholder %s not given", name, left)
	}
	var di discordgo.Interaction
	if err := json.Unmarshal([]byte(text), &di); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	in, ok := Decode(&di)
	if !ok {
		t.Fatalf("%s: Decode refused interaction type %d", name, di.Type)
	}
	return in
}

// fakeChannels is groups.Channels recording each call as one line, such as
// "AllowMember chan-1 2200000000000000001"; fail makes a method refuse.
type fakeChannels struct {
	mu    sync.Mutex
	made  int
	calls []string
	fail  map[string]bool // by method name
}

var errRefused = errors.New("fake discord: refused")

func (f *fakeChannels) record(method string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := method
	for _, a := range args {
		line += fmt.Sprint(" ", a)
	}
	f.calls = append(f.calls, line)
	if f.fail[method] {
		return errRefused
	}
	return nil
}

func (f *fakeChannels) CreateGroupChannel(_ context.Context, spec groups.ChannelSpec) (string, error) {
	if err := f.record("CreateGroupChannel", spec.Name); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.made++
	return fmt.Sprintf("chan-%d", f.made), nil
}

func (f *fakeChannels) AllowMember(_ context.Context, channelID, userID string) error {
	return f.record("AllowMember", channelID, userID)
}

func (f *fakeChannels) RemoveMember(_ context.Context, channelID, userID string) error {
	return f.record("RemoveMember", channelID, userID)
}

func (f *fakeChannels) ArchiveChannel(_ context.Context, channelID string, memberIDs []string, deleteChannel bool) error {
	return f.record("ArchiveChannel", channelID, strings.Join(memberIDs, ","), deleteChannel)
}

func (f *fakeChannels) SetRoleAccess(_ context.Context, channelID, roleID string, allow bool) error {
	return f.record("SetRoleAccess", channelID, roleID, allow)
}

func (f *fakeChannels) SendMessage(_ context.Context, channelID, content string, _ []string, _ string) error {
	return f.record("SendMessage", channelID, content)
}

func (f *fakeChannels) SendDM(_ context.Context, userID, content string, _ []groups.Button, _ string) error {
	return f.record("SendDM", userID)
}

func (f *fakeChannels) RenameChannel(_ context.Context, channelID, name, topic string) error {
	return f.record("RenameChannel", channelID, name, topic)
}

func (f *fakeChannels) PostMessage(_ context.Context, channelID, content string, _ []groups.Button) (string, error) {
	return "1", f.record("PostMessage", channelID, content)
}

func (f *fakeChannels) EditMessage(_ context.Context, channelID, messageID, content string, _ []groups.Button) error {
	return f.record("EditMessage", channelID, messageID, content)
}

// took returns the calls since the last took, and forgets them.
func (f *fakeChannels) took() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

// fakePerms answers each user's server-wide permissions from a table;
// anyone not in it has none.
type fakePerms map[string]int64

func (p fakePerms) ServerPermissions(_ context.Context, in *Interaction) (int64, error) {
	return p[in.UserID], nil
}

// LogExposure says everyone can read a channel whose id starts with "public".
func (p fakePerms) LogExposure(_ context.Context, _, channelID, _ string) (domain.Exposure, error) {
	if strings.HasPrefix(channelID, "public") {
		return domain.ExposedEveryone, nil
	}
	return "", nil
}

// env is a Hearth with a real store, a fake clock and a fake Discord.
type env struct {
	store   *store.Store
	discord *fakeChannels
	clock   *fakeclock.Clock
	app     *App
	router  *Router
}

// start is when every test begins: a Wednesday evening.
var start = time.Date(2025, 1, 15, 18, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{store: st, discord: &fakeChannels{fail: map[string]bool{}}, clock: fakeclock.New(start)}
	log := quiet()
	e.app = &App{
		Store: st,
		Groups: &groups.Service{Store: st, People: st, Discord: e.discord, Locks: &grouplock.Locks{},
			Clock: e.clock, Log: log},
		Perms:           fakePerms{moderatorID: PermManageChannels},
		Clock:           e.clock,
		Log:             log,
		DefaultTimezone: "UTC",
		DeferAfter:      time.Minute, // a slow CI machine is not what these tests are about
	}
	e.router = e.app.Router()
	return e
}

// serve plays in into the router and returns its one answer.
func (e *env) serve(t *testing.T, in *Interaction) Response {
	t.Helper()
	w := &recorder{}
	if err := e.router.Serve(context.Background(), in, w); err != nil {
		t.Fatal(err)
	}
	return w.answer(t)
}

// seed creates g in the fixtures' server through the groups service, as
// /group create would, and returns it as stored, channel and all. The fake's
// calls so far are forgotten.
func (e *env) seed(t *testing.T, g domain.Group) domain.Group {
	t.Helper()
	g.GuildID = guildID
	if g.Timezone == "" {
		g.Timezone = "UTC"
	}
	g.CreatedBy = moderatorID
	g, err := e.app.Groups.Create(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	e.discord.took()
	return e.group(t, g.Name)
}

// group reads the live group called name from the store.
func (e *env) group(t *testing.T, name string) domain.Group {
	t.Helper()
	g, err := e.store.GroupByName(context.Background(), guildID, name)
	if err != nil {
		t.Fatalf("group %q: %v", name, err)
	}
	return g
}

// groupCount is how many live groups the server has.
func (e *env) groupCount(t *testing.T) int {
	t.Helper()
	gs, err := e.store.Groups(context.Background(), guildID)
	if err != nil {
		t.Fatal(err)
	}
	return len(gs)
}

func (e *env) isMember(t *testing.T, g domain.Group, userID string) bool {
	t.Helper()
	ok, err := e.store.IsMember(context.Background(), g.ID, userID)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// choiceValues are the values an autocomplete answer offers.
func choiceValues(r Response) []string {
	var v []string
	for _, c := range r.Choices {
		v = append(v, c.Value)
	}
	return v
}
