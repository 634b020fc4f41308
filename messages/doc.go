// Package messages holds every sentence Hearth shows to people, so wording
// stays consistent and can be translated in one place: a Printer words
// them in one language, from that language's file in locales/.
package messages
