package io.rune.storage.testing.drivers;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classes and volumes of the test driver in one namespace, made and read through the API as
 * a user would, and what the server reports about the driver's breaker on /metrics.
 */
public final class FaultyObjects {
  private final TestServer server;
  private final Http admin;
  private final String namespace;

  public FaultyObjects(TestServer server, String namespace) {
    this.server = server;
    this.admin = server.admin();
    this.namespace = namespace;
  }

  public Http admin() {
    return admin;
  }

  /** A class of the test driver whose volumes' storage is deleted with them. */
  public void createClass(String name, JsonObject parameters) {
    Http.Response created = admin.post("/api/v1/storageclasses", new JsonObject().put("name", name)
        .put("driver", FaultyDriverProvider.NAME).put("parameters", parameters).put("reclaimPolicy", "delete"));
    if (created.status() != 201) {
      throw new AssertionError("could not create class " + name + ": " + created);
    }
  }

  /** Creates a 1Gi volume of {@code storageClass}; its uid. */
  public String createVolume(String name, String storageClass) {
    Http.Response created = admin.post("/api/v1/namespaces/" + namespace + "/volumes", new JsonObject()
        .put("name", name).put("size", "1Gi").put("storageClassName", storageClass));
    if (created.status() != 201) {
      throw new AssertionError("could not create volume " + name + ": " + created);
    }
    return created.json().getString("uid");
  }

  public String path(String volume) {
    return "/api/v1/namespaces/" + namespace + "/volumes/" + volume;
  }

  /** The volume as the API renders it, or null when it is gone. */
  public JsonObject volume(String name) {
    Http.Response got = admin.get(path(name));
    return got.status() == 404 ? null : got.json();
  }

  public JsonObject status(String name) {
    JsonObject volume = volume(name);
    return volume == null ? null : volume.getJsonObject("status", new JsonObject());
  }

  /** How many MODIFIED entries the change log holds for the volume: every status write is one. */
  public long modifications(String name) {
    return Long.parseLong(server.sqlValue("SELECT count(*) FROM change_log WHERE kind = 'Volume' AND type = 'MODIFIED'"
        + " AND namespace = '" + namespace + "' AND name = '" + name + "'"));
  }

  /** The test driver's breaker state on /metrics: 0 closed, 1 half-open, 2 open, -1 not reported. */
  public double breakerState() {
    Matcher m = Pattern.compile("rune_driver_circuit_state\\{[^}]*driver=\"" + FaultyDriverProvider.NAME
        + "\"[^}]*} ([0-9.]+)").matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** How often the test driver's breaker went to {@code state} (open, half-open, closed). */
  public double breakerTransitions(String state) {
    Matcher m = Pattern.compile("rune_driver_circuit_transitions_total\\{[^}]*driver=\"" + FaultyDriverProvider.NAME
        + "\"[^}]*state=\"" + state + "\"[^}]*} ([0-9.]+)").matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  public String metrics() {
    return admin.get("/metrics").body();
  }

  /**
   * The frames {@code watch} delivers until one satisfies {@code done} (that one included) or
   * {@code timeout} passes: unlike {@link WatchClient#until}, a timeout returns what was seen,
   * so that the test's assertions can say what went wrong in figures.
   */
  public static List<JsonObject> framesUntil(WatchClient watch, Predicate<JsonObject> done, Duration timeout) {
    List<JsonObject> frames = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject frame;
      try {
        frame = watch.next(Duration.ofMillis(Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000))));
      } catch (AssertionError quiet) {
        continue;
      }
      frames.add(frame);
      if (done.test(frame)) {
        break;
      }
    }
    return frames;
  }

  /** The status of the volume a watch frame is about (empty for bookmarks). */
  public static JsonObject statusOf(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? new JsonObject() : object.getJsonObject("status", new JsonObject());
  }

  public static String nameOf(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? null : object.getString("name");
  }
}
