-- A waitlist's order within one second was SQLite's row id, which
-- PostgreSQL has not: seq is the order people were added in, the same in
-- both databases.
ALTER TABLE waiting ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE waiting SET seq = rowid;
