-- A /forget recorded before any of it is carried out, so that one cut
-- short (Discord down, a crash) is finished on retry or at start-up; the
-- row goes in the transaction that erases the person's last record.
CREATE TABLE erasures (
    guild_id     TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- The groups whose channels (text and voice) may still carry the overwrite
-- of a person being erased: written with the erasure, each dropped once
-- its channels are done. Their grants cannot say it: the person has left,
-- and reconciliation drops a former member's grant with the text
-- channel's overwrite alone.
CREATE TABLE erasure_channels (
    guild_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, user_id, group_id)
);
