-- Every resource of every kind lives in one table: the object body is JSON, while the
-- columns the database must reason about (identity, version, default class) are real
-- columns so that constraints and indexes can use them.
CREATE TABLE objects (
  kind             text        NOT NULL,
  namespace        text        NOT NULL,          -- '' for cluster-scoped kinds
  name             text        NOT NULL,
  uid              uuid        NOT NULL UNIQUE,
  resource_version bigint      NOT NULL,
  labels           jsonb       NOT NULL DEFAULT '{}',
  spec             jsonb       NOT NULL,
  status           jsonb       NOT NULL DEFAULT '{}',
  -- The object exactly as the API renders it (json keeps key order), so that reads answer
  -- without rebuilding it; written together with the columns above, by the same statement.
  body             json        NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (kind, namespace, name)
);

-- At most one default StorageClass, enforced by the database itself.
CREATE UNIQUE INDEX objects_one_default_storage_class ON objects (kind)
  WHERE kind = 'StorageClass' AND (spec ->> 'default') = 'true';

-- No index on labels: selectors filter within one kind (and namespace), and a GIN index
-- would be maintained inside every write, while the change-log head is held.

-- The head of the change log. Every write bumps it, which takes the row lock until commit
-- and so serialises writers: sequence numbers are handed out in commit order and a reader
-- of "seq > N" never sees a later change before an earlier one. (A write whose version
-- precondition fails may leave a number unused: sequences only ever grow.)
CREATE TABLE change_head (
  id  int    PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);
INSERT INTO change_head (id, seq) VALUES (1, 0);

CREATE TABLE change_log (
  seq       bigint      PRIMARY KEY,
  type      text        NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
  kind      text        NOT NULL,
  namespace text        NOT NULL,
  name      text        NOT NULL,
  object    json        NOT NULL,  -- json, not jsonb: kept as written, key order included
  at        timestamptz NOT NULL DEFAULT now()
);
-- No index on "at": only the periodic compaction reads by time, and an index would be
-- maintained inside every write.

-- Everything up to compacted_through has been removed from change_log; a watcher asking
-- to resume from before it gets Compacted.
CREATE TABLE change_compaction (
  id                 int    PRIMARY KEY CHECK (id = 1),
  compacted_through  bigint NOT NULL
);
INSERT INTO change_compaction (id, compacted_through) VALUES (1, 0);

-- API tokens: only a SHA-256 hash of the secret is stored.
CREATE TABLE tokens (
  id          uuid        PRIMARY KEY,
  token_hash  text        NOT NULL UNIQUE,
  role        text        NOT NULL CHECK (role IN ('admin', 'readwrite', 'readonly')),
  namespaces  text[]      NOT NULL DEFAULT '{}',
  description text        NOT NULL DEFAULT '',
  bootstrap   boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- The first-boot admin token is created once per database, even with several nodes.
CREATE UNIQUE INDEX tokens_one_bootstrap ON tokens (bootstrap) WHERE bootstrap;

-- Seeding of the built-in classes happens once per database; this row remembers it so an
-- operator who deletes or edits a seeded class keeps that change.
CREATE TABLE seeded (
  what text PRIMARY KEY,
  at   timestamptz NOT NULL DEFAULT now()
);
