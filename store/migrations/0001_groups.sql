-- Servers' settings from /setup. Empty strings mean "not set".
CREATE TABLE guild_settings (
    guild_id          TEXT PRIMARY KEY,
    moderator_role_id TEXT NOT NULL DEFAULT '',
    category_id       TEXT NOT NULL DEFAULT '',
    log_channel_id    TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE groups (
    id             INTEGER PRIMARY KEY,
    guild_id       TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    -- Case-folded name, so that "Grief" and "grief" cannot both exist.
    name_key       TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('open', 'closed')),
    capacity       INTEGER NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 1000),
    start_at       INTEGER,             -- unix seconds; NULL when not given
    sessions       INTEGER NOT NULL DEFAULT 0 CHECK (sessions BETWEEN 0 AND 520),
    schedule       TEXT    NOT NULL DEFAULT '',
    timezone       TEXT    NOT NULL,
    reminders      TEXT    NOT NULL DEFAULT '30m',
    description    TEXT    NOT NULL DEFAULT '',
    facilitator_id TEXT    NOT NULL DEFAULT '',
    channel_id     TEXT    NOT NULL DEFAULT '',
    state          TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'locked', 'archived')),
    created_by     TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    locked_at      INTEGER,
    archived_at    INTEGER
);

-- Names are unique among a server's live groups; an archived group frees its
-- name for the next cohort.
CREATE UNIQUE INDEX groups_live_name ON groups (guild_id, name_key) WHERE state <> 'archived';
CREATE INDEX groups_guild ON groups (guild_id, state);

CREATE TABLE memberships (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE INDEX memberships_user ON memberships (user_id, group_id);
