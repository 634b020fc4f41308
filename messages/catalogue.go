package messages

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Each file in locales/ is one language, named by its code (es.toml). A new
// language is a new file: nothing here lists them.
//
//go:embed locales/*.toml
var localeFiles embed.FS

// localesKey is the reserved catalogue entry that lists, space-separated,
// the Discord locale codes a file serves (its description_localizations).
const localesKey = "_discord_locales"

// Lang is a catalogue language: the name of a file in locales/.
type Lang string

const (
	English Lang = "en"
	Spanish Lang = "es"
)

// catalogue is every language, loaded once at start-up. It is read-only
// afterwards, so Printers are shared without locks.
var catalogue = load(localeFiles)

type languages struct {
	bundle   *i18n.Bundle
	langs    []Lang // English first, then by code
	files    map[Lang]*i18n.MessageFile
	printers map[Lang]*Printer
	discord  map[string]Lang // Discord locale code -> language, as the files declare
}

func load(fsys fs.FS) *languages {
	c, err := parse(fsys)
	if err != nil {
		// The files are embedded and tested: this is a build mistake.
		panic("messages: " + err.Error())
	}
	return c
}

func parse(fsys fs.FS) (*languages, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	c := &languages{bundle: bundle, files: map[Lang]*i18n.MessageFile{},
		printers: map[Lang]*Printer{}, discord: map[string]Lang{}}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := bundle.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		lang := Lang(strings.TrimSuffix(path.Base(name), ".toml"))
		c.files[lang] = f
		c.langs = append(c.langs, lang)
	}
	if c.files[English] == nil {
		return nil, fmt.Errorf("no %s.toml", English)
	}
	slices.SortFunc(c.langs, func(a, b Lang) int {
		switch {
		case a == b:
			return 0
		case a == English:
			return -1
		case b == English:
			return 1
		}
		return strings.Compare(string(a), string(b))
	})
	for _, lang := range c.langs {
		p := newPrinter(bundle, lang, c.files[lang])
		c.printers[lang] = p
		for _, code := range strings.Fields(p.plain[localesKey]) {
			c.discord[code] = lang
		}
	}
	return c, nil
}

// LangOf is the catalogue language for a Discord locale ("es-419" is
// Spanish): a code a file declares, else the language of its primary
// subtag, else English.
func LangOf(locale string) Lang {
	if lang, ok := catalogue.discord[locale]; ok {
		return lang
	}
	primary, _, _ := strings.Cut(locale, "-")
	if lang, ok := ParseLang(primary); ok {
		return lang
	}
	return English
}

// Langs is every catalogue language, English first.
func Langs() []Lang { return slices.Clone(catalogue.langs) }

// ParseLang reads a catalogue language's code, as /setup language: takes it.
func ParseLang(s string) (Lang, bool) {
	lang := Lang(strings.ToLower(strings.TrimSpace(s)))
	_, ok := catalogue.printers[lang]
	return lang, ok && lang != ""
}

// Describe is a command's, option's or choice's text in English, with its
// translations by Discord locale code, for description_localizations (or a
// choice's name_localizations). id names the catalogue entry "cmd_" + id;
// one missing from the English catalogue is a programming error.
func Describe(id string) (text string, localizations map[string]string) {
	id = "cmd_" + id
	en := For(English)
	if !en.has(id) {
		panic("messages: no description " + id)
	}
	localizations = map[string]string{}
	for code, lang := range catalogue.discord {
		if p := For(lang); lang != English && p.has(id) {
			localizations[code] = p.text(id)
		}
	}
	return en.text(id), localizations
}
