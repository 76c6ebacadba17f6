package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every command of the rune CLI, run as a real process against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TestServer server;
  private Http admin;
  private RuneProcess rune;

  @BeforeAll
  void start() {
    server = TestServer.external("cli");
    admin = server.admin();
    rune = RuneProcess.as(TestServer.tempDir("cli-home"),
        Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void printsItsVersion() throws IOException {
    Properties pom = new Properties();
    try (var in = Files.newInputStream(Path.of("rune-cli/target/maven-archiver/pom.properties"))) {
      pom.load(in);
    }
    assertThat(rune.run("version").ok().stdout()).isEqualTo("rune version " + pom.getProperty("version") + "\n");
    assertThat(rune.run("--version").ok().stdout()).isEqualTo("rune version " + pom.getProperty("version") + "\n");
  }

  @Test
  void storageClassesListGetSetDefaultDelete() {
    List<String> table = rune.run("sc", "list").ok().lines();
    assertThat(cells(table.get(0))).containsExactly("NAME", "DRIVER", "DEFAULT", "RECLAIM", "AGE");
    assertThat(table).anySatisfy(row -> assertThat(cells(row)).startsWith("local", "local", "yes", "retain"));
    assertThat(rune.run("storageclass", "get", "local", "-o", "json").ok().json())
        .isEqualTo(admin.get("/api/v1/storageclasses/local").json());

    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "fast-cli").put("driver", "local")
        .put("parameters", new JsonObject().put("tier", "ssd"))).status()).isEqualTo(201);
    try {
      assertThat(rune.run("sc", "set-default", "fast-cli").ok().stdout())
          .isEqualTo("storageclass/fast-cli is now the default\n");
      assertThat(admin.get("/api/v1/storageclasses/fast-cli").json().getBoolean("default")).isTrue();
      assertThat(rune.run("sc", "list", "-o", "wide").ok().lines())
          .anySatisfy(row -> assertThat(cells(row)).startsWith("fast-cli", "local", "yes", "retain")
              .endsWith("tier=ssd").hasSize(6));
    } finally {
      assertThat(admin.post("/api/v1/storageclasses/local/set-default", null).status()).isEqualTo(200);
    }
    assertThat(rune.run("sc", "delete", "fast-cli").ok().stdout()).isEqualTo("storageclass/fast-cli deleted\n");
    assertThat(admin.get("/api/v1/storageclasses/fast-cli").status()).isEqualTo(404);
    assertThat(rune.run("sc", "list", "-o", "name").ok().lines())
        .containsExactly("storageclass/local", "storageclass/local-host");
  }

  @Test
  void castOfTwoDocumentsThenListShowsBoth() throws IOException {
    String ns = newNamespace();
    Path file = Files.writeString(rune.home().resolve(ns + ".yaml"), """
        volume:
          name: web-data
          namespace: %s
          size: 5Gi
          labels: {app: web}
        ---
        volume:
          name: db-data
          namespace: %s
          size: 10Gi
          accessMode: ReadWriteOnce
        """.formatted(ns, ns));
    RuneProcess.Result empty = rune.run("volume", "list", "-n", ns).ok();
    assertThat(empty.stdout()).isEmpty();
    assertThat(empty.stderr()).isEqualTo("No volumes found in namespace " + ns + ".\n");
    assertThat(rune.run("cast", "-f", file.toString()).ok().lines())
        .containsExactly("volume/web-data created", "volume/db-data created");
    awaitPhase(ns, "web-data", "Available");
    awaitPhase(ns, "db-data", "Available");
    List<String> table = rune.run("volume", "list", "-n", ns).ok().lines();
    assertThat(cells(table.get(0))).containsExactly("NAME", "CLASS", "SIZE", "MODE", "PHASE", "BOUND", "AGE");
    assertThat(table.subList(1, table.size())).extracting(row -> cells(row).subList(0, 5)).containsExactlyInAnyOrder(
        List.of("web-data", "local", "5Gi", "RWO", "Available"), List.of("db-data", "local", "10Gi", "RWO", "Available"));
    assertThat(table).allSatisfy(row -> assertThat(row.length()).isLessThanOrEqualTo(80));

    assertThat(rune.run("cast", "-f", file.toString()).ok().lines())
        .containsExactly("volume/web-data unchanged", "volume/db-data unchanged");
    String third = "volume: {name: cache, namespace: %s, size: 1Gi, labels: {app: web}}\n".formatted(ns);
    assertThat(rune.runWithInput(third, "cast", "-f", "-").ok().stdout()).isEqualTo("volume/cache created\n");
    assertThat(rune.run("vol", "list", "-n", ns, "-l", "app=web", "-o", "name").ok().lines())
        .containsExactlyInAnyOrder("volume/web-data", "volume/cache");
  }

  @Test
  void jsonAndYamlOutputParseBackToTheApiObjects() throws IOException {
    String ns = newNamespace();
    createVolume(ns, "v1", "1Gi");
    createVolume(ns, "v2", "2Gi");
    JsonObject viaRest = admin.get(volumes(ns) + "/v1").json();
    assertThat(rune.run("vol", "get", "v1", "-n", ns, "-o", "json").ok().json()).isEqualTo(viaRest);
    Map<?, ?> yaml = new ObjectMapper(new YAMLFactory())
        .readValue(rune.run("vol", "get", "v1", "-n", ns, "-o", "yaml").ok().stdout(), Map.class);
    assertThat(new JsonObject(yaml.entrySet().stream().collect(java.util.stream.Collectors.toMap(
        e -> (String) e.getKey(), e -> (Object) e.getValue())))).isEqualTo(viaRest);

    JsonObject list = rune.run("vol", "list", "-n", ns, "-o", "json").ok().json();
    assertThat(list.getJsonArray("items")).isEqualTo(admin.get(volumes(ns)).items());
    assertThat(list.getValue("continue")).isNull();
    assertThat(list.getString("resourceVersion")).isNotBlank();
  }

  @Test
  void listsFollowTheContinueTokenToTheEnd() {
    String ns = newNamespace();
    for (String name : List.of("a", "b", "c")) {
      createVolume(ns, name, "1Gi");
    }
    assertThat(admin.get(volumes(ns) + "?limit=1").json().getString("continue")).isNotNull();
    assertThat(rune.run("vol", "list", "-n", ns, "--chunk-size", "1", "-o", "name").ok().lines())
        .containsExactly("volume/a", "volume/b", "volume/c");
    assertThat(rune.run("vol", "list", "-n", ns, "--chunk-size", "2", "-o", "json").ok().json()
        .getJsonArray("items")).hasSize(3);
  }

  @Test
  void allNamespacesWideAndTheReasonOfAFailedVolume() {
    String ns1 = newNamespace();
    String ns2 = newNamespace();
    createVolume(ns1, "ok", "1Gi");
    createVolume(ns2, "broken", "1Gi");
    setVolumeStatus(ns2, "broken", "{\"phase\": \"Failed\", \"reason\": \"ProvisionFailedWillRetry\"}");
    List<String> all = rune.run("vol", "list", "-A").ok().lines();
    assertThat(cells(all.get(0))).containsExactly("NAMESPACE", "NAME", "CLASS", "SIZE", "MODE", "PHASE", "BOUND",
        "AGE");
    assertThat(all).anySatisfy(row -> assertThat(cells(row)).startsWith(ns1, "ok", "local", "1Gi", "RWO", "Available"));
    assertThat(all).anySatisfy(row -> assertThat(cells(row))
        .startsWith(ns2, "broken", "local", "1Gi", "RWO", "Failed (ProvisionFailedWillRetry)"));
    assertThat(cells(all.get(1)).get(6)).isEqualTo("<none>");
    assertThat(cells(all.get(1)).get(7)).matches("\\d+[smhdy]");

    List<String> wide = rune.run("vol", "list", "-n", ns2, "-o", "wide").ok().lines();
    assertThat(cells(wide.get(0)))
        .containsExactly("NAME", "CLASS", "SIZE", "MODE", "PHASE", "BOUND", "AGE", "RECLAIM", "NODE", "USED", "CAPACITY",
            "REASON");
    assertThat(cells(wide.get(1))).containsSubsequence("retain", "test-node", "ProvisionFailedWillRetry");
  }

  @Test
  void retryProvisionAndDeleteOfAVolume() {
    String ns = newNamespace();
    createVolume(ns, "v", "1Gi");
    setVolumeStatus(ns, "v", "{\"phase\": \"Stalled\", \"attempts\": 5}");
    assertThat(rune.run("vol", "retry-provision", "v", "-n", ns).ok().stdout())
        .isEqualTo("volume/v will be provisioned again (phase Pending)\n");
    assertThat(admin.get(volumes(ns) + "/v").json().getJsonObject("status").getInteger("attempts")).isIn(0, 1);
    awaitPhase(ns, "v", "Available");

    RuneProcess.Result again = rune.run("vol", "retry-provision", "v", "-n", ns);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.stderr()).isEqualTo("error: " + errorMessage(admin.post(volumes(ns) + "/v/retry-provision", null))
        + "\n");

    assertThat(rune.run("vol", "delete", "v", "-n", ns).ok().stdout())
        .matches("volume/v (deleted|marked for deletion)\n");
    Http.Response after = admin.get(volumes(ns) + "/v");
    assertThat(after.status() == 404 || after.json().getJsonObject("status").getString("phase").equals("Deleting"))
        .as("deleted or Deleting: %s", after).isTrue();
  }

  @Test
  void snapshotsCreateListGetDelete() {
    String ns = newNamespace();
    createVolume(ns, "data", "1Gi");
    assertThat(rune.run("snap", "create", "data", "-n", ns).ok().stdout())
        .matches("snapshot/data-\\d{8}-\\d{6} created\n");
    assertThat(rune.run("snapshot", "create", "data", "--name", "nightly", "-n", ns).ok().stdout())
        .isEqualTo("snapshot/nightly created\n");
    assertThat(admin.get(snapshots(ns) + "/nightly").json().getJsonObject("source").getString("volume"))
        .isEqualTo("data");

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> "Ready".equals(
        admin.get(snapshots(ns) + "/nightly").json().getJsonObject("status").getString("phase")));
    List<String> table = rune.run("snap", "list", "-n", ns).ok().lines();
    assertThat(cells(table.get(0))).containsExactly("NAME", "VOLUME", "PHASE", "AGE");
    assertThat(table).hasSize(3).anySatisfy(row -> assertThat(cells(row)).startsWith("nightly", "data", "Ready"));
    assertThat(cells(rune.run("snap", "list", "-A").ok().lines().get(0))).startsWith("NAMESPACE", "NAME");
    assertThat(rune.run("snap", "get", "nightly", "-n", ns, "-o", "json").ok().json())
        .isEqualTo(admin.get(snapshots(ns) + "/nightly").json());
    assertThat(rune.run("snap", "get", "nightly", "-n", ns, "-o", "name").ok().stdout())
        .isEqualTo("snapshot/nightly\n");

    assertThat(rune.run("snap", "delete", "nightly", "-n", ns).ok().stdout())
        .matches("snapshot/nightly (deleted|marked for deletion)\n");
    Http.Response after = admin.get(snapshots(ns) + "/nightly");
    assertThat(after.status() == 404 || after.json().getJsonObject("status").getString("phase").equals("Deleting"))
        .as("deleted or Deleting: %s", after).isTrue();
  }

  @Test
  void tokenCreatePrintsASecretThatWorksWithItsRole() {
    String ns = newNamespace();
    createVolume(ns, "keep", "1Gi");
    RuneProcess.Result created = rune.run("token", "create", "--role", "readonly", "--namespace", ns).ok();
    assertThat(created.lines()).hasSize(1);
    assertThat(created.stderr()).contains("shown only once").contains("role readonly").contains(ns);
    String secret = created.stdout().trim();

    assertThat(rune.run("vol", "list", "-n", ns, "-o", "name", "--token", secret).ok().stdout())
        .isEqualTo("volume/keep\n");
    RuneProcess.Result refused = rune.run("vol", "delete", "keep", "-n", ns, "--token", secret);
    assertThat(refused.exit()).isEqualTo(1);
    Http.Response viaRest = admin.withToken(secret).delete(volumes(ns) + "/keep");
    assertThat(viaRest.errorCode()).isEqualTo("Forbidden");
    assertThat(refused.stderr()).isEqualTo("error: " + errorMessage(viaRest) + "\n");
    assertThat(admin.get(volumes(ns) + "/keep").status()).isEqualTo(200);
  }

  @Test
  void serverErrorsSayTheServersMessageAndExit1() {
    String ns = newNamespace();
    RuneProcess.Result missing = rune.run("vol", "get", "nope", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stdout()).isEmpty();
    assertThat(missing.stderr()).isEqualTo("error: " + errorMessage(admin.get(volumes(ns) + "/nope")) + "\n");

    RuneProcess.Result invalid = rune.runWithInput("volume: {name: bad, namespace: %s, size: -1}\n".formatted(ns),
        "cast", "-f", "-");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.stderr()).startsWith("error: document 0 (Volume bad): ").endsWith(" (field: documents[0].size)\n");

    RuneProcess.Result noFile = rune.run("cast", "-f", rune.home().resolve("absent.yaml").toString());
    assertThat(noFile.exit()).isEqualTo(1);
    assertThat(noFile.stderr()).isEqualTo("error: cannot read " + rune.home().resolve("absent.yaml")
        + ": there is no such file\n");
  }

  @Test
  void usageErrorsExit2WithTheUsageLine() {
    RuneProcess.Result badFlag = rune.run("vol", "list", "--bogus");
    assertThat(badFlag.exit()).isEqualTo(2);
    assertThat(badFlag.stdout()).isEmpty();
    assertThat(badFlag.stderr()).startsWith("error: Unknown option: '--bogus'\n")
        .contains("Usage: rune volume list ").contains("Try 'rune volume list --help'");

    RuneProcess.Result badFormat = rune.run("sc", "list", "-o", "xml");
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.stderr()).contains("table, wide, json, yaml, name").contains("Usage: rune storageclass list");

    RuneProcess.Result noName = rune.run("snap", "get");
    assertThat(noName.exit()).isEqualTo(2);
    assertThat(noName.stderr()).contains("Missing required parameter: 'NAME'");

    RuneProcess.Result group = rune.run("volume");
    assertThat(group.exit()).isEqualTo(2);
    assertThat(group.stderr()).contains("Missing required subcommand").contains("retry-provision");
    assertThat(rune.run("token", "create").exit()).isEqualTo(2);
  }

  /** Creates a volume and waits until the volume controller has provisioned it. */
  private void createVolume(String ns, String name, String size) {
    Http.Response created = admin.post(volumes(ns), new JsonObject().put("name", name).put("size", size));
    assertThat(created.status()).as("create %s/%s: %s", ns, name, created).isEqualTo(201);
    awaitPhase(ns, name, "Available");
  }

  private void awaitPhase(String ns, String name, String phase) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> phase.equals(
        admin.get(volumes(ns) + "/" + name).json().getJsonObject("status").getString("phase")));
  }

  private void setVolumeStatus(String ns, String name, String patch) {
    server.patchStatus("Volume", ns, name, new JsonObject(patch));
  }

  private static String errorMessage(Http.Response response) {
    return response.json().getJsonObject("error").getString("message");
  }

  /** The cells of a table row: columns are at least three spaces apart, cells hold at most single spaces. */
  static List<String> cells(String row) {
    return Arrays.asList(row.trim().split("\\s{3,}"));
  }

  static String newNamespace() {
    return "cli-" + NAMES.incrementAndGet();
  }

  static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }

  static String snapshots(String ns) {
    return "/api/v1/namespaces/" + ns + "/snapshots";
  }
}
