package commands

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// FuzzInteraction plays any payload into Decode and, when it decodes, into
// the whole router with a real store: no input crashes Hearth, and every
// interaction is answered at most once. It is seeded with the fixtures of
// real payloads.
func FuzzInteraction(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, path := range seeds {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`{"type":2,"data":null}`))
	f.Add([]byte(`{"type":3,"data":{"custom_id":":::"}}`))
	f.Add([]byte(`{"type":2,"guild_id":"1","member":{"user":{"id":"2"}},"data":{"name":"group","options":[{"type":1,"name":"create","options":[{"type":4,"name":"capacity","value":1e300},{"type":3,"name":"name","value":null}]}]}}`))
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var i discordgo.Interaction
		if err := json.Unmarshal(raw, &i); err != nil {
			return
		}
		in, ok := Decode(&i)
		if !ok {
			return
		}
		w := &recorder{}
		if err := e.router.Serve(context.Background(), in, w); err != nil {
			t.Fatalf("serve: %v", err)
		}
		if len(w.answers) > 1 {
			t.Fatalf("%d answers to one interaction", len(w.answers))
		}
	})
}
