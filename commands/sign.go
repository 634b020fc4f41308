package commands

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Buttons and modals carry what they act on in their custom ids (a group,
// a guidelines version), which a client could forge. Each custom id ends
// with a signature over its parts and the person it was shown to, made
// with the App's key: a button works only for that person, and only on
// what it was made for.

// signedID is prefix:part:...:signature, at most Discord's 100 characters.
func (a *App) signedID(userID, prefix string, parts ...string) string {
	fields := append([]string{prefix}, parts...)
	return strings.Join(append(fields, a.signature(userID, fields)), ":")
}

// verifyID checks a custom id made by signedID for userID and returns its
// parts (without the prefix); ok is false for a forged or foreign id.
func (a *App) verifyID(userID, customID string) (parts []string, ok bool) {
	fields := strings.Split(customID, ":")
	if len(fields) < 2 {
		return nil, false
	}
	sig := fields[len(fields)-1]
	fields = fields[:len(fields)-1]
	if !hmac.Equal([]byte(sig), []byte(a.signature(userID, fields))) {
		return nil, false
	}
	return fields[1:], true
}

func (a *App) signature(userID string, fields []string) string {
	mac := hmac.New(sha256.New, a.Key)
	mac.Write([]byte(userID))
	for _, f := range fields {
		mac.Write([]byte{0})
		mac.Write([]byte(f))
	}
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}
