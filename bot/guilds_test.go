package bot

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestGuildPermissions(t *testing.T) {
	var c guildCache
	c.setGuild(&discordgo.Guild{ID: "g", OwnerID: "owner", Roles: []*discordgo.Role{
		{ID: "g", Permissions: discordgo.PermissionViewChannel},
		{ID: "mods", Permissions: discordgo.PermissionManageChannels},
		{ID: "admins", Permissions: discordgo.PermissionAdministrator},
	}})
	cases := []struct {
		name  string
		guild string
		user  string
		roles []string
		want  int64
		ok    bool
	}{
		{"@everyone only", "g", "u", nil, discordgo.PermissionViewChannel, true},
		{"a role adds", "g", "u", []string{"mods"}, discordgo.PermissionViewChannel | discordgo.PermissionManageChannels, true},
		{"administrator is everything", "g", "u", []string{"admins"}, discordgo.PermissionAll, true},
		{"the owner is everything", "g", "owner", nil, discordgo.PermissionAll, true},
		{"an unknown role cannot be computed", "g", "u", []string{"new"}, 0, false},
		{"an unknown server cannot be computed", "other", "u", nil, 0, false},
	}
	for _, tc := range cases {
		got, ok := c.permissions(tc.guild, tc.user, tc.roles)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	c.setRoles("g", []*discordgo.Role{{ID: "new", Permissions: discordgo.PermissionSendMessages}})
	if got, ok := c.permissions("g", "u", []string{"new"}); !ok || got != discordgo.PermissionViewChannel|discordgo.PermissionSendMessages {
		t.Errorf("after reading the roles: %d, %v", got, ok)
	}
}

// A caller without a user id is never the server's owner, even when the
// owner is not known yet (issue 10, defect 9).
func TestNoUserIsNeverTheOwner(t *testing.T) {
	var c guildCache
	c.setRoles("g", []*discordgo.Role{{ID: "g", Permissions: 0}}) // owner unknown until GUILD_CREATE
	if perms, ok := c.permissions("g", "", nil); !ok || perms != 0 {
		t.Fatalf("permissions for no user = %d, %v; want none", perms, ok)
	}
}
