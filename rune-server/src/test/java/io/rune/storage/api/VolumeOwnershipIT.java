package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * fsUser, fsGroup and fsMode through the real server: the local driver gives a volume's
 * directory the owner and mode asked for when it makes it (provision, restore, a
 * claimTemplate's replica volumes); bad values, a driver that cannot set them and a change
 * after creation are refused, storing nothing. The machine runs as root, so chown works.
 */
class VolumeOwnershipIT extends ApiTestBase {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String MERGE = "application/merge-patch+json";
  private Path hostRoot;

  /** A host path allowlist for local-host volumes, which cannot take ownership. */
  @Override
  protected TestServer startServer() {
    hostRoot = TestServer.tempDir("ownership-hosts");
    return TestServer.external("ownership", new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(hostRoot.toString()))));
  }

  @Test
  void aVolumeDirectoryGetsTheOwnerAndModeItsVolumeAsksFor() throws IOException {
    String ns = newNamespace();
    JsonObject volume = available(ns, owned("data", 1234, 2345, "0750"));
    assertThat(volume.getLong("fsUser")).isEqualTo(1234L);
    assertThat(volume.getLong("fsGroup")).isEqualTo(2345L);
    assertThat(volume.getString("fsMode")).isEqualTo("0750");
    assertOwned(directory(volume), 1234, 2345, 0750);

    // Nothing asked: the directory is as the driver always made it.
    JsonObject plain = available(ns, new JsonObject().put("name", "plain").put("size", "1Gi"));
    assertOwned(directory(plain), 0, 0, 0755);

    // One part alone changes that part only; a 4-digit mode keeps its setgid bit.
    JsonObject group = available(ns, new JsonObject().put("name", "group").put("size", "1Gi")
        .put("fsGroup", 4000).put("fsMode", "2770"));
    assertOwned(directory(group), 0, 4000, 02770);
  }

  @Test
  void aRestoredVolumeGetsTheOwnershipOfItsOwnSpec() throws IOException {
    String ns = newNamespace();
    JsonObject source = available(ns, owned("src", 1234, 2345, "0750"));
    Files.writeString(directory(source).resolve("kept.txt"), "data");
    Http.Response snapshot = admin.post(snapshots(ns), new JsonObject().put("name", "src-1")
        .put("source", new JsonObject().put("volume", "src")));
    assertThat(snapshot.status()).as("%s", snapshot).isEqualTo(201);
    await().atMost(WAIT).until(() -> admin.get(snapshots(ns) + "/src-1").json().getJsonObject("status")
        .getString("phase"), "Ready"::equals);

    JsonObject restored = available(ns, owned("copy", 3000, 3001, "0700")
        .put("source", new JsonObject().put("snapshot", "src-1")));
    Path dir = directory(restored);
    assertOwned(dir, 3000, 3001, 0700);
    assertThat(dir.resolve("kept.txt")).hasContent("data");

    // The restore shorthand takes them too, checked as a volume's.
    Http.Response shorthand = admin.post(volumes(ns) + "/short/restore", new JsonObject()
        .put("fromSnapshot", "src-1").put("fsUser", 4000).put("fsMode", "0770"));
    assertThat(shorthand.status()).as("%s", shorthand).isEqualTo(201);
    await().atMost(WAIT).until(() -> phase(ns, "short"), "Available"::equals);
    assertOwned(directory(admin.get(volumes(ns) + "/short").json()), 4000, 2345, 0770);
    Http.Response badMode = assertRefused(422, "Invalid", () -> admin.post(volumes(ns) + "/bad/restore",
        new JsonObject().put("fromSnapshot", "src-1").put("fsMode", "0999")));
    assertThat(badMode.errorField()).isEqualTo("fsMode");

    // Asking for nothing keeps what the copy brought: the snapshot's, which is its volume's.
    JsonObject plain = available(ns, new JsonObject().put("name", "plain-copy").put("size", "1Gi")
        .put("source", new JsonObject().put("snapshot", "src-1")));
    assertOwned(directory(plain), 1234, 2345, 0750);
  }

  @Test
  void theVolumesOfAClaimTemplateGetItsOwnership() throws IOException {
    String ns = newNamespace();
    Http.Response cast = admin.post(services(ns), service("db", new JsonObject().put("size", "1Gi")
        .put("fsUser", 1234).put("fsGroup", 2345).put("fsMode", "0750")));
    assertThat(cast.status()).as("%s", cast).isEqualTo(201);
    for (String name : new String[] {"data-db-0", "data-db-1"}) {
      await().atMost(WAIT).until(() -> phase(ns, name), "Bound"::equals);
      JsonObject volume = admin.get(volumes(ns) + "/" + name).json();
      assertThat(volume.getString("fsMode")).isEqualTo("0750");
      assertOwned(directory(volume), 1234, 2345, 0750);
    }
  }

  @Test
  void aDriverThatCannotSetOwnershipRefusesIt() throws IOException {
    String ns = newNamespace();
    Files.createDirectories(hostRoot.resolve("site"));
    Http.Response refused = assertRefused(422, "OwnershipUnsupported", () -> admin.post(volumes(ns), new JsonObject()
        .put("name", "site").put("size", "1Gi").put("storageClassName", "local-host")
        .put("hostPath", hostRoot.resolve("site").toString()).put("fsUser", 1234)));
    assertThat(refused.errorField()).isEqualTo("fsUser");
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .contains("driver 'local-host'", "a host directory belongs to its operator");
    Http.Response mode = assertRefused(422, "OwnershipUnsupported", () -> admin.post(volumes(ns), new JsonObject()
        .put("name", "site").put("size", "1Gi").put("storageClassName", "local-host")
        .put("hostPath", hostRoot.resolve("site").toString()).put("fsMode", "0700")));
    assertThat(mode.errorField()).isEqualTo("fsMode");
    assertThat(admin.get(volumes(ns)).items()).isEmpty();
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    String ns = newNamespace();
    assertInvalid(ns, new JsonObject().put("fsMode", "0758"), "fsMode", "must be 3 or 4 octal digits such as 0750");
    assertInvalid(ns, new JsonObject().put("fsMode", "75"), "fsMode", "must be 3 or 4 octal digits");
    assertInvalid(ns, new JsonObject().put("fsMode", "07500"), "fsMode", "must be 3 or 4 octal digits");
    assertInvalid(ns, new JsonObject().put("fsUser", -1), "fsUser", "must be an integer from 0 to 2147483647");
    assertInvalid(ns, new JsonObject().put("fsGroup", 2147483648L), "fsGroup", "from 0 to 2147483647");

    // A wrong JSON type is a malformed body, as for every field; YAML's unquoted 0750 is a number.
    Http.Response number = assertRefused(400, "MalformedBody", () -> admin.post(volumes(ns), new JsonObject()
        .put("name", "v").put("size", "1Gi").put("fsMode", 750)));
    assertThat(number.errorField()).isEqualTo("fsMode");
    Http.Response text = assertRefused(400, "MalformedBody", () -> admin.post(volumes(ns), new JsonObject()
        .put("name", "v").put("size", "1Gi").put("fsUser", "1234")));
    assertThat(text.errorField()).isEqualTo("fsUser");
    Http.Response yaml = assertRefused(400, "MalformedBody", () -> admin.send("POST", volumes(ns),
        "name: v\nsize: 1Gi\nfsMode: 0750\n", "application/yaml"));
    assertThat(yaml.errorField()).isEqualTo("fsMode");

    Http.Response template = assertRefused(422, "Invalid", () -> admin.post(services(ns), service("db",
        new JsonObject().put("size", "1Gi").put("fsMode", "rwx"))));
    assertThat(template.errorField()).isEqualTo("volumes[0].claimTemplate.fsMode");
    assertThat(admin.get(volumes(ns)).items()).isEmpty();
    assertThat(admin.get(services(ns)).items()).isEmpty();
  }

  @Test
  void ownershipCannotChangeAfterCreationButMayBeRestatedOrLeftOut() throws IOException {
    String ns = newNamespace();
    JsonObject volume = available(ns, owned("data", 1234, 2345, "0750"));
    String path = volumes(ns) + "/data";

    Http.Response user = assertRefused(422, "Invalid", () -> admin.put(path, volume.copy().put("fsUser", 1)));
    assertThat(user.errorField()).isEqualTo("fsUser");
    assertThat(user.json().getJsonObject("error").getString("message"))
        .contains("is applied when the storage is made and cannot change");
    Http.Response mode = assertRefused(422, "Invalid", () -> admin.send("PATCH", path, "{\"fsMode\":\"0700\"}", MERGE));
    assertThat(mode.errorField()).isEqualTo("fsMode");
    JsonObject plain = available(ns, new JsonObject().put("name", "plain").put("size", "1Gi"));
    Http.Response added = assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/plain",
        plain.copy().put("fsGroup", 10)));
    assertThat(added.errorField()).isEqualTo("fsGroup");

    Http.Response restated = admin.put(path, admin.get(path).json().put("labels", new JsonObject().put("a", "b")));
    assertThat(restated.status()).as("%s", restated).isEqualTo(200);
    JsonObject omitted = restated.json();
    omitted.remove("fsUser");
    omitted.remove("fsGroup");
    omitted.remove("fsMode");
    Http.Response left = admin.put(path, omitted);
    assertThat(left.status()).as("%s", left).isEqualTo(200);
    assertThat(left.json().getLong("fsUser")).isEqualTo(1234L);
    assertThat(left.json().getString("fsMode")).isEqualTo("0750");
    assertOwned(directory(admin.get(path).json()), 1234, 2345, 0750);

    Http.Response cast = admin.post(services(ns), service("db", new JsonObject().put("size", "1Gi")
        .put("fsUser", 1234)));
    assertThat(cast.status()).as("%s", cast).isEqualTo(201);
    awaitControllersIdle();
    JsonObject web = admin.get(services(ns) + "/db").json();
    JsonObject changed = web.copy();
    changed.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate").put("fsUser", 999);
    Http.Response template = assertRefused(422, "Invalid", () -> admin.put(services(ns) + "/db", changed));
    assertThat(template.errorField()).isEqualTo("volumes[0].claimTemplate");
    Http.Response same = admin.put(services(ns) + "/db", web);
    assertThat(same.status()).as("%s", same).isEqualTo(200);
  }

  @Test
  void aDryRunChecksOwnershipAndMakesNothing() throws IOException {
    String ns = newNamespace();
    Files.createDirectories(hostRoot.resolve("site"));
    awaitControllersIdle();
    long before = headSeq();
    Http.Response dry = admin.post(volumes(ns) + "?dryRun=All", owned("dry", 1234, 2345, "0750"));
    assertThat(dry.status()).as("%s", dry).isEqualTo(201);
    assertThat(dry.header("Rune-Dry-Run")).isEqualTo("All");
    assertThat(dry.json().getLong("fsUser")).isEqualTo(1234L);
    assertThat(dry.json().getString("fsMode")).isEqualTo("0750");
    assertThat(headSeq()).as("a dry run moves no change-log head").isEqualTo(before);
    assertThat(admin.get(volumes(ns) + "/dry").status()).isEqualTo(404);

    Http.Response refused = assertRefused(422, "Invalid", () -> admin.post(volumes(ns) + "?dryRun=All",
        owned("dry", 1234, 2345, "9")));
    assertThat(refused.errorField()).isEqualTo("fsMode");
    Http.Response unsupported = assertRefused(422, "OwnershipUnsupported", () -> admin.post(volumes(ns)
        + "?dryRun=All", new JsonObject().put("name", "site").put("size", "1Gi").put("storageClassName", "local-host")
        .put("hostPath", hostRoot.resolve("site").toString()).put("fsGroup", 1)));
    assertThat(unsupported.errorField()).isEqualTo("fsGroup");
  }

  // --- helpers

  private static JsonObject owned(String name, long fsUser, long fsGroup, String fsMode) {
    return new JsonObject().put("name", name).put("size", "1Gi").put("fsUser", fsUser).put("fsGroup", fsGroup)
        .put("fsMode", fsMode);
  }

  private static JsonObject service(String name, JsonObject claimTemplate) {
    return new JsonObject().put("name", name).put("scale", 2).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "data").put("mountPath", "/var/lib/data")
            .put("claimTemplate", claimTemplate)));
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  private JsonObject available(String ns, JsonObject body) {
    Http.Response created = createVolume(ns, body);
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(created.json().getJsonObject("status").getString("phase")).as("%s", created).isEqualTo("Available");
    return created.json();
  }

  private Path directory(JsonObject volume) {
    return server.config().storage().localVolumeRoot().resolve(volume.getJsonObject("status").getString("handle"));
  }

  private String phase(String ns, String name) {
    Http.Response volume = admin.get(volumes(ns) + "/" + name);
    return volume.status() == 200 ? volume.json().getJsonObject("status").getString("phase") : null;
  }

  private void assertInvalid(String ns, JsonObject ownership, String field, String says) {
    Http.Response refused = assertRefused(422, "Invalid", () -> admin.post(volumes(ns),
        new JsonObject().put("name", "v").put("size", "1Gi").mergeIn(ownership)));
    assertThat(refused.errorField()).isEqualTo(field);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains(says);
  }

  /** Stats the directory itself, not what a link there points to. */
  private static void assertOwned(Path dir, int uid, int gid, int mode) throws IOException {
    assertThat(dir).isDirectory();
    assertThat(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("uid of %s", dir).isEqualTo(uid);
    assertThat(Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as("gid of %s", dir).isEqualTo(gid);
    int bits = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    assertThat(Integer.toOctalString(bits)).as("mode of %s", dir).isEqualTo(Integer.toOctalString(mode));
  }
}
