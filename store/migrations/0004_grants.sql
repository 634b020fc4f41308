-- The member overwrites Hearth may have put on a group's channel: recorded
-- with the membership, before the overwrite is written, and dropped only once
-- the overwrite is deleted. Reconciliation removes exactly these when their
-- person is no longer a member, and never an overwrite someone made by hand.
CREATE TABLE grants (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT    NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

INSERT INTO grants (group_id, user_id) SELECT group_id, user_id FROM memberships;
