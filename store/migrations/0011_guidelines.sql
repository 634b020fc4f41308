-- A group's guidelines, which people agree to when they join, and who
-- agreed to which version when. secrets holds the key that signs the
-- custom ids of Hearth's buttons, so that a button works only for the
-- person it was shown to.
ALTER TABLE groups ADD COLUMN guidelines TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN guidelines_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE agreements (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    agreed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id, version)
);

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
