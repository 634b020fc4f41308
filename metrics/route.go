package metrics

import (
	"regexp"
	"strings"
)

// apiPrefix matches the API's base path, such as "/api/v9/".
var apiPrefix = regexp.MustCompile(`^/api/v\d+/`)

// word is a path segment kept as it is: a resource name such as "channels"
// or "permissions". Ids (digits) and tokens (mixed case and digits) never
// match.
var word = regexp.MustCompile(`^[a-z][a-z_-]{0,31}$`)

// RouteOf is the label of a REST request: its method and path with every
// id and token replaced, such as "PUT /channels/{id}/permissions/{id}" —
// discordgo's bucket without the ids. A channel's or a person's id would
// tell who is in which group; an interaction or webhook token is a secret.
func RouteOf(method, path string) string {
	if loc := apiPrefix.FindStringIndex(path); loc != nil {
		path = path[loc[1]:]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segs {
		switch {
		case i == 2 && (segs[0] == "webhooks" || segs[0] == "interactions"):
			segs[i] = "{token}" // webhooks/{id}/{token}, interactions/{id}/{token}
		case s == "@me" || s == "@original" || word.MatchString(s):
		default:
			segs[i] = "{id}"
		}
	}
	return method + " /" + strings.Join(segs, "/")
}
