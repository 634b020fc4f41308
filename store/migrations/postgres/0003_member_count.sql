-- PostgreSQL's own 0003_member_count.sql: its triggers call a function.
ALTER TABLE groups ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;

UPDATE groups SET member_count = (SELECT count(*) FROM memberships m WHERE m.group_id = groups.id);

CREATE FUNCTION memberships_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
    ELSE
        UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_count();

CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_count();
