// Package commands is what Hearth does with an interaction: its slash
// commands, autocomplete, buttons and modals, each a route in one Router.
//
// A handler validates the input, decides with the rules of package domain,
// asks the groups service or the store for changes, and returns its
// Response; it never sends anything itself. Cross-cutting concerns are
// middleware that the route table shows: who may use a route (moderators,
// a group's facilitator, Manage Server), panics, errors turned into kind
// words, and deferral past Discord's 3-second deadline. The transport (the
// gateway today, an HTTP endpoint later) decodes the interaction, calls
// Router.Serve with a Responder, and the Responder sends the answer.
package commands
