package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"hearth/domain"
)

// AddWaiting puts userID at the end of one of a group's waiting lists (once)
// and returns their place on it.
func (s *Store) AddWaiting(ctx context.Context, groupID int64, userID string, list domain.List, now time.Time) (int, error) {
	var place int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO waiting (group_id, user_id, list, added_at, seq)
			VALUES (?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM waiting)) ON CONFLICT DO NOTHING`, groupID, userID, list, now.Unix()); err != nil {
			return err
		}
		return s.txQueryRow(ctx, tx, `SELECT count(*) FROM waiting x, waiting w
			WHERE w.group_id = ? AND w.list = ? AND w.user_id = ? AND x.group_id = w.group_id AND x.list = w.list
			AND (x.added_at < w.added_at OR (x.added_at = w.added_at AND x.seq <= w.seq))`,
			groupID, list, userID).Scan(&place)
	})
	return place, err
}

// RemoveWaiting takes userID off a group's list and reports whether they
// were on it.
func (s *Store) RemoveWaiting(ctx context.Context, groupID int64, userID string, list domain.List) (bool, error) {
	res, err := s.exec(ctx, `DELETE FROM waiting WHERE group_id = ? AND user_id = ? AND list = ?`, groupID, userID, list)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Waiting lists the people on one of a group's lists, in order.
func (s *Store) Waiting(ctx context.Context, groupID int64, list domain.List) ([]string, error) {
	return s.queryStrings(ctx, `SELECT user_id FROM waiting WHERE group_id = ? AND list = ? ORDER BY added_at, seq`,
		groupID, list)
}

// MoveInterest moves the interest list of one group to another (the next
// cohort) and returns who was on it, in order.
func (s *Store) MoveInterest(ctx context.Context, from, to int64) ([]string, error) {
	var users []string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		users = nil // PostgreSQL may run this again
		rows, err := tx.QueryContext(ctx, `SELECT user_id FROM waiting WHERE group_id = ? AND list = 'interest'
			ORDER BY added_at, seq`, from)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE waiting SET group_id = ? WHERE group_id = ? AND list = 'interest'`, to, from)
		return err
	})
	return users, err
}

const offerColumns = `id, group_id, user_id, state, offered_at, expires_at`

func scanOffer(r rowScanner) (domain.Offer, error) {
	var o domain.Offer
	var offered, expires int64
	err := r.Scan(&o.ID, &o.GroupID, &o.UserID, &o.State, &offered, &expires)
	o.OfferedAt, o.ExpiresAt = time.Unix(offered, 0).UTC(), time.Unix(expires, 0).UTC()
	return o, err
}

