-- An archive holds its group's name until its channel change is done, so
-- that undoing a failed archive can never collide with a new group that
-- took the name meanwhile.
ALTER TABLE groups ADD COLUMN archive_pending INTEGER NOT NULL DEFAULT 0;
DROP INDEX groups_live_name;
CREATE UNIQUE INDEX groups_live_name ON groups (guild_id, name_key) WHERE state <> 'archived' OR archive_pending = 1;
