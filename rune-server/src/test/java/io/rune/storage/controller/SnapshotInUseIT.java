package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A snapshot that a volume is still being restored from cannot be deleted (409
 * SnapshotInUse), over REST and the event bus alike; once the restore has finished it can.
 * The restores run on the test-counting driver (the local driver, really copying) with the
 * volume's {@code provisionDelay} holding each restore a few seconds before it copies.
 */
class SnapshotInUseIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** Long enough for the deletes below to land while the restore is under way. */
  private static final String HELD = "6s";
  private static final String CLASS = "counting";
  private static TestServer server;
  private static Http admin;
  private static Path root;

  @BeforeAll
  static void start() {
    server = TestServer.external("snapshot-in-use");
    admin = server.admin();
    root = server.config().storage().localVolumeRoot();
    Http.Response made = admin.post("/api/v1/storageclasses", new JsonObject().put("name", CLASS)
        .put("driver", "test-counting"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aSnapshotUnderRestoreRefusesDeletionOverRestAndTheBusUntilTheRestoreHasFinished() throws IOException {
    snapshotWithNote("held", "src", "snap", "restored whole");
    restoreHeld("held", "copy", "held", "snap");
    assertThat(awaitPhase("held", "copy", "Provisioning").getString("message")).contains("restoring snapshot held/snap");
    String expected = "snapshot held/snap is being restored into volume held/copy (phase Provisioning): delete it"
        + " when the restore has finished, or delete that volume first";

    long before = head();
    Http.Response refused = admin.delete("/api/v1/namespaces/held/snapshots/snap");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("SnapshotInUse");
    assertThat(refused.json().getJsonObject("error").getString("message")).isEqualTo(expected);

    Throwable failed = catchThrowableOfType(IllegalStateException.class, () -> TestServer.await(server.vertx()
        .eventBus().request("rune.api.snapshots.delete", new JsonObject().put("namespace", "held").put("name", "snap"))))
        .getCause();
    assertThat(failed).as("the bus refuses too").isInstanceOf(ReplyException.class);
    ReplyException overBus = (ReplyException) failed;
    assertThat(overBus.failureCode()).isEqualTo(409);
    assertThat(new JsonObject(overBus.getMessage())).isEqualTo(refused.json());
    assertThat(phaseOf("held", "snap", "snapshots")).isEqualTo("Ready");
    assertThat(head()).as("nothing written by either refusal").isEqualTo(before);

    JsonObject restored = awaitPhase("held", "copy", "Available");
    assertThat(root.resolve(restored.getString("handle")).resolve("note.txt")).hasContent("restored whole");

    Http.Response deleted = admin.delete("/api/v1/namespaces/held/snapshots/snap");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/held/snapshots/snap").status() == 404);
  }

  @Test
  void aRestoreIntoAnotherNamespaceHoldsTheSnapshotAndOneOfASnapshotOfTheSameNameElsewhereDoesNot()
      throws IOException {
    snapshotWithNote("origin", "src", "nightly", "from origin");
    snapshotWithNote("bystander", "src", "nightly", "from bystander");
    restoreHeld("staging", "from-origin", "origin", "nightly");
    restoreHeld("bystander", "local-copy", "bystander", "nightly");
    awaitPhase("staging", "from-origin", "Provisioning");
    awaitPhase("bystander", "local-copy", "Provisioning");

    Http.Response refused = admin.delete("/api/v1/namespaces/origin/snapshots/nightly");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("SnapshotInUse");
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .startsWith("snapshot origin/nightly is being restored into volume staging/from-origin (phase Provisioning)");

    JsonObject restored = awaitPhase("staging", "from-origin", "Available");
    assertThat(root.resolve(restored.getString("handle")).resolve("note.txt")).hasContent("from origin");
    assertThat(admin.delete("/api/v1/namespaces/origin/snapshots/nightly").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/origin/snapshots/nightly").status() == 404);
    awaitPhase("bystander", "local-copy", "Available");
  }

  @Test
  void aStalledRestoreStillHoldsItsSnapshotAndASnapshotNoRestoreReadsIsDeleted() throws IOException {
    snapshotWithNote("stall", "src", "base", "for the stalled one");
    Http.Response restore = admin.post("/api/v1/namespaces/stall/volumes/copy/restore",
        new JsonObject().put("fromSnapshot", "base"));
    assertThat(restore.status()).as(restore.toString()).isEqualTo(201);
    awaitPhase("stall", "copy", "Available");
    // A restore whose attempts ran out: retry-provision would read the snapshot again.
    server.patchStatus("Volume", "stall", "copy", new JsonObject().put("phase", "Stalled"));

    Http.Response refused = admin.delete("/api/v1/namespaces/stall/snapshots/base");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .startsWith("snapshot stall/base is being restored into volume stall/copy (phase Stalled)");

    server.patchStatus("Volume", "stall", "copy", new JsonObject().put("phase", "Available"));
    Http.Response deleted = admin.delete("/api/v1/namespaces/stall/snapshots/base");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/stall/snapshots/base").status() == 404);

    snapshotWithNote("stall", "other", "unread", "nobody restores this");
    assertThat(admin.delete("/api/v1/namespaces/stall/snapshots/unread").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/stall/snapshots/unread").status() == 404);
  }

  /** A volume of the counting class holding one note, and a Ready snapshot of it. */
  private static void snapshotWithNote(String ns, String volume, String snapshot, String note) throws IOException {
    Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/volumes", new JsonObject().put("name", volume)
        .put("size", "1Gi").put("storageClassName", CLASS));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Path data = root.resolve(awaitPhase(ns, volume, "Available").getString("handle"));
    Files.writeString(data.resolve("note.txt"), note);
    Http.Response taken = admin.post("/api/v1/namespaces/" + ns + "/snapshots", new JsonObject().put("name", snapshot)
        .put("source", new JsonObject().put("volume", volume)));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    awaitPhase(ns, snapshot, "Ready", "snapshots");
  }

  /** A volume restored from {@code snapshotNs/snapshot}, its restore held {@link #HELD} before it copies. */
  private static void restoreHeld(String ns, String name, String snapshotNs, String snapshot) {
    Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/volumes", new JsonObject().put("name", name)
        .put("size", "1Gi").put("storageClassName", CLASS)
        .put("parameters", new JsonObject().put("provisionDelay", HELD))
        .put("source", new JsonObject().put("snapshot", snapshot).put("namespace", snapshotNs)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static long head() {
    return Long.parseLong(admin.get("/api/v1/storageclasses?limit=1").json().getString("resourceVersion"));
  }

  private static String phaseOf(String ns, String name, String plural) {
    return admin.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name).json().getJsonObject("status")
        .getString("phase");
  }

  private static JsonObject awaitPhase(String ns, String name, String phase) {
    return awaitPhase(ns, name, phase, "volumes");
  }

  private static JsonObject awaitPhase(String ns, String name, String phase, String plural) {
    return await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name).json()
        .getJsonObject("status"), s -> phase.equals(s.getString("phase")));
  }
}
