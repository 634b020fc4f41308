package messages

import (
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Printer words Hearth's messages in one language.
type Printer struct {
	lang      Lang
	localizer *i18n.Localizer
	ids       map[string]bool
	plural    map[string]bool // messages with a form for "one" or others
	// plain holds the messages with neither placeholders nor plural
	// forms, so that they are looked up, not run as templates.
	plain map[string]string
}

func newPrinter(bundle *i18n.Bundle, lang Lang, f *i18n.MessageFile) *Printer {
	p := &Printer{lang: lang, localizer: i18n.NewLocalizer(bundle, string(lang)),
		ids: map[string]bool{}, plural: map[string]bool{}, plain: map[string]string{}}
	for _, m := range f.Messages {
		p.ids[m.ID] = true
		p.plural[m.ID] = m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
		if !p.plural[m.ID] && !strings.Contains(m.Other, "{{") {
			p.plain[m.ID] = m.Other
		}
	}
	return p
}

// For is the Printer of lang; an unknown language gets English.
func For(lang Lang) *Printer {
	if p, ok := catalogue.printers[lang]; ok {
		return p
	}
	return catalogue.printers[English]
}

// Lang is the Printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// args are a message's placeholders, by name.
type args map[string]any

func (p *Printer) has(id string) bool { return p.ids[id] }

// text is a message without placeholders.
func (p *Printer) text(id string) string {
	if s, ok := p.plain[id]; ok {
		return s
	}
	return p.localize(&i18n.LocalizeConfig{MessageID: id})
}

// fill is a message with placeholders.
func (p *Printer) fill(id string, a args) string {
	return p.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: a})
}

// count is a message whose words agree with n, which it shows as {{.Count}}.
func (p *Printer) count(id string, n int, a args) string {
	if a == nil {
		a = args{}
	}
	a["Count"] = n
	return p.agree(id, n, a)
}

// agree fills a message whose words may agree with n.
func (p *Printer) agree(id string, n int, a args) string {
	c := &i18n.LocalizeConfig{MessageID: id, TemplateData: a}
	if p.plural[id] || !p.ids[id] {
		c.PluralCount = n
	}
	return p.localize(c)
}

func (p *Printer) localize(c *i18n.LocalizeConfig) string {
	// go-i18n falls back to English for a message a language lacks, and
	// to the "other" form for a plural form it lacks, returning the text
	// with an error; the tests see to it that neither happens.
	s, err := p.localizer.Localize(c)
	if s == "" && err != nil {
		return c.MessageID
	}
	return s
}
