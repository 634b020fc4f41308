-- Waiting lists: people waiting for a seat in a full group ('seat'), and
-- people who want to hear of a closed group's next cohort ('interest'),
-- in the order they asked. As confidential as the roster.
CREATE TABLE waiting (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT    NOT NULL,
    list     TEXT    NOT NULL CHECK (list IN ('seat', 'interest')),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, list, user_id)
);
-- /groups reads a person's own places, from their rows.
CREATE INDEX waiting_user ON waiting (user_id, list);

-- Seats offered to the first person waiting, held for them until taken,
-- declined or expired. 'pending' until the direct message is confirmed
-- sent. An open or pending offer holds its seat: nobody else takes it.
CREATE TABLE offers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'open', 'taken', 'declined', 'expired', 'undeliverable')),
    offered_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    waited_since INTEGER NOT NULL -- when they joined the waitlist: their place, if the offer never reached them
);
CREATE INDEX offers_due ON offers (expires_at) WHERE state IN ('pending', 'open');
CREATE UNIQUE INDEX offers_one_held ON offers (group_id, user_id) WHERE state IN ('pending', 'open');

-- The locale Discord last gave for a person, so that a direct message is
-- written in their language.
CREATE TABLE user_locales (
    user_id TEXT PRIMARY KEY,
    locale  TEXT NOT NULL
);
