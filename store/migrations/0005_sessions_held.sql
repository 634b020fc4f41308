-- A started closed group whose schedule changes keeps the count of sessions
-- it has held: sessions_held were held before count_from, under earlier
-- schedules; from count_from on, sessions follow the current schedule.
ALTER TABLE groups ADD COLUMN sessions_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN count_from INTEGER;
