-- A /forget recorded before any of it is carried out, so that one cut
-- short (Discord down, a crash) is finished on retry or at start-up; the
-- row goes in the transaction that erases the person's last record.
CREATE TABLE erasures (
    guild_id     TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
