package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"hearth/domain"
	"hearth/store"
)

// Config is Hearth's configuration file; config.example.toml documents it.
type Config struct {
	Discord struct {
		Token    string `toml:"token"`
		APIURL   string `toml:"api_url"`
		GuildID  string `toml:"guild_id"`
		RESTRate int    `toml:"rest_rate"`
		// PublicKey (hex) checks the signatures of HTTP interactions.
		PublicKey  string `toml:"public_key"`
		ShardID    int    `toml:"shard_id"`
		ShardCount int    `toml:"shard_count"`
		Shards     string `toml:"shards"` // "auto": shard_count from GET /gateway/bot
	} `toml:"discord"`
	Store struct {
		Path     string `toml:"path"`
		URL      string `toml:"url"`      // postgres://…: PostgreSQL, shared by several processes
		Instance string `toml:"instance"` // this process's name among them; empty: host-pid
		// LeaseSeconds is how long work this process claimed stays its own
		// unrenewed: after it dies, how long before another takes it over.
		LeaseSeconds int `toml:"lease_seconds"`
	} `toml:"store"`
	Defaults struct {
		Timezone string `toml:"timezone"`
	} `toml:"defaults"`
	Groups struct {
		OnArchive     string `toml:"on_archive"`
		OfferHours    int    `toml:"offer_hours"`
		RetentionDays int    `toml:"retention_days"`
	} `toml:"groups"`
	HTTP struct {
		Listen       string `toml:"listen"`
		Interactions bool   `toml:"interactions"`
	} `toml:"http"`
}

func defaultConfig() Config {
	var c Config
	c.Discord.APIURL = "https://discord.com/api/v10"
	c.Discord.RESTRate = 50 // Discord's global limit for a bot
	c.Discord.ShardCount = 1
	c.Store.Path = "hearth.db"
	c.Store.LeaseSeconds = int(store.DefaultLease / time.Second)
	c.Defaults.Timezone = "UTC"
	c.Groups.OnArchive = "lock"
	c.Groups.OfferHours = 24
	c.Groups.RetentionDays = 90
	return c
}

// loadConfig reads path over the defaults, applies HEARTH_DISCORD_TOKEN,
// and refuses unknown keys and invalid values, naming the key. A missing
// file is fine when needToken is false (hearth migrate with defaults).
func loadConfig(path string, needToken bool) (Config, error) {
	c := defaultConfig()
	md, err := toml.DecodeFile(path, &c)
	switch {
	case errors.Is(err, os.ErrNotExist) && !needToken:
	case errors.Is(err, os.ErrNotExist):
		return c, fmt.Errorf("config %s not found: copy config.example.toml there and set discord.token (see README.md)", path)
	case err != nil:
		return c, fmt.Errorf("config %s: %w", path, err)
	default:
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			keys := make([]string, len(undecoded))
			for i, k := range undecoded {
				keys[i] = k.String()
			}
			return c, fmt.Errorf("config %s: unknown key %s", path, strings.Join(keys, ", "))
		}
	}
	if tok := os.Getenv("HEARTH_DISCORD_TOKEN"); tok != "" {
		c.Discord.Token = tok
	}
	if u := os.Getenv("HEARTH_STORE_URL"); u != "" {
		c.Store.URL = u
	}
	return c, c.validate(needToken)
}

