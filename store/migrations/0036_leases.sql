-- Work claimed by one of several processes sharing the database: a job or
-- a reminder being sent is leased to claimed_by until lease_until (unix
-- seconds), renewed while the work goes on. Another process takes over
-- work whose lease ran out: its process died.
ALTER TABLE jobs ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
ALTER TABLE firings ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE firings ADD COLUMN lease_until INTEGER;
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX firings_leased ON firings (lease_until) WHERE lease_until IS NOT NULL;
