-- A group's member count, kept by triggers in the same transaction as each
-- join or leave, so reading a group no longer counts its members.
ALTER TABLE groups ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;

UPDATE groups SET member_count = (SELECT count(*) FROM memberships m WHERE m.group_id = groups.id);

CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships BEGIN
    UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
END;

CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships BEGIN
    UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
END;
