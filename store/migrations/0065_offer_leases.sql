-- A seat offer whose direct message is not confirmed sent is claimed by
-- the process sending it, until lease_until (unix seconds): of several
-- processes sending again the offers left pending, one sends each.
ALTER TABLE offers ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN lease_until INTEGER;
