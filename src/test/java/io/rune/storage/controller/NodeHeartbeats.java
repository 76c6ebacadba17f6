package io.rune.storage.controller;

import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rows of the {@code nodes} table written by the test, as a node's heartbeat writes its own
 * (name, labels, address, version, started_at, heartbeat_at by the database's clock): for
 * nodes that are not there (placement among several nodes on one server), and for test
 * servers until the lease helper's heartbeat writes them.
 */
final class NodeHeartbeats implements AutoCloseable {
  private static final String UPSERT = "INSERT INTO nodes (name, labels, address, version, started_at, heartbeat_at)"
      + " VALUES ($1, $2::jsonb, '', 'test', now(), now())"
      + " ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, heartbeat_at = now()";

  private final TestServer database;
  private final Map<String, JsonObject> beating = new ConcurrentHashMap<>();
  private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "test-heartbeats");
    thread.setDaemon(true);
    return thread;
  });

  /** Heartbeats written through {@code database}'s connection every 300 ms. */
  NodeHeartbeats(TestServer database) {
    this.database = database;
    beats.scheduleWithFixedDelay(this::beat, 300, 300, TimeUnit.MILLISECONDS);
  }

  /** The node is alive: its row is written now and kept fresh. */
  NodeHeartbeats alive(String name, Map<String, String> labels) {
    JsonObject json = new JsonObject(Map.copyOf(labels));
    database.sql(UPSERT, name, json);
    beating.put(name, json);
    return this;
  }

  /** The node stops: its heartbeat ages from now on. */
  void silent(String name) {
    beating.remove(name);
  }

  /** The node started again: a new start time, and a fresh heartbeat. */
  void restarted(String name, Map<String, String> labels) {
    database.sql("UPDATE nodes SET started_at = now() WHERE name = $1", name);
    alive(name, labels);
  }

  /** A row whose heartbeat is long past: a NotReady node. */
  void longGone(String name, Map<String, String> labels) {
    database.sql(UPSERT, name, new JsonObject(Map.copyOf(labels)));
    database.sql("UPDATE nodes SET heartbeat_at = now() - interval '1 hour' WHERE name = $1", name);
  }

  Set<String> beating() {
    return Set.copyOf(beating.keySet());
  }

  private void beat() {
    beating.forEach((name, labels) -> {
      try {
        database.sql(UPSERT, name, labels);
      } catch (RuntimeException e) {
        // The server is stopping: the test is ending.
      }
    });
  }

  @Override
  public void close() {
    beats.shutdownNow();
  }
}
