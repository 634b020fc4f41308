package groups

import "context"

// SeatsFreed offers a group's freed seats to its waitlist; replaced by the
// waitlist.
func (s *Service) SeatsFreed(ctx context.Context, groupID int64) {}
