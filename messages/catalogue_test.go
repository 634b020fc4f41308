package messages

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// placeholder finds the fields a template uses: {{.Group}}, {{if .Reason}}.
var placeholder = regexp.MustCompile(`\{\{[^}]*?\.([A-Za-z_]\w*)`)

func fields(src string) []string {
	var fs []string
	for _, m := range placeholder.FindAllStringSubmatch(src, -1) {
		fs = append(fs, m[1])
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

// forms is a message's plural forms that have text.
func forms(m *i18n.Message) map[string]string {
	all := map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other}
	maps.DeleteFunc(all, func(_, v string) bool { return v == "" })
	return all
}

func messagesOf(lang Lang) map[string]*i18n.Message {
	byID := map[string]*i18n.Message{}
	for _, m := range catalogue.files[lang].Messages {
		byID[m.ID] = m
	}
	return byID
}

func TestCatalogueHasEnglishKeysAndPlaceholders(t *testing.T) {
	en := messagesOf(English)
	for _, lang := range Langs()[1:] {
		t.Run(string(lang), func(t *testing.T) {
			got := messagesOf(lang)
			for id := range en {
				if got[id] == nil {
					t.Errorf("missing %s", id)
				}
			}
			for id, m := range got {
				want := en[id]
				if want == nil {
					t.Errorf("%s is not in English", id)
					continue
				}
				if m.Other == "" {
					t.Errorf("%s has no \"other\" form", id)
				}
				// The forms a language needs besides "other" (Spanish "one",
				// but no "one" in Japanese) are checked, by its CLDR rules, in
				// TestPluralFormsCoverEveryCount.
				for form, src := range forms(m) {
					ref := forms(want)[form]
					if ref == "" {
						ref = want.Other
					}
					if g, w := fields(src), fields(ref); !slices.Equal(g, w) {
						t.Errorf("%s.%s uses %v, English %v", id, form, g, w)
					}
				}
			}
		})
	}
}

// Every count Hearth shows (seats, members, limits) finds its plural form
// in every language, by that language's CLDR rules.
func TestPluralFormsCoverEveryCount(t *testing.T) {
	for _, lang := range Langs() {
		p := For(lang)
		for id, m := range messagesOf(English) {
			if len(forms(m)) < 2 {
				continue
			}
			t.Run(string(lang)+"/"+id, func(t *testing.T) {
				for n := range 2001 {
					data := map[string]any{"Count": n, "Limit": n}
					if _, err := p.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data}); err != nil {
						t.Fatalf("count %d: %v", n, err)
					}
				}
			})
		}
	}
}

// Every message renders in every language without error or a gap.
func TestEveryMessageRenders(t *testing.T) {
	for _, lang := range Langs() {
		p := For(lang)
		for id, m := range messagesOf(lang) {
			t.Run(string(lang)+"/"+id, func(t *testing.T) {
				for form, src := range forms(m) {
					data := map[string]any{}
					for _, f := range fields(src) {
						data[f] = "X"
					}
					c := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
					if len(forms(m)) > 1 {
						c.PluralCount = 2
					}
					got, err := p.localizer.Localize(c)
					if err != nil || got == "" || strings.Contains(got, "<no value>") {
						t.Errorf("%s: %q, %v", form, got, err)
					}
				}
			})
		}
	}
}

func TestLangOf(t *testing.T) {
	cases := map[string]Lang{
		"es": Spanish, "es-ES": Spanish, "es-419": Spanish, "es-MX": Spanish,
		"en-US": English, "en-GB": English, "pt-BR": English, "fr": English, "": English,
		"ES-es": Spanish, "zh-TW": English,
	}
	for locale, want := range cases {
		t.Run(locale, func(t *testing.T) {
			if got := LangOf(locale); got != want {
				t.Errorf("LangOf(%q) = %q, want %q", locale, got, want)
			}
		})
	}
}

func TestLangsAndParseLang(t *testing.T) {
	if got := Langs(); len(got) < 2 || got[0] != English || !slices.Contains(got, Spanish) {
		t.Fatalf("Langs() = %v, want English first, then Spanish among others", got)
	}
	cases := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"en", English, true}, {"es", Spanish, true}, {" ES ", Spanish, true},
		{"pt", "", false}, {"", "", false}, {"es-ES", "", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := ParseLang(c.in)
			if ok != c.ok || (ok && got != c.want) {
				t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestForUnknownIsEnglish(t *testing.T) {
	if p := For("xx"); p == nil || p.Lang() != English {
		t.Fatalf("For(xx) = %v, want the English printer", p)
	}
	if p := For(Spanish); p.Lang() != Spanish || p.Apology() == For(English).Apology() {
		t.Fatalf("For(es) does not speak Spanish")
	}
}

// A language is one file: it is found, and serves the locales it declares.
func TestANewLanguageIsOneFile(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"locales/en.toml", "locales/es.toml"} {
		b, err := localeFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	fsys["locales/pt.toml"] = &fstest.MapFile{Data: []byte(`_discord_locales = "pt-BR"
seats_left.one = "{{.Count}} vaga"
seats_left.other = "{{.Count}} vagas"
`)}
	c, err := parse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Lang{English, Spanish, "pt"}; !slices.Equal(c.langs, want) {
		t.Errorf("langs %v, want %v", c.langs, want)
	}
	if c.discord["pt-BR"] != "pt" {
		t.Errorf("pt-BR serves %q", c.discord["pt-BR"])
	}
	pt := c.printers["pt"]
	for n, want := range map[int]string{1: "1 vaga", 2: "2 vagas"} {
		if got := pt.count("seats_left", n, nil); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got, want := pt.text("apology"), c.printers[English].text("apology"); got != want {
		t.Errorf("a missing message is %q, want English %q", got, want)
	}
}

func TestDescribe(t *testing.T) {
	locales := []string{"es-ES", "es-419"}
	for id := range messagesOf(English) {
		id, ok := strings.CutPrefix(id, "cmd_")
		if !ok {
			continue
		}
		t.Run(id, func(t *testing.T) {
			text, loc := Describe(id)
			if n := utf8.RuneCountInString(text); text == "" || n > 100 {
				t.Errorf("English is %d characters: %q", n, text)
			}
			for _, code := range locales {
				if n := utf8.RuneCountInString(loc[code]); loc[code] == "" || n > 100 {
					t.Errorf("%s is %d characters: %q", code, n, loc[code])
				}
				if loc[code] == text && !strings.HasPrefix(id, "choice_") {
					t.Errorf("%s is the English text %q", code, text)
				}
			}
			if _, ok := loc["en-US"]; ok {
				t.Errorf("English is a localization: %v", loc)
			}
		})
	}
	t.Run("unknown id panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		Describe("no_such_command")
	})
}
