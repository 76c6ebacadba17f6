-- A volume whose size was raised carries status.expandingTo until its storage has grown, in
-- any phase (Available, Bound, Released). The volume controller's resync asks for those
-- (PgStore.keysExpanding) besides the phases that need work; this partial index holds only
-- them, so that question reads a handful of rows, not every volume, on an idle server.
CREATE INDEX objects_expanding ON objects (kind) WHERE status ? 'expandingTo';
