-- The ticks of volumes' snapshot schedules that have been taken: one row per volume and tick,
-- inserted in the same transaction as the tick's Snapshot object (the intent; the snapshot
-- controller makes the storage), so a crash or a failover neither skips a tick nor takes it
-- twice: whoever inserts the row takes the tick, and a second try finds it there. Rows a day
-- older than the newest of their volume are removed as ticks are taken (PgStoreTx.TAKE_TICK).
CREATE TABLE schedule_ticks (
  volume_uid uuid        NOT NULL,
  tick_at    timestamptz NOT NULL,
  snapshot   text        NOT NULL,
  taken_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (volume_uid, tick_at)
);

-- The schedule controller's resync asks for the volumes with a schedule (PgStore.keysScheduled);
-- this partial index holds only those.
CREATE INDEX objects_scheduled ON objects (kind) WHERE spec ? 'snapshotSchedule';
