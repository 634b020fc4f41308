package main

import (
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// The bug the crash test found (seeds 1796173840957330669 with
// on_archive = "lock", 1796174170280519479 with "delete"), reduced: an
// archive commits to the database first, then changes the channel; a
// hearth killed in between leaves the channel as it was, and start-up
// reconciliation, which repairs live groups only, never finishes it. The
// members keep posting in an archived group (or its channel stays).
//
// Here the first member's overwrite PUT hangs, hearth is killed while it
// does, and Discord carries the PUT out after all (as it may): the second
// member's overwrite was never sent.
func TestArchiveKilledBeforeItsChannelChangeIsFinished(t *testing.T) {
	r := newCrashRig(t, 1, "lock")
	r.startChild()
	a, b := r.users[0], r.users[1]
	if _, err := r.fake.Command(r.guild, r.mod, "group", fakediscord.Opt{Name: "create", Type: optSub,
		Options: []fakediscord.Opt{str("name", "Circle"), str("type", "open")}}).Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{a, b} {
		if _, err := r.fake.Command(r.guild, u, "join", str("group", "Circle")).Wait(10 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	const route = "/channels/{channel_id}/permissions/{overwrite_id}"
	r.fake.HangNext("PUT", route, 1, time.Minute)
	puts := func() int {
		n := 0
		for _, c := range r.fake.Journal() {
			if c.Method == "PUT" && c.Route == route {
				n++
			}
		}
		return n
	}
	before := puts()
	r.fake.Command(r.guild, r.mod, "group", fakediscord.Opt{Name: "archive", Type: optSub,
		Options: []fakediscord.Opt{str("group", "Circle")}})
	eventually(t, "the archive's first overwrite change", func() bool { return puts() > before })
	r.kill()
	r.startChild()
	defer r.kill()

	var g *crashGroup
	for _, x := range r.snapshot().groups {
		g = x
	}
	if g.live() {
		t.Fatalf("the archive was not committed before the kill; state %s", g.state)
	}
	problems, stale := r.channelProblems(r.snapshot())
	problems = append(problems, stale...)
	if len(problems) > 0 {
		t.Errorf("after the restart the archived group's channel is not read-only:\n%s", strings.Join(problems, "\n"))
	}
}
