-- /forget takes a person out of a talking round by blanking their turn
-- (user_id '', marked passed) so that the round's positions stay as they
-- are; two people erased from one round must not collide on ''.
DROP INDEX round_turns_once;
CREATE UNIQUE INDEX round_turns_once ON round_turns (round_id, user_id) WHERE user_id <> '';

-- Retention and /forget reach a round's turns through its group.
CREATE INDEX rounds_group ON rounds (group_id);
