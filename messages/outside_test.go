package messages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// wordsPattern is what a sentence looks like: two words with a space or
// punctuation between them.
var wordsPattern = regexp.MustCompile(`\pL{2,}[ ,.;:!?'’]+\pL`)

// notForPeople are the calls whose string arguments no member or moderator
// reads: operator logs, Go errors (which handlers log, never show), panics
// and route names.
var notForPeople = map[string]bool{
	"Debug": true, "Info": true, "Warn": true, "Error": true, "Log": true,
	"New": true, "Errorf": true, "panic": true,
	"Handle": true, "HandleAutocomplete": true, "HandleComponent": true, "HandleModal": true,
	"dbError": true, "HasPrefix": true,
}

// logOnly marks a line whose literal only an operator reads (a log field).
const logOnly = "// log only"

// TestNoSentenceOutsideTheCatalogue fails when a package that speaks to
// people builds a sentence from a string literal instead of taking it from
// the catalogue: every word a member or moderator reads must exist in
// every language.
func TestNoSentenceOutsideTheCatalogue(t *testing.T) {
	for _, dir := range []string{"../commands", "../groups", "../scheduler", "../bot", "../domain"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			for _, lit := range sentences(t, path) {
				t.Errorf("%s: a sentence outside the catalogue: %s", path, lit)
			}
		}
	}
}

// sentences returns the string literals of a Go file that read as words
// for people and are not arguments of a call in notForPeople, nor inside an
// Error or String method.
func sentences(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	exempt := map[*ast.BasicLit]bool{}
	markAll := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok {
				exempt[lit] = true
			}
			return true
		})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv != nil && (n.Name.Name == "Error" || n.Name.Name == "String") {
				markAll(n)
			}
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			if notForPeople[name] {
				for _, a := range n.Args {
					markAll(a)
				}
			}
		case *ast.ImportSpec:
			markAll(n)
		case *ast.Field:
			if n.Tag != nil {
				exempt[n.Tag] = true
			}
		}
		return true
	})
	lines := strings.Split(string(src), "\n")
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || exempt[lit] {
			return true
		}
		if line := fset.Position(lit.Pos()).Line; strings.Contains(lines[line-1], logOnly) {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && wordsPattern.MatchString(s) {
			out = append(out, fset.Position(lit.Pos()).String()+" "+lit.Value)
		}
		return true
	})
	return out
}

// The check itself catches a literal reply and lets logs and errors be.
func TestSentenceCheckCatchesALiteralReply(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.go")
	src := `package x
import ("errors"; "log/slog")
func reply() string { return "Welcome to the group, take care." }
func logs(l *slog.Logger) error { l.Info("group created fine"); return errors.New("no such group here") }
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := sentences(t, path)
	if len(got) != 1 || !strings.Contains(got[0], "Welcome to the group") {
		t.Fatalf("found %v, want exactly the literal reply", got)
	}
}
