package messages

import "hearth/domain"

// ForServer words what Hearth posts in a server's channels (reminders, log
// notes, channel topics): the language chosen with /setup language:, else
// the server's preferred locale as Discord last told it, else English.
func ForServer(st domain.Settings) *Printer {
	if l, ok := ParseLang(st.Language); ok {
		return For(l)
	}
	return For(LangOf(st.GuildLocale))
}
