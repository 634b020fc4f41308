package commands

import "hearth/internal/signed"

// signedID and verifyID sign a custom id for the person it is shown to,
// and check it (package signed says why).
func (a *App) signedID(userID, prefix string, parts ...string) string {
	return signed.IDs{Key: a.Key}.Make(userID, prefix, parts...)
}

func (a *App) verifyID(userID, customID string) ([]string, bool) {
	return signed.IDs{Key: a.Key}.Check(userID, customID)
}
