-- The recent changes of one object (GET .../{name}/changes, the console's detail view) read
-- the newest rows of that object: without this index, every such read scans the whole
-- retained log. Kept narrow (no "at", no object) so that the write each change makes to it
-- stays small.
CREATE INDEX change_log_by_object ON change_log (kind, namespace, name, seq);
