package main

import (
	"bytes"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deploy/compose.yaml, as far as this test reads it. Unknown keys are an
// error, so a misspelt one is caught here rather than ignored by Docker.
type composeFile struct {
	Name     string                    `yaml:"name"`
	Hearth   composeService            `yaml:"x-hearth"` // the services' common part
	Services map[string]composeService `yaml:"services"`
	Configs  map[string]struct {
		Content string `yaml:"content"`
	} `yaml:"configs"`
	Volumes map[string]any `yaml:"volumes"`
}

type composeService struct {
	Build       string            `yaml:"build"`
	Image       string            `yaml:"image"`
	Restart     string            `yaml:"restart"`
	Environment map[string]string `yaml:"environment"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test        []string `yaml:"test"`
		Interval    string   `yaml:"interval"`
		Timeout     string   `yaml:"timeout"`
		StartPeriod string   `yaml:"start_period"`
		Retries     int      `yaml:"retries"`
	} `yaml:"healthcheck"`
	Configs []struct {
		Source string `yaml:"source"`
		Target string `yaml:"target"`
	} `yaml:"configs"`
	Ports   []string `yaml:"ports"`
	Volumes []string `yaml:"volumes"`
}

// composeVar is Compose's ${NAME} and ${NAME:?message}.
var composeVar = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)(:\?[^}]*)?\}`)

// readCompose reads deploy/compose.yaml with env's values put in, as
// docker compose does before anything else; a variable env lacks fails.
func readCompose(t *testing.T, env map[string]string) composeFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := composeVar.ReplaceAllStringFunc(string(raw), func(m string) string {
		name := composeVar.FindStringSubmatch(m)[1]
		v, ok := env[name]
		if !ok {
			t.Errorf("compose.yaml uses ${%s}, which the README does not ask for", name)
		}
		return v
	})
	var f composeFile
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	return f
}

// The compose file runs Hearth ×3 on one PostgreSQL: every Hearth
// service's configuration loads with Hearth's own loader (so every key is
// one Hearth knows, every value valid), the shards are 0..shard_count-1
// each once, all name one database, the one the postgres service makes,
// and each is health-checked by `hearth health` on the port it listens on.
// Docker is not run here.
func TestComposeFileRunsOneProcessPerShardOnOneDatabase(t *testing.T) {
	env := map[string]string{"HEARTH_DISCORD_TOKEN": "token-from-env", "POSTGRES_PASSWORD": "s3cret"}
	f := readCompose(t, env)
	t.Setenv("HEARTH_DISCORD_TOKEN", "")
	t.Setenv("HEARTH_STORE_URL", "")

	pg, ok := f.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") || len(pg.Healthcheck.Test) == 0 {
		t.Fatalf("no postgres service with an image and a healthcheck: %+v", pg)
	}
	pgUser, pgDB, pgPassword := pg.Environment["POSTGRES_USER"], pg.Environment["POSTGRES_DB"], pg.Environment["POSTGRES_PASSWORD"]
	if pgUser == "" || pgDB == "" || pgPassword != env["POSTGRES_PASSWORD"] {
		t.Errorf("postgres service's environment %v", pg.Environment)
	}
	if _, err := os.Stat(filepath.Join(repoRoot, "deploy", f.Hearth.Build, "Dockerfile")); err != nil {
		t.Errorf("build context %q has no Dockerfile: %v", f.Hearth.Build, err)
	}

	var shards []int
	count, storeURL := 0, ""
	instances := map[string]bool{}
	for name, svc := range f.Services {
		if name == "postgres" {
			continue
		}
		if len(svc.Configs) != 1 {
			t.Errorf("service %s: configs %+v, want its config.toml", name, svc.Configs)
			continue
		}
		target := svc.Configs[0].Target
		if want := []string{"CMD", "/usr/local/bin/hearth", "health", "--config", target}; !slices.Equal(svc.Healthcheck.Test, want) {
			t.Errorf("service %s: healthcheck %q, want %q", name, svc.Healthcheck.Test, want)
		}
		if svc.Build == "" || svc.DependsOn["postgres"].Condition != "service_healthy" {
			t.Errorf("service %s: build %q, depends on %+v: want the image built here, started once postgres is healthy", name, svc.Build, svc.DependsOn)
		}
		content, ok := f.Configs[svc.Configs[0].Source]
		if !ok {
			t.Errorf("service %s: config %q is not defined", name, svc.Configs[0].Source)
			continue
		}
		path := writeConfig(t, content.Content)
		t.Setenv("HEARTH_DISCORD_TOKEN", svc.Environment["HEARTH_DISCORD_TOKEN"])
		cfg, err := loadConfig(path, true)
		if err != nil {
			t.Errorf("service %s: Hearth refuses its config: %v", name, err)
			continue
		}
		if cfg.Discord.Token != env["HEARTH_DISCORD_TOKEN"] {
			t.Errorf("service %s: the token is not the one from the environment", name)
		}
		shards = append(shards, cfg.Discord.ShardID)
		if count == 0 {
			count, storeURL = cfg.Discord.ShardCount, cfg.Store.URL
		}
		if cfg.Discord.ShardCount != count || cfg.Discord.Shards != "" {
			t.Errorf("service %s: shard_count %d (shards %q), another has %d: every process must have the same", name, cfg.Discord.ShardCount, cfg.Discord.Shards, count)
		}
		if cfg.Store.URL != storeURL || storeURL == "" {
			t.Errorf("service %s: store.url %q, another has %q: they must share one PostgreSQL database", name, cfg.Store.URL, storeURL)
		}
		if cfg.Store.Instance == "" || instances[cfg.Store.Instance] {
			t.Errorf("service %s: store.instance %q is empty or another's", name, cfg.Store.Instance)
		}
		instances[cfg.Store.Instance] = true
		_, port, _ := net.SplitHostPort(cfg.HTTP.Listen)
		if len(svc.Ports) != 1 || !strings.HasSuffix(svc.Ports[0], ":"+port) || !strings.HasPrefix(svc.Ports[0], "127.0.0.1:") {
			t.Errorf("service %s: ports %v, want its http.listen port %s published on loopback only", name, svc.Ports, port)
		}
	}
	slices.Sort(shards)
	for i, id := range shards {
		if id != i {
			t.Fatalf("shard ids %v: want 0..%d each once", shards, count-1)
		}
	}
	if len(shards) != count || count < 2 {
		t.Fatalf("%d Hearth services for shard_count %d", len(shards), count)
	}
	u, err := url.Parse(storeURL)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	if u.Hostname() != "postgres" || u.User.Username() != pgUser || password != pgPassword || strings.TrimPrefix(u.Path, "/") != pgDB {
		t.Errorf("store.url %s is not the postgres service's database %s of user %s", u.Redacted(), pgDB, pgUser)
	}
}
