-- A person erased from a talking round (/forget, retention) leaves their
-- turn in place with user_id '' so that positions stay whole: several such
-- turns may share a round, so only named turns are unique.
DROP INDEX round_turns_once;
CREATE UNIQUE INDEX round_turns_once ON round_turns (round_id, user_id) WHERE user_id <> '';
