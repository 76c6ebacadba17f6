package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a kubectl user expects of rune, run as processes against a real server: contexts with
 * a default namespace (and the seed's restore line), -o jsonpath, list -w, describe, create,
 * patch, --field-selector and --dry-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliKubectlHabitsIT {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration LINE = Duration.ofSeconds(30);

  private TestServer server;
  private Http admin;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-kubectl");
    admin = server.admin();
    rune = RuneProcess.as(TestServer.tempDir("cli-kubectl-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "always-fails")
        .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
        .put("parameters", new JsonObject().put("failFirst", "always").put("failWith", "PERMANENT"))).status())
        .isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void contextsGiveServerTokenAndNamespaceAndTheSeedsRestoreLineWorksAsPrinted() throws IOException {
    // The seed's objects: a volume in prod and its snapshot pgdata-2025-11-15.
    createVolume("prod", "pgdata", "local");
    awaitPhase("prod", "volumes", "pgdata", "Available");
    assertThat(admin.post("/api/v1/namespaces/prod/snapshots", new JsonObject().put("name", "pgdata-2025-11-15")
        .put("source", new JsonObject().put("volume", "pgdata"))).status()).isEqualTo(201);
    awaitPhase("prod", "snapshots", "pgdata-2025-11-15", "Ready");

    // A user with no environment: server and token come from the context alone.
    Path home = TestServer.tempDir("cli-kubectl-contexts");
    Path tokenFile = home.resolve("prod.token");
    Files.writeString(tokenFile, server.adminToken() + "\n");
    RuneProcess user = RuneProcess.as(home, Map.of());
    assertThat(user.run("config", "set-context", "--server", server.baseUrl(), "--token-file", tokenFile.toString())
        .ok().stdout()).isEqualTo("Context \"default\" created. It is the current context.\n");
    assertThat(user.run("config", "set-context", "--namespace", "prod").ok().stdout())
        .isEqualTo("Context \"default\" modified.\n");
    Path config = home.resolve(".rune/config");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    assertThat(Files.readString(config)).doesNotContain(server.adminToken());

    RuneProcess.Result restore = user.run("volume", "restore", "web-data-restored", "--from-snapshot",
        "pgdata-2025-11-15", "--storage-class", "local").ok();
    assertThat(restore.stdout()).isEqualTo("volume/web-data-restored restoring from snapshot/pgdata-2025-11-15\n");
    assertThat(admin.get("/api/v1/namespaces/prod/volumes/web-data-restored").status()).isEqualTo(200);
    // -n still overrides the context's namespace.
    assertThat(user.run("volume", "list", "-n", "default", "-o", "name").ok().stdout()).doesNotContain("pgdata");

    assertThat(user.run("config", "current-context").ok().stdout()).isEqualTo("default\n");
    assertThat(user.run("config", "set-context", "elsewhere", "--server", "http://127.0.0.1:1",
        "--namespace", "qa").ok().stdout()).isEqualTo("Context \"elsewhere\" created.\n");
    List<String> contexts = user.run("config", "get-contexts").ok().lines();
    assertThat(contexts.get(0)).matches("CURRENT\\s+NAME\\s+SERVER\\s+NAMESPACE\\s+TOKEN");
    assertThat(contexts.subList(1, 3)).map(line -> List.of(line.trim().split("\\s+"))).containsExactly(
        List.of("*", "default", server.baseUrl(), "prod", tokenFile.toString()),
        List.of("elsewhere", "http://127.0.0.1:1", "qa", "<none>"));
    assertThat(user.run("config", "use-context", "elsewhere").ok().stdout())
        .isEqualTo("Switched to context \"elsewhere\".\n");
    assertThat(user.run("volume", "list").exit()).isEqualTo(1); // nothing listens on that server
    // --context picks one for one command; the environment beats the file.
    assertThat(user.run("--context", "default", "volume", "list", "-o", "name").ok().lines())
        .contains("volume/web-data-restored");
    assertThat(user.withEnv("RUNE_SERVER", server.baseUrl()).withEnv("RUNE_TOKEN", server.adminToken())
        .run("snapshot", "list", "-o", "name").ok().stdout()).isEmpty(); // namespace qa: no snapshots
    assertThat(user.run("config", "view").ok().stdout()).contains("current-context = 'elsewhere'")
        .contains("contexts.default.namespace = 'prod'");
    RuneProcess.Result unknown = user.run("config", "use-context", "nope");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.stderr()).startsWith("error: there is no context 'nope'");
  }

  @Test
  void anOldConfigFileReadsAsTheContextDefaultAndIsRewrittenOnlyWhenChanged() throws IOException {
    Path home = TestServer.tempDir("cli-kubectl-old-config");
    Files.createDirectories(home.resolve(".rune"));
    String old = "server = \"%s\"\ntoken = \"%s\"\n".formatted(server.baseUrl(), server.adminToken());
    Files.writeString(home.resolve(".rune/config"), old);
    RuneProcess user = RuneProcess.as(home, Map.of());
    assertThat(user.run("sc", "list", "-o", "name").ok().lines()).contains("storageclass/local");
    assertThat(user.run("config", "current-context").ok().stdout()).isEqualTo("default\n");
    assertThat(user.run("config", "view").ok().stdout()).contains("token = 'REDACTED'")
        .doesNotContain(server.adminToken());
    assertThat(Files.readString(home.resolve(".rune/config"))).isEqualTo(old);
    RuneProcess.Result changed = user.run("config", "set-context", "--namespace", "prod").ok();
    assertThat(changed.stderr()).contains("rewritten in the contexts form");
    assertThat(Files.readString(home.resolve(".rune/config"))).contains("contexts.default.namespace = 'prod'")
        .contains("contexts.default.server = '" + server.baseUrl() + "'");
    assertThat(user.run("sc", "list", "-o", "name").ok().lines()).contains("storageclass/local");
  }

  @Test
  void jsonpathPrintsWhatTheTemplateSelects() {
    String ns = newNamespace();
    createVolume(ns, "a", "local");
    createVolume(ns, "b", "local");
    assertThat(rune.run("volume", "list", "-n", ns, "-o", "jsonpath={.items[*].name}").ok().stdout())
        .isEqualTo("a b\n");
    assertThat(rune.run("volume", "get", "a", "-n", ns, "-o", "jsonpath=size={.size}{\"\\n\"}").ok().stdout())
        .isEqualTo("size=1Gi\n\n");
    RuneProcess.Result bad = rune.run("volume", "list", "-n", ns, "-o", "jsonpath={.items[?(@.x ==}");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr()).startsWith("error: the jsonpath template '{.items[?(@.x ==}' is not valid");
  }

  @Test
  void listAndGetWatchPrintTheAnswerThenALinePerChangeAndEndWithZeroOnSigterm() throws InterruptedException {
    String ns = newNamespace();
    createVolume(ns, "before", "local");
    awaitPhase(ns, "volumes", "before", "Available");
    RuneProcess.Running watch = rune.start("volume", "list", "-w", "-n", ns, "--field-selector",
        "spec.storageClassName=local");
    try (watch) {
      watch.awaitLine(line -> line.startsWith("NAME"), LINE);
      watch.awaitLine(line -> line.startsWith("before "), LINE);
      watch.awaitLine(line -> line.startsWith("SEQ"), LINE);
      createVolume(ns, "other-class", "always-fails");
      createVolume(newNamespace(), "elsewhere", "local");
      createVolume(ns, "after", "local");
      assertThat(watch.awaitLine(line -> line.contains("volume/after"), LINE))
          .matches("\\d+\\s+ADDED\\s+volume/after\\s+Pending");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/after\\s+Available"), LINE);
      assertThat(watch.seen()).noneMatch(line -> line.contains("elsewhere") || line.contains("other-class"));
    }
    assertThat(watch.exitValue()).as("exit status after SIGTERM").isZero();

    RuneProcess.Running get = rune.start("volume", "get", "before", "-w", "-n", ns);
    try (get) {
      get.awaitLine(line -> line.startsWith("before "), LINE);
      get.awaitLine(line -> line.startsWith("SEQ"), LINE);
      assertThat(admin.send("PATCH", volumes(ns) + "/after", "{\"labels\":{\"x\":\"1\"}}",
          "application/merge-patch+json").status()).isEqualTo(200);
      assertThat(admin.send("PATCH", volumes(ns) + "/before", "{\"labels\":{\"x\":\"1\"}}",
          "application/merge-patch+json").status()).isEqualTo(200);
      get.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/before\\s+Available"), LINE);
      assertThat(get.seen()).noneMatch(line -> line.contains("volume/after"));
    }
    assertThat(get.exitValue()).isZero();
  }

  @Test
  void describeShowsSpecStatusTiesAndLastChanges() {
    String ns = newNamespace();
    createVolume(ns, "data", "local");
    awaitPhase(ns, "volumes", "data", "Available");
    assertThat(admin.post("/api/v1/namespaces/" + ns + "/snapshots", new JsonObject().put("name", "data-snap")
        .put("source", new JsonObject().put("volume", "data"))).status()).isEqualTo(201);
    awaitPhase(ns, "snapshots", "data-snap", "Ready");
    assertThat(rune.run("snapshot", "restore", "data-snap", "--as", "data-copy", "-n", ns, "--wait").exit()).isZero();

    List<String> volume = rune.run("volume", "describe", "data", "-n", ns).ok().lines();
    assertThat(volume).contains("Snapshots:", "Changes (the last 10 the server keeps):");
    assertThat(volume).anySatisfy(line -> assertThat(line).matches("  data-snap\\s+Ready\\s+\\S+"));
    assertThat(volume).anySatisfy(line -> assertThat(line).matches("  \\d+\\s+ADDED\\s+Pending.*"));
    assertThat(volume).anySatisfy(line -> assertThat(line).matches("  \\d+\\s+MODIFIED\\s+Available.*"));

    List<String> snapshot = rune.run("snapshot", "describe", "data-snap", "-n", ns).ok().lines();
    assertThat(snapshot).anySatisfy(line -> assertThat(line).matches("Volume:\\s+data"));
    assertThat(snapshot).containsSubsequence("Source volume:", "Volumes restored from it:");
    assertThat(snapshot).anySatisfy(line -> assertThat(line).matches("  " + ns + "\\s+data-copy\\s+Available.*"));

    assertThat(admin.post("/api/v1/namespaces/" + ns + "/services", new JsonObject().put("name", "db").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "pgdata").put("mountPath", "/data")
            .put("claimTemplate", new JsonObject().put("storageClassName", "local").put("size", "1Gi")))))
        .status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/api/v1/namespaces/" + ns + "/services/db").json()
        .getJsonObject("status", new JsonObject()).getInteger("readyReplicas", 0) == 1);
    List<String> service = rune.run("service", "describe", "db", "-n", ns).ok().lines();
    assertThat(service).contains("Replicas:", "Volumes:");
    assertThat(service).anySatisfy(line -> assertThat(line).matches("Ready:\\s+1/1"));
    assertThat(service).anySatisfy(line -> assertThat(line).matches("  pgdata-db-0\\s+Bound\\s+1Gi.*"));

    RuneProcess.Result missing = rune.run("snapshot", "describe", "nope", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stderr()).contains("nope");
  }

  @Test
  void createPatchAndFieldSelector() {
    String ns = newNamespace();
    assertThat(rune.run("volume", "create", "made", "-n", ns, "--size", "2Gi", "--access-mode", "RWO",
        "--label", "app=web").ok().stdout()).isEqualTo("volume/made created\n");
    JsonObject made = admin.get(volumes(ns) + "/made").json();
    assertThat(made.getString("accessMode")).isEqualTo("ReadWriteOnce");
    assertThat(made.getJsonObject("labels")).isEqualTo(new JsonObject().put("app", "web"));

    assertThat(rune.run("volume", "patch", "made", "-n", ns, "-p", "{\"labels\":{\"a\":\"b\"}}").ok().stdout())
        .isEqualTo("volume/made patched\n");
    assertThat(admin.get(volumes(ns) + "/made").json().getJsonObject("labels"))
        .isEqualTo(new JsonObject().put("app", "web").put("a", "b"));

    createVolume(ns, "broken", "always-fails");
    awaitPhase(ns, "volumes", "broken", "Failed");
    assertThat(rune.run("volume", "list", "-n", ns, "--field-selector", "status.phase=Failed", "-o", "name").ok()
        .stdout()).isEqualTo("volume/broken\n");
    RuneProcess.Result unknownField = rune.run("volume", "list", "-n", ns, "--field-selector", "spec.color=red");
    assertThat(unknownField.exit()).isEqualTo(1);
    assertThat(unknownField.stderr()).startsWith("error: ").contains("spec.color").contains("status.phase");
  }

  @Test
  void volumeCreateSetsTheOwnerAndModeOfTheDirectory() throws IOException {
    String ns = newNamespace();
    assertThat(rune.run("volume", "create", "owned", "-n", ns, "--size", "1Gi", "--fs-user", "1234", "--fs-group",
        "2345", "--fs-mode", "0750").ok().stdout()).isEqualTo("volume/owned created\n");
    awaitPhase(ns, "volumes", "owned", "Available");
    JsonObject owned = admin.get(volumes(ns) + "/owned").json();
    assertThat(owned.getLong("fsUser")).isEqualTo(1234L);
    assertThat(owned.getLong("fsGroup")).isEqualTo(2345L);
    assertThat(owned.getString("fsMode")).isEqualTo("0750");
    Path dir = server.config().storage().localVolumeRoot().resolve(owned.getJsonObject("status").getString("handle"));
    assertThat(Files.getAttribute(dir, "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(dir, "unix:gid")).isEqualTo(2345);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-x---");
    assertThat(rune.run("volume", "describe", "owned", "-n", ns).ok().lines())
        .anySatisfy(line -> assertThat(line).matches("Ownership:\\s+uid 1234, gid 2345, mode 0750"));

    assertThat(admin.post("/api/v1/namespaces/" + ns + "/snapshots", new JsonObject().put("name", "owned-1")
        .put("source", new JsonObject().put("volume", "owned"))).status()).isEqualTo(201);
    awaitPhase(ns, "snapshots", "owned-1", "Ready");
    rune.run("snapshot", "restore", "owned-1", "--as", "copy", "-n", ns, "--fs-user", "3000", "--fs-mode", "0700")
        .ok();
    awaitPhase(ns, "volumes", "copy", "Available");
    JsonObject copy = admin.get(volumes(ns) + "/copy").json();
    Path copied = server.config().storage().localVolumeRoot().resolve(copy.getJsonObject("status").getString("handle"));
    assertThat(Files.getAttribute(copied, "unix:uid")).isEqualTo(3000);
    assertThat(Files.getAttribute(copied, "unix:gid")).as("the snapshot's, not asked for").isEqualTo(2345);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copied))).isEqualTo("rwx------");

    // Checked before anything is sent, by the model's rules.
    RuneProcess client = RuneProcess.as(rune.home(), Map.of("RUNE_SERVER", "http://127.0.0.1:1"));
    RuneProcess.Result badMode = client.run("volume", "create", "bad", "--size", "1Gi", "--fs-mode", "0758",
        "--dry-run=client");
    assertThat(badMode.exit()).isEqualTo(1);
    assertThat(badMode.stderr()).isEqualTo("error: fsMode must be 3 or 4 octal digits such as 0750, not \"0758\"\n");
    RuneProcess.Result badUser = client.run("volume", "create", "bad", "--size", "1Gi", "--fs-user", "-5",
        "--dry-run=client");
    assertThat(badUser.exit()).isEqualTo(1);
    assertThat(badUser.stderr()).contains("fsUser must be an integer from 0 to 2147483647");
  }

  @Test
  void aServerDryRunLeavesNothingBehindAndAClientOneSendsNothing() {
    String ns = newNamespace();
    RuneProcess.Result created = rune.run("volume", "create", "ghost", "-n", ns, "--size", "1Gi", "--dry-run=server")
        .ok();
    assertThat(created.stdout()).isEqualTo("volume/ghost created (server dry run)\n");
    JsonObject wouldBe = rune.run("volume", "create", "ghost", "-n", ns, "--size", "1Gi", "--dry-run=server",
        "-o", "json").ok().json();
    assertThat(wouldBe.getString("name")).isEqualTo("ghost");
    assertThat(wouldBe.getString("storageClassName")).isEqualTo("local");
    assertThat(admin.get(volumes(ns) + "/ghost").status()).isEqualTo(404);

    createVolume(ns, "real", "local");
    awaitPhase(ns, "volumes", "real", "Available");
    JsonObject before = admin.get(volumes(ns) + "/real").json();
    assertThat(rune.run("volume", "delete", "real", "-n", ns, "--dry-run=server").ok().stdout())
        .startsWith("volume/real ").endsWith(" (server dry run)\n");
    assertThat(rune.run("volume", "patch", "real", "-n", ns, "-p", "{\"labels\":{\"x\":\"y\"}}", "--dry-run=server",
        "-o", "jsonpath={.labels.x}").ok().stdout()).isEqualTo("y\n");
    assertThat(admin.get(volumes(ns) + "/real").json()).isEqualTo(before);

    RuneProcess.Result taken = rune.run("volume", "create", "real", "-n", ns, "--size", "1Gi", "--dry-run=server");
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.stderr()).contains("real");

    RuneProcess client = RuneProcess.as(rune.home(), Map.of("RUNE_SERVER", "http://127.0.0.1:1"));
    assertThat(client.run("volume", "create", "offline", "-n", ns, "--size", "1Gi", "--dry-run=client").ok().stdout())
        .isEqualTo("volume/offline created (dry run)\n");
    RuneProcess.Result badSize = client.run("volume", "create", "offline", "--size", "1GB", "--dry-run=client");
    assertThat(badSize.exit()).isEqualTo(1);
    assertThat(badSize.stderr()).contains("1GB");
  }

  private static String newNamespace() {
    return "kubectl-" + NAMES.incrementAndGet();
  }

  private static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }

  private void createVolume(String ns, String name, String storageClass) {
    Http.Response created = admin.post(volumes(ns), new JsonObject().put("name", name).put("size", "1Gi")
        .put("storageClassName", storageClass));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private void awaitPhase(String ns, String plural, String name, String phase) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(100, TimeUnit.MILLISECONDS).until(() -> phase.equals(
        admin.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name).json()
            .getJsonObject("status", new JsonObject()).getString("phase")));
  }
}
