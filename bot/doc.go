// Package bot is Hearth's Discord side, and the only package that holds a
// *discordgo.Session. It connects to the gateway, registers the commands
// in one bulk overwrite, decodes each interaction and has the commands
// router answer it through a gatewayResponder (the router's middleware
// decides when to defer). It implements the Discord calls the groups
// service and the scheduler need (channels, overwrites, messages), retrying
// transient failures and pacing every REST request under Discord's global
// rate limit, and at start-up it reconciles each live group's channel with
// the database.
//
// Reminders are sent once: see the scheduler package's documentation for
// the whole guarantee; SendMessage's part is the nonce with enforce_nonce
// and telling a refusal from an unknown outcome.
package bot
