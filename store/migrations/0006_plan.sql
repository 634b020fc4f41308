-- A group's plan (its jobs) is written in the same transaction as every
-- change to the group. lock_at is the planned lock of a closed group still
-- enrolling, so that "has it started?" is read from the group alone;
-- planned_at is when the plan was last written: NULL for groups an older
-- Hearth left, which start-up plans again.
ALTER TABLE groups ADD COLUMN lock_at INTEGER;
ALTER TABLE groups ADD COLUMN planned_at INTEGER;

UPDATE groups SET lock_at = (SELECT j.session_at FROM jobs j WHERE j.group_id = groups.id AND j.kind = 'lock')
    WHERE state = 'active' AND kind = 'closed';

CREATE INDEX groups_unplanned ON groups (id) WHERE planned_at IS NULL AND state <> 'archived';
