-- A token may expire. NULL is never. Expiry is decided by comparing with the database's
-- now(), never a node's own clock, so that every node sharing the database agrees on it.
ALTER TABLE tokens ADD COLUMN expires_at timestamptz NULL;
