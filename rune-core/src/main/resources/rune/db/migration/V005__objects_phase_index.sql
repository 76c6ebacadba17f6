-- The controllers' resync asks, every resyncInterval, for the objects of a kind in a phase that
-- needs work (PgStore.keysInPhase). Without this index it reads every row of the kind to find
-- them, so an idle server's work grew with the number of volumes; with it, it reads only the
-- few it returns. A status write that changes the phase updates the index, one that does not
-- leaves it alone.
CREATE INDEX objects_phase ON objects (kind, (status ->> 'phase'));
