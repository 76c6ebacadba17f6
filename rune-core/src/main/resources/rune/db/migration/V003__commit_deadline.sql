-- A transaction may carry a commit deadline (rune.commit_deadline, set by the server's
-- bounded pool from the time its request has left, on this database's own clock). A
-- COMMIT that the database reaches after it is refused: the client has already answered
-- 503 "nothing was changed", typically because the database was frozen with the COMMIT
-- unread in its socket, and must not be proved wrong when the database resumes.
-- Deferred constraint triggers run inside COMMIT, before it is durable.
CREATE FUNCTION rune_commit_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deadline text := current_setting('rune.commit_deadline', true);
BEGIN
  IF deadline IS NOT NULL AND deadline <> '' AND clock_timestamp() > deadline::timestamptz THEN
    RAISE EXCEPTION 'the transaction reached COMMIT after its deadline %; rolled back', deadline
      USING ERRCODE = 'query_canceled';
  END IF;
  RETURN NULL;
END $$;

-- Every change to an object bumps the change-log head; tokens are the other writes.
CREATE CONSTRAINT TRIGGER commit_deadline AFTER INSERT OR UPDATE OR DELETE ON change_head
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rune_commit_deadline();
CREATE CONSTRAINT TRIGGER commit_deadline AFTER INSERT OR UPDATE OR DELETE ON tokens
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rune_commit_deadline();
