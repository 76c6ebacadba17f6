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
 * nodes that are not there (placement among several nodes on one server), and to keep the
 * heartbeat of a stopped test server fresh (a running one writes its own row).
 */
final class NodeHeartbeats implements AutoCloseable {
  private static final String UPSERT = "INSERT INTO nodes (name, labels, address, version, started_at, heartbeat_at)"
      + " VALUES ($1, $2::jsonb, '', 'test', now(), now())"
      + " ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, heartbeat_at = now()";
  private static final String BEAT = "UPDATE nodes SET heartbeat_at = now() WHERE name = $1";

  private final TestServer database;
  private final Map<String, JsonObject> beating = new ConcurrentHashMap<>();
  /** Rows a real server wrote, whose heartbeat alone the test keeps fresh. */
  private final Set<String> lingering = ConcurrentHashMap.newKeySet();
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

  /**
   * A real server's row keeps a fresh heartbeat (and the rest as the server wrote it) after
   * the server stops: a node whose bus is silent while its heartbeat still looks alive, as
   * one just killed. Start it before stopping the server, whose stop marks it NotReady: the
   * next beat, within 300 ms, makes it Ready again.
   */
  NodeHeartbeats lingering(String name) {
    lingering.add(name);
    return this;
  }

  /** The node stops: its heartbeat ages from now on. */
  void silent(String name) {
    beating.remove(name);
    lingering.remove(name);
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
    beating.forEach((name, labels) -> quietly(UPSERT, name, labels));
    lingering.forEach(name -> quietly(BEAT, name));
  }

  private void quietly(String statement, Object... params) {
    try {
      database.sql(statement, params);
    } catch (RuntimeException e) {
      // The server is stopping: the test is ending.
    }
  }

  @Override
  public void close() {
    beats.shutdownNow();
  }
}
