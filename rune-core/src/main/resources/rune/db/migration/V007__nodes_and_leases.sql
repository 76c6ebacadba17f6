-- Several nodes on one database (CLUSTER.md). Times here are the database's (now()), never a
-- node's own clock: liveness and lease expiry are decided in one place.

-- One row per node that has ever started: what it is and when it last said it is alive.
CREATE TABLE nodes (
  name         text        PRIMARY KEY,
  labels       jsonb       NOT NULL DEFAULT '{}',
  address      text        NOT NULL DEFAULT '',   -- where its API answers (http://host:port)
  version      text        NOT NULL DEFAULT '',
  started_at   timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL
);

-- Controller work is split into a fixed number of shards (an object's shard is a hash of its
-- namespace and name); each shard is leased by at most one node at a time. The epoch grows
-- by one at every change of holder (and every re-acquisition), and a controller's status
-- write carries the epoch it holds: a write under a lost lease changes nothing.
CREATE TABLE leases (
  shard       int         PRIMARY KEY,
  holder      text,
  epoch       bigint      NOT NULL DEFAULT 0,
  acquired_at timestamptz,
  renewed_at  timestamptz,
  expires_at  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO leases (shard) SELECT generate_series(0, 15);
