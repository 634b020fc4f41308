// Package signed makes and checks the custom ids of Hearth's buttons and
// forms. A custom id carries what it acts on (a group, a guidelines
// version, a seat offer), which a client could forge; each ends with a
// signature over its parts and the person it was made for, with a key
// kept in the database, so it works only for that person and only on what
// it was made for.
package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// IDs signs and checks custom ids with a key.
type IDs struct{ Key []byte }

// Make returns prefix:part:...:signature for userID, within Discord's 100
// characters for the short parts Hearth uses.
func (s IDs) Make(userID, prefix string, parts ...string) string {
	fields := append([]string{prefix}, parts...)
	return strings.Join(append(fields, s.signature(userID, fields)), ":")
}

// Check verifies a custom id made by Make for userID and returns its parts
// (without the prefix); ok is false for a forged or foreign one.
func (s IDs) Check(userID, customID string) (parts []string, ok bool) {
	fields := strings.Split(customID, ":")
	if len(fields) < 2 {
		return nil, false
	}
	sig := fields[len(fields)-1]
	fields = fields[:len(fields)-1]
	if !hmac.Equal([]byte(sig), []byte(s.signature(userID, fields))) {
		return nil, false
	}
	return fields[1:], true
}

func (s IDs) signature(userID string, fields []string) string {
	mac := hmac.New(sha256.New, s.Key)
	mac.Write([]byte(userID))
	for _, f := range fields {
		mac.Write([]byte{0})
		mac.Write([]byte(f))
	}
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}
