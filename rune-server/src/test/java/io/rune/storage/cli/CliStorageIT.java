package io.rune.storage.cli;

import static io.rune.storage.cli.CliIT.cells;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CLI's commands for services, detach, restore and storage class files, run as a real
 * process against a real server; every refusal checked for its message and exit status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliStorageIT {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TestServer server;
  private Http admin;
  private RuneProcess rune;
  private Path files;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-storage");
    admin = server.admin();
    files = TestServer.tempDir("cli-storage-home");
    rune = RuneProcess.as(files, Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
  }

  @AfterAll
  void stop() {
    server.close();
    TestServer.deleteTree(files);
  }

  @Test
  void servicesListGetAndDeleteKeepingOrCascadingTheirVolumes() throws IOException {
    String ns = newNamespace();
    castService(ns, "db", 2);
    assertThat(rune.run("cast", "-f", serviceFile(ns, "db", 2), "--wait").ok().lines())
        .contains("service/db unchanged", "service/db 2/2 replicas ready");

    List<String> services = rune.run("svc", "list", "-n", ns).ok().lines();
    assertThat(cells(services.get(0))).containsExactly("NAME", "READY", "VOLUMES", "PHASE", "AGE");
    assertThat(cells(services.get(1))).startsWith("db", "2/2", "data(template)", "Active");
    assertThat(rune.run("service", "get", "db", "-n", ns, "-o", "json").ok().json())
        .isEqualTo(admin.get(services(ns) + "/db").json());
    assertThat(rune.run("svc", "list", "-A", "-o", "name").ok().lines()).contains("service/db");

    List<String> volumes = rune.run("vol", "list", "-n", ns).ok().lines();
    assertThat(cells(volumes.get(0))).containsExactly("NAME", "CLASS", "SIZE", "MODE", "PHASE", "BOUND", "AGE");
    assertThat(volumes).anySatisfy(row -> assertThat(cells(row)).startsWith("data-db-0", "local", "1Gi", "RWO",
        "Bound", "db-0"));

    // readwrite may delete a service, never with cascade: refused, nothing changes.
    String readwrite = rune.run("token", "create", "--role", "readwrite", "-n", ns).ok().stdout().trim();
    RuneProcess.Result refused = rune.run("svc", "delete", "db", "-n", ns, "--cascade", "--token", readwrite);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.stderr()).startsWith("error: deleting service " + ns + "/db with cascade=true")
        .contains("needs an admin token");
    assertThat(admin.get(services(ns) + "/db").json().getJsonObject("status").getString("phase")).isEqualTo("Active");

    // Without cascade the volumes stay, Released.
    assertThat(rune.run("svc", "delete", "db", "-n", ns, "--wait", "--token", readwrite).ok().lines())
        .containsSubsequence("service/db marked for deletion", "service/db deleted");
    assertThat(admin.get(services(ns) + "/db").status()).isEqualTo(404);
    assertThat(admin.get(volumes(ns) + "/data-db-1").json().getJsonObject("status").getString("phase"))
        .isEqualTo("Released");

    // Cast again: the replicas take their volumes back; cascade deletes them with the service.
    assertThat(rune.run("cast", "-f", serviceFile(ns, "db", 2), "--wait").ok().lines())
        .contains("service/db created", "service/db 2/2 replicas ready");
    List<String> cascade = rune.run("svc", "delete", "db", "-n", ns, "--cascade", "--wait").ok().lines();
    assertThat(cascade).containsSubsequence("service/db marked for deletion", "service/db deleted");
    assertThat(admin.get(volumes(ns)).items()).isEmpty();
    assertThat(rune.run("svc", "get", "db", "-n", ns).exit()).isEqualTo(1);
  }

  @Test
  void detachRefusesABoundVolumeWithoutForceAndSaysHow() throws IOException {
    String ns = newNamespace();
    assertThat(admin.post(volumes(ns), new JsonObject().put("name", "idle").put("size", "1Gi")).status())
        .isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(phase(ns, "idle")));
    assertThat(rune.run("vol", "detach", "idle", "-n", ns).ok().stdout())
        .isEqualTo("volume/idle is Available, not attached to any replica: nothing to detach\n");

    castService(ns, "app", 1);
    RuneProcess.Result refused = rune.run("vol", "detach", "data-app-0", "-n", ns);
    assertThat(refused.exit()).isEqualTo(1);
    String serverSays = admin.post(volumes(ns) + "/data-app-0/detach", null).json().getJsonObject("error")
        .getString("message");
    assertThat(refused.stderr()).isEqualTo("error: " + serverSays + "\nto take it from that replica anyway:"
        + " rune volume detach data-app-0 -n " + ns + " --force\n");
    assertThat(phase(ns, "data-app-0")).isEqualTo("Bound");

    assertThat(rune.run("vol", "detach", "data-app-0", "-n", ns, "--force").ok().stdout())
        .isEqualTo("volume/data-app-0 detach requested: it becomes Released once its replica has let go,"
            + " and is not bound again\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Released".equals(phase(ns, "data-app-0")));
    assertThat(rune.run("vol", "detach", "nope", "-n", ns).exit()).isEqualTo(1);
  }

  @Test
  void restoreByVolumeAndBySnapshotIntoAnotherNamespace() throws IOException {
    String ns = newNamespace();
    String other = newNamespace();
    assertThat(admin.post(volumes(ns), new JsonObject().put("name", "src").put("size", "2Gi")).status())
        .isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(phase(ns, "src")));
    Path data = Path.of(admin.get(volumes(ns) + "/src").json().getJsonObject("status").getString("handle"));
    Files.writeString(server.config().storage().localVolumeRoot().resolve(data).resolve("hello.txt"), "hello");
    assertThat(rune.run("snap", "create", "src", "--name", "s1", "-n", ns, "--wait").ok().lines())
        .startsWith("snapshot/s1 created").endsWith("snapshot/s1 Ready");

    List<String> restored = rune.run("volume", "restore", "copy", "--from-snapshot", "s1",
        "--snapshot-namespace", ns, "-n", other, "--wait").ok().lines();
    assertThat(restored).startsWith("volume/copy restoring from snapshot/s1").endsWith("volume/copy Available");
    assertThat(contents(other, "copy")).isEqualTo("hello");

    RuneProcess.Result json = rune.run("snapshot", "restore", "s1", "--as", "copy2", "-n", ns, "--to-namespace",
        other, "--size", "3Gi", "--wait", "-o", "json").ok();
    assertThat(json.json()).isEqualTo(admin.get(volumes(other) + "/copy2").json());
    assertThat(json.json().getString("size")).isEqualTo("3Gi");
    assertThat(json.json().getJsonObject("status").getString("phase")).isEqualTo("Available");
    assertThat(json.stderr()).contains("volume/copy2 Available");
    assertThat(contents(other, "copy2")).isEqualTo("hello");

    // Refusals: the server's words, exit 1, nothing made; a missing flag is a usage error.
    RuneProcess.Result small = rune.run("snap", "restore", "s1", "--as", "tiny", "-n", ns, "--size", "1Gi");
    assertThat(small.exit()).isEqualTo(1);
    assertThat(small.stderr()).startsWith("error: ").endsWith("(field: size)\n");
    RuneProcess.Result missing = rune.run("vol", "restore", "x", "--from-snapshot", "nope", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stderr()).contains("nope").endsWith("(field: fromSnapshot)\n");
    assertThat(admin.get(volumes(ns) + "/tiny").status()).isEqualTo(404);
    assertThat(admin.get(volumes(ns) + "/x").status()).isEqualTo(404);
    RuneProcess.Result usage = rune.run("vol", "restore", "x", "-n", ns);
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.stderr()).contains("Missing required option: '--from-snapshot=SNAPSHOT'")
        .contains("Usage: rune volume restore");
    assertThat(rune.run("snap", "restore", "s1", "-n", ns).exit()).isEqualTo(2);
  }

  @Test
  void storageClassCreateFromAFileAndItsRefusals() throws IOException {
    String name = "cli-class-" + NAMES.incrementAndGet();
    Path file = files.resolve(name + ".yaml");
    Files.writeString(file, "storageClass:\n  name: " + name + "\n  driver: local\n  reclaimPolicy: delete\n");
    assertThat(rune.run("sc", "create", "-f", file.toString(), "--wait").ok().stdout())
        .isEqualTo("storageclass/" + name + " created\n");
    assertThat(rune.run("sc", "get", name, "-o", "json").ok().json())
        .isEqualTo(admin.get("/api/v1/storageclasses/" + name).json());

    RuneProcess.Result again = rune.run("sc", "create", "-f", file.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.stderr()).startsWith("error: ").contains(name);

    String readwrite = rune.run("token", "create", "--role", "readwrite").ok().stdout().trim();
    Path other = files.resolve("other.json");
    Files.writeString(other, "{\"name\": \"" + name + "-x\", \"driver\": \"local\"}");
    RuneProcess.Result forbidden = rune.run("sc", "create", "-f", other.toString(), "--token", readwrite);
    assertThat(forbidden.exit()).isEqualTo(1);
    assertThat(admin.get("/api/v1/storageclasses/" + name + "-x").status()).isEqualTo(404);

    RuneProcess.Result fromStdin = rune.runWithInput("name: " + name + "-in\ndriver: nope\n", "sc", "create", "-f", "-");
    assertThat(fromStdin.exit()).isEqualTo(1);
    assertThat(fromStdin.stderr()).startsWith("error: ").contains("nope").endsWith("(field: driver)\n");
    assertThat(rune.run("sc", "create").exit()).isEqualTo(2);

    // Cascade takes the class's volumes with it; --wait follows them until they are gone.
    String ns = newNamespace();
    for (String volume : List.of("a", "b")) {
      assertThat(admin.post(volumes(ns), new JsonObject().put("name", volume).put("size", "1Gi")
          .put("storageClassName", name)).status()).isEqualTo(201);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(phase(ns, "a"))
        && "Available".equals(phase(ns, "b")));
    Path dirA = server.config().storage().localVolumeRoot()
        .resolve(admin.get(volumes(ns) + "/a").json().getJsonObject("status").getString("handle"));
    RuneProcess.Result cascade = rune.run("sc", "delete", name, "--cascade", "--wait");
    assertThat(cascade.ok().lines()).startsWith("storageclass/" + name + " deleted")
        .contains("volume/a deleted", "volume/b deleted");
    assertThat(admin.get(volumes(ns)).items()).isEmpty();
    assertThat(dirA).doesNotExist();
    assertThat(rune.run("sc", "get", name).exit()).isEqualTo(1);
  }

  @Test
  void secretsGoInFromFilesOrLiteralsAndOnlyTheirKeyNamesComeOut() throws IOException {
    String ns = newNamespace();
    String value = "dop_v1_" + "c1a7".repeat(16);
    Path tokenFile = files.resolve(ns + ".token");
    Files.writeString(tokenFile, value + "\n");
    RuneProcess.Result created = rune.run("secret", "create", "cloud", "-n", ns, "--from-file", "token=" + tokenFile,
        "--from-literal", "region=fra1").ok();
    assertThat(created.stdout()).isEqualTo("secret/cloud created (keys region, token)\n");

    List<String> table = rune.run("secret", "list", "-n", ns).ok().lines();
    assertThat(cells(table.get(0))).containsExactly("NAME", "KEYS", "AGE");
    assertThat(cells(table.get(1))).startsWith("cloud", "region,token");
    RuneProcess.Result json = rune.run("secret", "get", "cloud", "-n", ns, "-o", "json").ok();
    assertThat(json.json()).isEqualTo(admin.get("/api/v1/namespaces/" + ns + "/secrets/cloud").json());
    String readonly = rune.run("token", "create", "--role", "readonly", "-n", ns).ok().stdout().trim();
    RuneProcess.Result asReader = rune.run("secret", "get", "cloud", "-n", ns, "-o", "yaml", "--token", readonly).ok();
    for (RuneProcess.Result result : List.of(created, json, asReader)) {
      assertThat(result.stdout() + result.stderr()).doesNotContain(value);
    }

    RuneProcess.Result noEquals = rune.run("secret", "create", "bad", "-n", ns, "--from-literal", value);
    assertThat(noEquals.exit()).isEqualTo(1);
    assertThat(noEquals.stderr()).isEqualTo("error: --from-literal takes KEY=VALUE (a key, '=', then the value)\n");
    RuneProcess.Result none = rune.run("secret", "create", "empty", "-n", ns);
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.stderr()).contains("at least one key");
    assertThat(admin.get("/api/v1/namespaces/" + ns + "/secrets/bad").status()).isEqualTo(404);

    assertThat(rune.run("secret", "delete", "cloud", "-n", ns).ok().stdout()).isEqualTo("secret/cloud deleted\n");
    assertThat(admin.get("/api/v1/namespaces/" + ns + "/secrets/cloud").status()).isEqualTo(404);
  }

  private void castService(String ns, String name, int scale) throws IOException {
    rune.run("cast", "-f", serviceFile(ns, name, scale), "--wait").ok();
  }

  private String serviceFile(String ns, String name, int scale) throws IOException {
    Path file = files.resolve(ns + "-" + name + ".yaml");
    Files.writeString(file, """
        service:
          name: %s
          namespace: %s
          scale: %d
          volumes:
            - name: data
              mountPath: /data
              claimTemplate: {size: 1Gi, reclaimPolicy: delete}
        """.formatted(name, ns, scale));
    return file.toString();
  }

  private String contents(String ns, String volume) throws IOException {
    String handle = admin.get(volumes(ns) + "/" + volume).json().getJsonObject("status").getString("handle");
    return Files.readString(server.config().storage().localVolumeRoot().resolve(handle).resolve("hello.txt"));
  }

  private String phase(String ns, String name) {
    return admin.get(volumes(ns) + "/" + name).json().getJsonObject("status").getString("phase");
  }

  private static String newNamespace() {
    return "clis-" + NAMES.incrementAndGet();
  }

  private static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }

  private static String services(String ns) {
    return "/api/v1/namespaces/" + ns + "/services";
  }
}
