-- PostgreSQL's own 0035_waiting_order.sql: it has no row id, and a new
-- database holds no waitlist to order.
ALTER TABLE waiting ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
