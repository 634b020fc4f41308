package commands

import "strings"

// Options are the values of a command's options by name.
type Options map[string]any

// String returns a string option, trimmed, or "".
func (o Options) String(name string) string {
	s, _ := o[name].(string)
	return strings.TrimSpace(s)
}

// Int returns an integer option and whether it was given. Discord sends
// integers as JSON numbers, which decode as float64.
func (o Options) Int(name string) (int64, bool) {
	switch v := o[name].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// Has reports whether an option was given.
func (o Options) Has(name string) bool { _, ok := o[name]; return ok }

// Bool returns a boolean option and whether it was given.
func (o Options) Bool(name string) (value, given bool) {
	value, given = o[name].(bool)
	return value, given
}
