package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hearth/store"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExampleConfigLoads(t *testing.T) {
	t.Setenv("HEARTH_DISCORD_TOKEN", "from-env")
	cfg, err := loadConfig(filepath.Join("..", "..", "config.example.toml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Discord.Token != "from-env" || cfg.Store.Path != "hearth.db" || cfg.Groups.OnArchive != "lock" ||
		cfg.Defaults.Timezone != "UTC" || cfg.Discord.APIURL != "https://discord.com/api/v10" ||
		cfg.Discord.RESTRate != 50 || cfg.HTTP.Listen != "" || cfg.Groups.RetentionDays != 90 ||
		cfg.leaseTerm() != store.DefaultLease {
		t.Fatalf("example config = %+v", cfg)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	t.Setenv("HEARTH_DISCORD_TOKEN", "")
	cases := []struct{ name, body, key string }{
		{"unknown key", "[discord]\ntoken = \"x\"\ncolour = 1\n", "discord.colour"},
		{"unknown table", "[discord]\ntoken = \"x\"\n[extra]\na = 1\n", "extra"},
		{"missing token", "[discord]\ntoken = \"\"\n", "discord.token"},
		{"bad api url", "[discord]\ntoken = \"x\"\napi_url = \"discord\"\n", "discord.api_url"},
		{"bad guild id", "[discord]\ntoken = \"x\"\nguild_id = \"abc\"\n", "discord.guild_id"},
		{"bad timezone", "[discord]\ntoken = \"x\"\n[defaults]\ntimezone = \"Mars/Base\"\n", "defaults.timezone"},
		{"bad on_archive", "[discord]\ntoken = \"x\"\n[groups]\non_archive = \"burn\"\n", "groups.on_archive"},
		{"negative retention", "[discord]\ntoken = \"x\"\n[groups]\nretention_days = -1\n", "groups.retention_days"},
		{"wrong type", "[discord]\ntoken = 5\n", "token"},
		{"negative rest rate", "[discord]\ntoken = \"x\"\nrest_rate = -1\n", "discord.rest_rate"},
		{"bad listen", "[discord]\ntoken = \"x\"\n[http]\nlisten = \"nonsense\"\n", "http.listen"},
		{"listen without port", "[discord]\ntoken = \"x\"\n[http]\nlisten = \"127.0.0.1\"\n", "http.listen"},
		{"listen on a named port", "[discord]\ntoken = \"x\"\n[http]\nlisten = \":http\"\n", "http.listen"},
		{"listen past 65535", "[discord]\ntoken = \"x\"\n[http]\nlisten = \":70000\"\n", "http.listen"},
		{"shard past the count", "[discord]\ntoken = \"x\"\nshard_id = 2\nshard_count = 2\n", "discord.shard_id"},
		{"no shards", "[discord]\ntoken = \"x\"\nshard_count = 0\n", "discord.shard_count"},
		{"shards neither auto nor empty", "[discord]\ntoken = \"x\"\nshards = \"4\"\n", "discord.shards"},
		{"public key not hex", "[discord]\ntoken = \"x\"\npublic_key = \"xyz\"\n", "discord.public_key"},
		{"interactions without listen", "[discord]\ntoken = \"x\"\npublic_key = \"" + strings.Repeat("ab", 32) + "\"\n[http]\ninteractions = true\n", "http.listen"},
		{"lease too short to renew", "[discord]\ntoken = \"x\"\n[store]\nlease_seconds = 2\n", "store.lease_seconds"},
		{"lease past an hour", "[discord]\ntoken = \"x\"\n[store]\nlease_seconds = 3601\n", "store.lease_seconds"},
		{"interactions without key", "[discord]\ntoken = \"x\"\n[http]\nlisten = \":9090\"\ninteractions = true\n", "discord.public_key"},
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "missing.toml"), true); err == nil ||
		!strings.Contains(err.Error(), "copy config.example.toml") {
		t.Errorf("a missing config file gives %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadConfig(writeConfig(t, c.body), true)
			if err == nil || !strings.Contains(err.Error(), c.key) {
				t.Fatalf("error %v does not name %s", err, c.key)
			}
		})
	}
}