// OfferNext offers a free seat of a group, if it has one, to the first
// person on its waitlist who is not a member, in one transaction: they
// leave the waitlist and the seat is held for them until expires. ok is
// false when there is no free seat or nobody waiting.
func (s *Store) OfferNext(ctx context.Context, groupID int64, now, expires time.Time) (o domain.Offer, ok bool, err error) {
	// A seat is decided on as a join decides on it: in the group's queue.
	err = s.groupTx(ctx, groupID, func(tx *sql.Tx) error {
		o, ok = domain.Offer{}, false // PostgreSQL may run this again
		g, err := scanGroup(s.txQueryRow(ctx, tx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, groupID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if g.JoinRefusal(now) != nil || g.SeatsLeft() == 0 {
			return nil // full, started or ended: nothing to offer
		}
		var user string
		var since int64
		err = s.txQueryRow(ctx, tx, `SELECT w.user_id, w.added_at FROM waiting w WHERE w.group_id = ? AND w.list = 'seat'
			AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = w.group_id AND m.user_id = w.user_id)
			AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.group_id = w.group_id AND o.user_id = w.user_id
				AND o.state IN ('pending', 'open'))
			ORDER BY w.added_at, w.seq LIMIT 1`, groupID).Scan(&user, &since)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := s.txExec(ctx, tx, `DELETE FROM waiting WHERE group_id = ? AND user_id = ? AND list = 'seat'`, groupID, user); err != nil {
			return err
		}
		var id int64
		// Claimed by this process, which sends it next: another does not
		// send it again unless this one dies first (ClaimPendingOffers).
		err = s.txQueryRow(ctx, tx, `INSERT INTO offers (group_id, user_id, state, offered_at, expires_at, waited_since,
			claimed_by, lease_until) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?) RETURNING id`,
			groupID, user, now.Unix(), expires.Unix(), since, s.lease.owner, s.leaseUntil(now)).Scan(&id)
		o, ok = domain.Offer{ID: id, GroupID: groupID, UserID: user, State: domain.OfferPending,
			OfferedAt: time.Unix(now.Unix(), 0).UTC(), ExpiresAt: time.Unix(expires.Unix(), 0).UTC()}, true
		return err
	})
	if err == nil && ok {
		s.planChanged() // its expiry
	}
	return o, ok, err
}

// Offer returns an offer by id.
func (s *Store) Offer(ctx context.Context, id int64) (domain.Offer, error) {
	o, err := scanOffer(s.queryRow(ctx, `SELECT `+offerColumns+` FROM offers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.ErrNoOffer
	}
	return o, err
}

// SetOfferState moves a held offer (pending or open) to state; it reports
// false when the offer no longer holds its seat.
func (s *Store) SetOfferState(ctx context.Context, id int64, state domain.OfferState) (bool, error) {
	res, err := s.exec(ctx, `UPDATE offers SET state = ? WHERE id = ? AND state IN ('pending', 'open')`, state, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		s.planChanged() // an expiry may have gone
	}
	return n > 0, nil
}

// ExpireOffers ends the held offers whose time ran out by now and returns
// the groups whose seats they free. Someone whose offer never reached them
// (still pending: Discord was down) goes back on the waitlist, in their
// place.
func (s *Store) ExpireOffers(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids = nil // PostgreSQL may run this again
		if _, err := tx.ExecContext(ctx, `INSERT INTO waiting (group_id, user_id, list, added_at, seq)
			SELECT group_id, user_id, 'seat', waited_since, (SELECT coalesce(max(seq), 0) + 1 FROM waiting) + id
			FROM offers WHERE state = 'pending' AND expires_at <= ?
			ON CONFLICT DO NOTHING`, now.Unix()); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE offers SET state = 'expired'
			WHERE state IN ('pending', 'open') AND expires_at <= ? RETURNING group_id`, now.Unix())
		if err != nil {
			return err
		}
		defer rows.Close()
		seen := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return rows.Err()
	})
	return ids, err
}

// ReopenOffer puts back a seat offer that a join took, when the join is
// undone (Discord refused the channel change): the seat is held for the
// person again until the offer's time runs out.
func (s *Store) ReopenOffer(ctx context.Context, groupID int64, userID string, now time.Time) error {
	_, err := s.exec(ctx, `UPDATE offers SET state = 'open' WHERE id = (SELECT max(id) FROM offers
		WHERE group_id = ? AND user_id = ? AND state = 'taken') AND expires_at > ?
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = ? AND m.user_id = ?)`,
		groupID, userID, now.Unix(), groupID, userID)
	return err
}

// HeldOffer returns the seat a group holds for userID, if any.
func (s *Store) HeldOffer(ctx context.Context, groupID int64, userID string) (domain.Offer, bool, error) {
	o, err := scanOffer(s.queryRow(ctx, `SELECT `+offerColumns+` FROM offers
		WHERE group_id = ? AND user_id = ? AND state IN ('pending', 'open')`, groupID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

// GroupsWithWaiting lists the live groups someone waits for a seat of.
func (s *Store) GroupsWithWaiting(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT w.group_id FROM waiting w JOIN groups g ON g.id = w.group_id
		WHERE w.list = 'seat' AND g.state <> 'archived' ORDER BY w.group_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ClaimPendingOffers leases to this process the offers still holding a
// seat whose message was never confirmed sent and that no process is
// sending (its claim ran out: it died, or Discord failed it), so that of
// several processes one sends each again.
func (s *Store) ClaimPendingOffers(ctx context.Context, now time.Time) ([]domain.Offer, error) {
	rows, err := s.query(ctx, `UPDATE offers SET claimed_by = ?, lease_until = ? WHERE id IN (
		SELECT id FROM offers WHERE state = 'pending' AND expires_at > ? AND (lease_until IS NULL OR lease_until <= ?)
		ORDER BY id`+s.skipLocked()+`) RETURNING `+offerColumns,
		s.lease.owner, s.leaseUntil(now), now.Unix(), now.Unix())
	if err != nil {
		return nil, storageError(err)
	}
	defer rows.Close()
	var out []domain.Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b domain.Offer) int { return cmpInt(a.ID, b.ID) })
	return out, storageError(rows.Err())
}

// SetUserLocale records the locale Discord last gave for a person.
func (s *Store) SetUserLocale(ctx context.Context, userID, locale string) error {
	_, err := s.exec(ctx, `INSERT INTO user_locales (user_id, locale) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale`, userID, locale)
	return err
}

// UserLocale is the locale Discord last gave for a person, or "".
func (s *Store) UserLocale(ctx context.Context, userID string) (string, error) {
	var locale string
	err := s.queryRow(ctx, `SELECT locale FROM user_locales WHERE user_id = ?`, userID).Scan(&locale)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return locale, err
}
