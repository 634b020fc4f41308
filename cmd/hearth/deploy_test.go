package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const repoRoot = "../.."

// dockerfile is the Dockerfile's instructions, continuation lines joined,
// split into stages.
type stage struct {
	from  string
	lines []string // "INSTRUCTION arguments"
}

func readDockerfile(t *testing.T) []stage {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []stage
	var cont string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, cont = cont+line, ""
		instr, _, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			stages = append(stages, stage{from: line})
		case "ARG":
			if len(stages) == 0 {
				continue // a global ARG
			}
			fallthrough
		default:
			if len(stages) == 0 {
				t.Fatalf("Dockerfile: %q before any FROM", line)
			}
			stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
		}
	}
	return stages
}

func (s stage) find(instr string) []string {
	var out []string
	for _, l := range s.lines {
		if i, rest, _ := strings.Cut(l, " "); strings.EqualFold(i, instr) {
			out = append(out, rest)
		}
	}
	return out
}

// goBuildLine is the build stage's `go build` command.
func goBuildLine(t *testing.T, build stage) string {
	t.Helper()
	for _, r := range build.find("RUN") {
		if strings.Contains(r, "go build") {
			return r
		}
	}
	t.Fatal("Dockerfile: no RUN go build in the build stage")
	return ""
}

func TestDockerfileShape(t *testing.T) {
	stages := readDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages; want a build stage and a runtime stage", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.Contains(strings.ToLower(build.from), " as build") {
		t.Errorf("first stage %q is not named build", build.from)
	}
	if line := goBuildLine(t, build); !strings.Contains(line, "CGO_ENABLED=1") {
		t.Errorf("go build without cgo, which go-sqlite3 needs: %s", line)
	}
	if copies := final.find("COPY"); !slices.ContainsFunc(copies, func(c string) bool { return strings.HasPrefix(c, "--from=build ") }) {
		t.Errorf("the runtime stage copies nothing from the build stage: %v", copies)
	}
	users := final.find("USER")
	if len(users) == 0 {
		t.Error("the runtime stage runs as root: no USER")
	}
	for _, u := range users {
		if name, _, _ := strings.Cut(u, ":"); name == "root" || name == "0" {
			t.Errorf("the runtime stage runs as root: USER %s", u)
		}
	}
	if vols := final.find("VOLUME"); !slices.ContainsFunc(vols, func(v string) bool { return strings.Contains(v, "/data") }) {
		t.Errorf("no VOLUME for the database at /data: %v", vols)
	}
	cmd := strings.Join(final.find("CMD"), " ")
	for _, want := range []string{`"run"`, `"--config"`, `"/config/config.toml"`} {
		if !strings.Contains(cmd, want) {
			t.Errorf("CMD %s lacks %s", cmd, want)
		}
	}

	// The configuration baked into the image puts the database on the volume.
	t.Setenv("HEARTH_DISCORD_TOKEN", "from-env")
	cfg, err := loadConfig(filepath.Join(repoRoot, "deploy", "config.docker.toml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.Store.Path, "/data/") || cfg.HTTP.Listen == "" {
		t.Errorf("image config: store.path %q, http.listen %q", cfg.Store.Path, cfg.HTTP.Listen)
	}
}

// TestDockerfileBuildFlags builds Hearth here with the Dockerfile's own
// go build line (its environment and flags; the output path moved), so a
// flag that breaks the build, or a cgo build that does not link, fails
// here and not only in an image build.
func TestDockerfileBuildFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Hearth again with -trimpath; skipped with -short")
	}
	words := shellWords(goBuildLine(t, readDockerfile(t)[0]))
	env := os.Environ()
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env = append(env, words[0])
		words = words[1:]
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("build command %q is not go build", words)
	}
	bin := filepath.Join(t.TempDir(), "hearth")
	args := words[1:]
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "${VERSION}", "docker-test")
		if args[i] == "-o" && i+1 < len(args) {
			args[i+1] = bin
		}
	}
	build := exec.Command("go", args...)
	build.Dir, build.Env = repoRoot, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hearth docker-test" {
		t.Fatalf("the built binary says %q, %v", out, err)
	}
}

// TestDockerBuild builds the image where Docker is at hand.
func TestDockerBuild(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("docker is not installed: the image is not built here (TestDockerfileShape and TestDockerfileBuildFlags check what they can)")
	}
	if testing.Short() {
		t.Skip("builds a container image; skipped with -short")
	}
	if err := exec.Command(docker, "info").Run(); err != nil {
		t.Skipf("docker is installed but its daemon does not answer: %v", err)
	}
	build := exec.Command(docker, "build", "-q", "-t", "hearth:test", ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	out, err := exec.Command(docker, "run", "--rm", "hearth:test", "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "hearth ") {
		t.Fatalf("docker run hearth:test version: %q, %v", out, err)
	}
}

// shellWords splits a shell command line on spaces, keeping double-quoted
// parts together: enough for the Dockerfile's build line.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func TestSystemdUnit(t *testing.T) {
	path := filepath.Join(repoRoot, "deploy", "hearth.service")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=/usr/local/bin/hearth run --config /etc/hearth/config.toml",
		"DynamicUser=yes", "StateDirectory=hearth", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"CapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("hearth.service lacks %q", strings.TrimSpace(want))
		}
	}
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		out, _ := exec.Command(analyze, "verify", path).CombinedOutput()
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if line != "" && !strings.Contains(line, "/usr/local/bin/hearth") { // the binary is not installed here
				t.Errorf("systemd-analyze verify: %s", line)
			}
		}
	}
}