func (c Config) validate(needToken bool) error {
	if needToken && strings.TrimSpace(c.Discord.Token) == "" {
		return errors.New("config: discord.token is empty; set it, or the HEARTH_DISCORD_TOKEN environment variable")
	}
	if u, err := url.Parse(c.Discord.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: discord.api_url %q must be an http(s) URL such as https://discord.com/api/v10", c.Discord.APIURL)
	}
	if id := c.Discord.GuildID; id != "" && strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("config: discord.guild_id %q must be a server id (digits only)", id)
	}
	if c.Discord.RESTRate < 0 {
		return fmt.Errorf("config: discord.rest_rate %d must be requests per second (50 is Discord's limit), or 0 for no pacing", c.Discord.RESTRate)
	}
	if err := c.validateShards(); err != nil {
		return err
	}
	if err := c.validateInteractions(); err != nil {
		return err
	}
	if strings.TrimSpace(c.Store.Path) == "" && c.Store.URL == "" {
		return errors.New("config: store.path is empty")
	}
	if u := c.Store.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return errors.New("config: store.url must be a PostgreSQL URL (postgres://user:password@host/database), or empty for SQLite at store.path")
	}
	if n := c.Store.LeaseSeconds; n < minLeaseSeconds || n > 3600 {
		return fmt.Errorf("config: store.lease_seconds %d must be from %d to 3600: how long a process's claimed work waits, after it dies, to be taken over", n, minLeaseSeconds)
	}
	if _, err := domain.LoadTimezone(c.Defaults.Timezone); err != nil {
		return fmt.Errorf("config: defaults.timezone %q must be an IANA time zone such as Europe/Madrid or UTC", c.Defaults.Timezone)
	}
	if c.Groups.OfferHours < 1 || c.Groups.OfferHours > 24*14 {
		return fmt.Errorf("config: groups.offer_hours %d must be from 1 to 336 (two weeks)", c.Groups.OfferHours)
	}
	if c.Groups.RetentionDays < 0 || c.Groups.RetentionDays > 36500 {
		return fmt.Errorf("config: groups.retention_days %d must be days from 1 to 36500, or 0 to keep member records of archived groups for ever", c.Groups.RetentionDays)
	}
	if c.Groups.OnArchive != "lock" && c.Groups.OnArchive != "delete" {
		return fmt.Errorf("config: groups.on_archive %q must be \"lock\" or \"delete\"", c.Groups.OnArchive)
	}
	if l := c.HTTP.Listen; l != "" {
		_, port, err := net.SplitHostPort(l)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			return fmt.Errorf("config: http.listen %q must be host:port, such as 127.0.0.1:9090 or :9090, or empty for no HTTP server", l)
		}
	}
	return nil
}

// minLeaseSeconds is the shortest lease: leases are kept in whole seconds
// and renewed every third of their term, so a shorter one would lapse
// while its process is merely busy.
const minLeaseSeconds = 3

// leaseTerm is store.lease_seconds as a duration.
func (c Config) leaseTerm() time.Duration { return time.Duration(c.Store.LeaseSeconds) * time.Second }

func (c Config) validateShards() error {
	d := c.Discord
	if d.Shards != "" && d.Shards != "auto" {
		return fmt.Errorf("config: discord.shards %q must be \"auto\" (the count Discord recommends) or empty (discord.shard_count)", d.Shards)
	}
	if d.ShardCount < 1 {
		return fmt.Errorf("config: discord.shard_count %d must be 1 or more", d.ShardCount)
	}
	if d.ShardID < 0 || (d.Shards == "" && d.ShardID >= d.ShardCount) {
		return fmt.Errorf("config: discord.shard_id %d must be from 0 to discord.shard_count-1 (%d)", d.ShardID, d.ShardCount-1)
	}
	return nil
}

func (c Config) validateInteractions() error {
	if key := c.Discord.PublicKey; key != "" {
		if b, err := hex.DecodeString(key); err != nil || len(b) != ed25519.PublicKeySize {
			return fmt.Errorf("config: discord.public_key must be the application's public key: %d hex digits, from the Developer Portal (General Information)", 2*ed25519.PublicKeySize)
		}
	}
	if !c.HTTP.Interactions {
		return nil
	}
	if c.HTTP.Listen == "" {
		return errors.New("config: http.interactions needs http.listen, the address Discord's requests reach")
	}
	if c.Discord.PublicKey == "" {
		return errors.New("config: http.interactions needs discord.public_key, to check that requests come from Discord")
	}
	return nil
}

// publicKey is discord.public_key decoded (validate checked it).
func (c Config) publicKey() ed25519.PublicKey {
	b, _ := hex.DecodeString(c.Discord.PublicKey)
	return b
}
