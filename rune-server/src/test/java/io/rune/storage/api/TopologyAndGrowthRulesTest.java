package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ServiceSpec;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.VolumeSpec;
import io.rune.storage.security.HostPathPolicy;
import io.rune.storage.store.StorageClassView;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-time topology and growth rules without a server: host-path-root as a path, a class
 * restricted to one root, and sizes that may only grow where the driver can expand.
 */
class TopologyAndGrowthRulesTest {
  private static final Principal ADMIN = new Principal("a", Role.admin, Set.of());
  private static final String ROOT = "rune.io/host-path-root";

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, ApiObject> objects = new HashMap<>();
  private final StoreReader reads = new StoreReader() {
    @Override
    public Future<ApiObject> get(Kind kind, String namespace, String name) {
      return Future.succeededFuture(objects.get(kind.kindName() + "/" + namespace + "/" + name));
    }

    @Override
    public Future<ApiObject> defaultStorageClass() {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<io.rune.storage.store.SealedSecret> sealedSecret(String namespace, String name) {
      return Future.succeededFuture(null);
    }
  };
  private final DriverCatalog drivers = new DriverCatalog(List.of(
      new Stub("grows", true, false), new Stub("fixed", false, false), new Stub("hostdir", false, true)));

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void aRequestedHostPathRootMustBeAnAbsoluteNormalisedPath() {
    VolumeRules rules = volumeRules(List.of());
    for (String bad : List.of("srv/a", "/srv/../etc", "/srv//a", "/srv/a/", "/srv/./a", "/srv/a\n", "")) {
      ApiException e = catchThrowableOfType(ApiException.class,
          () -> await(rules.precheck(ADMIN, input(volume("grows", "1Gi").put("topology", new JsonObject()
              .put(ROOT, bad)), VolumeSpec.class))));
      assertThat(e).as("refusal of %s", bad).isNotNull();
      assertThat(e.code()).isEqualTo("Invalid");
      assertThat(e.field()).as(e.getMessage()).isEqualTo("topology");
      assertThat(e.getMessage()).contains(ROOT);
    }
    assertThat(catchThrowableOfType(ApiException.class, () -> await(rules.precheck(ADMIN, input(volume("grows", "1Gi")
        .put("topology", new JsonObject().put(ROOT, "/srv/../etc")), VolumeSpec.class)))).getMessage())
        .contains("write it as \"/etc\"");
    await(rules.precheck(ADMIN, input(volume("grows", "1Gi").put("topology", new JsonObject().put(ROOT, "/srv/a")
        .put("rune.io/zone", "zone-a")), VolumeSpec.class)));
    await(rules.precheck(ADMIN, input(volume("grows", "1Gi").put("topology", new JsonObject().put(ROOT, "/")),
        VolumeSpec.class)));
    assertThat(catchThrowableOfType(ApiException.class, () -> await(rules.precheck(ADMIN, input(volume("grows", "1Gi")
        .put("topology", new JsonObject().put("rune.io/zone", "/srv/a")), VolumeSpec.class)))).field())
        .as("any other key keeps the label rules").isEqualTo("topology[\"rune.io/zone\"]");
  }

  @Test
  void aClassMayRestrictTheRootWithPathsButNotWithOtherValues() {
    StorageClassRules rules = new StorageClassRules(drivers);
    await(rules.precheck(ADMIN, input(restrictedClass("one-root", "hostdir", "/srv/a"), StorageClassSpec.class)));
    await(rules.precheck(ADMIN, input(new JsonObject().put("name", "c").put("driver", "grows")
        .put("allowedTopologies", new JsonArray().add(new JsonObject().put("matchLabels", new JsonObject()
            .put(ROOT, "/var/lib/rune/volumes")))), StorageClassSpec.class)));
    ApiException relative = catchThrowableOfType(ApiException.class, () -> await(rules.precheck(ADMIN,
        input(restrictedClass("c", "hostdir", "srv/a"), StorageClassSpec.class))));
    assertThat(relative.field()).isEqualTo("allowedTopologies[0].matchExpressions[0].values");
    ApiException dotted = catchThrowableOfType(ApiException.class, () -> await(rules.precheck(ADMIN,
        input(new JsonObject().put("name", "c").put("driver", "grows").put("allowedTopologies", new JsonArray()
            .add(new JsonObject().put("matchLabels", new JsonObject().put(ROOT, "/srv/a/..")))),
            StorageClassSpec.class))));
    assertThat(dotted.field()).isEqualTo("allowedTopologies[0].matchLabels");
  }

  @Test
  void aHostDirectoryUnderARootTheClassDoesNotAllowIsRefused() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Files.createDirectories(a.resolve("db"));
    Files.createDirectories(b.resolve("db"));
    VolumeRules rules = volumeRules(List.of(a, b));
    put(Kind.STORAGE_CLASS, "", "one-root", restrictedClass("one-root", "hostdir", a.toString()));

    JsonObject admitted = create(rules, hostVolume(a.resolve("db")));
    assertThat(admitted.getString("hostPath")).isEqualTo(a.resolve("db").toString());
    assertThat(admitted.containsKey("topology")).as("the root is checked, not written into the spec").isFalse();

    ApiException other = catchThrowableOfType(ApiException.class, () -> create(rules, hostVolume(b.resolve("db"))));
    assertThat(other.code()).isEqualTo("TopologyNotAllowed");
    assertThat(other.field()).isEqualTo("hostPath");
    assertThat(other.getMessage()).contains("lies under " + ROOT + " " + b).contains("class one-root");

    ApiException asked = catchThrowableOfType(ApiException.class, () -> create(rules, hostVolume(b.resolve("db"))
        .put("topology", new JsonObject().put(ROOT, a.toString()))));
    assertThat(asked.code()).isEqualTo("TopologyNotAllowed");
    assertThat(asked.field()).isEqualTo("topology");
    assertThat(asked.getMessage()).contains("is not under " + a);

    // The root is where the directory really is: a link under a to a directory under b is b's.
    Files.createSymbolicLink(a.resolve("link"), b.resolve("db"));
    assertThat(catchThrowableOfType(ApiException.class, () -> create(rules, hostVolume(a.resolve("link")))).code())
        .isEqualTo("TopologyNotAllowed");
  }

  @Test
  void aVolumeMayGrowOnlyWhereItsDriverExpandsAndNeverShrinks() {
    VolumeRules rules = volumeRules(List.of());
    put(Kind.STORAGE_CLASS, "", "grows", new JsonObject().put("driver", "grows").put("reclaimPolicy", "retain"));
    put(Kind.STORAGE_CLASS, "", "fixed", new JsonObject().put("driver", "fixed").put("reclaimPolicy", "retain"));
    ApiObject growing = stored(Kind.VOLUME, "ns", "v", create(rules, volume("grows", "5Gi")));
    ApiObject fixed = stored(Kind.VOLUME, "ns", "f", create(rules, volume("fixed", "5Gi")));

    ApiException shrink = catchThrowableOfType(ApiException.class, () -> update(rules, growing, "2Gi"));
    assertThat(shrink.code()).isEqualTo("Invalid");
    assertThat(shrink.field()).isEqualTo("size");
    assertThat(shrink.getMessage()).isEqualTo("volumes cannot shrink: 2Gi is below the current 5Gi");
    assertThat(update(rules, growing, "8Gi").getString("size")).isEqualTo("8Gi");
    assertThat(update(rules, fixed, "5120Mi").getString("size")).as("the same size, spelled otherwise").isEqualTo("5120Mi");

    ApiException unsupported = catchThrowableOfType(ApiException.class, () -> update(rules, fixed, "8Gi"));
    assertThat(unsupported.code()).isEqualTo("ExpandUnsupported");
    assertThat(unsupported.field()).isEqualTo("size");
    assertThat(unsupported.status()).isEqualTo(422);
    assertThat(unsupported.getMessage()).contains("driver 'fixed'").contains("5Gi");
    assertThat(catchThrowableOfType(ApiException.class, () -> update(rules, fixed, "1Gi")).code())
        .as("shrinking is refused as such on any driver").isEqualTo("Invalid");
  }

  @Test
  void aClaimTemplateMayGrowWhereItsDriverExpandsAndNeverShrinks() {
    ServiceRules rules = new ServiceRules(drivers);
    put(Kind.STORAGE_CLASS, "", "grows", new JsonObject().put("driver", "grows").put("reclaimPolicy", "retain"));
    put(Kind.STORAGE_CLASS, "", "fixed", new JsonObject().put("driver", "fixed").put("reclaimPolicy", "retain"));
    ApiObject growing = stored(Kind.SERVICE, "ns", "db", await(rules.admitCreate(reads, ADMIN, "ns",
        lint(service("grows", "5Gi")))));
    ApiObject fixed = stored(Kind.SERVICE, "ns", "db", await(rules.admitCreate(reads, ADMIN, "ns",
        lint(service("fixed", "5Gi")))));

    JsonObject grown = await(rules.admitUpdate(reads, ADMIN, growing, lint(service("grows", "8Gi"))));
    assertThat(grown.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate").getString("size"))
        .isEqualTo("8Gi");
    ApiException shrink = catchThrowableOfType(ApiException.class,
        () -> await(rules.admitUpdate(reads, ADMIN, growing, lint(service("grows", "2Gi")))));
    assertThat(shrink.code()).isEqualTo("Invalid");
    assertThat(shrink.field()).isEqualTo("volumes[0].claimTemplate.size");
    assertThat(shrink.getMessage()).isEqualTo("volumes cannot shrink: 2Gi is below the current 5Gi");
    ApiException unsupported = catchThrowableOfType(ApiException.class,
        () -> await(rules.admitUpdate(reads, ADMIN, fixed, lint(service("fixed", "8Gi")))));
    assertThat(unsupported.code()).isEqualTo("ExpandUnsupported");
    assertThat(unsupported.field()).isEqualTo("volumes[0].claimTemplate.size");
    ApiException other = catchThrowableOfType(ApiException.class, () -> await(rules.admitUpdate(reads, ADMIN, growing,
        lint(service("grows", "8Gi").put("volumes", new JsonArray().add(template("grows", "8Gi")
            .put("claimTemplate", new JsonObject().put("size", "8Gi").put("reclaimPolicy", "delete"))))))));
    assertThat(other.field()).as("growth does not open the template's other fields")
        .isEqualTo("volumes[0].claimTemplate");
  }

  // --- helpers

  private VolumeRules volumeRules(List<Path> allowlist) {
    // A view on no store: these rules read through the test's reader, as inside a transaction.
    return new VolumeRules(vertx, new StorageClassView(vertx, null, java.time.Duration.ofSeconds(1)), drivers,
        new HostPathPolicy(allowlist, List.of(dir.resolve("managed"))), false);
  }

  private JsonObject create(VolumeRules rules, JsonObject body) {
    VolumeSpec spec = await(rules.precheck(ADMIN, input(body, VolumeSpec.class)));
    return await(rules.admitCreate(reads, ADMIN, "ns", spec));
  }

  private JsonObject update(VolumeRules rules, ApiObject current, String size) {
    JsonObject body = current.spec().copy().put("name", current.name()).put("size", size);
    VolumeSpec spec = await(rules.precheck(ADMIN, input(body, VolumeSpec.class)));
    return await(rules.admitUpdate(reads, ADMIN, current, spec));
  }

  private static JsonObject volume(String className, String size) {
    return new JsonObject().put("name", "v").put("storageClassName", className).put("size", size);
  }

  private static JsonObject hostVolume(Path hostPath) {
    return volume("one-root", "1Gi").put("hostPath", hostPath.toString());
  }

  private static JsonObject restrictedClass(String name, String driver, String root) {
    return new JsonObject().put("name", name).put("driver", driver).put("reclaimPolicy", "retain")
        .put("allowedTopologies", new JsonArray().add(new JsonObject().put("matchExpressions", new JsonArray()
            .add(new JsonObject().put("key", ROOT).put("operator", "In").put("values", new JsonArray().add(root))))));
  }

  private static JsonObject template(String className, String size) {
    return new JsonObject().put("name", "data").put("mountPath", "/data").put("claimTemplate", new JsonObject()
        .put("storageClassName", className).put("size", size));
  }

  private static JsonObject service(String className, String size) {
    return new JsonObject().put("name", "db").put("scale", 1).put("volumes", new JsonArray()
        .add(template(className, size)));
  }

  private static ServiceSpec lint(JsonObject body) {
    return ServiceVolumeLint.check(body.getString("name"), input(body, ServiceSpec.class).spec());
  }

  private static <S> ResourceInput<S> input(JsonObject body, Class<S> type) {
    return InputParser.parse(body, type);
  }

  private void put(Kind kind, String namespace, String name, JsonObject spec) {
    JsonObject clean = spec.copy();
    clean.remove("name");
    stored(kind, namespace, name, clean);
  }

  private ApiObject stored(Kind kind, String namespace, String name, JsonObject spec) {
    ApiObject object = new ApiObject(kind, namespace, name, "uid-" + name, 1, Map.of(), spec, new JsonObject()
        .put("phase", kind == Kind.SERVICE ? "Active" : "Available"), null, null);
    objects.put(kind.kindName() + "/" + namespace + "/" + name, object);
    return object;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A driver that only says what it can do: admission never calls one. */
  private record Stub(String name, boolean expand, boolean hostPaths) implements DriverProvider {
    @Override
    public DriverCapabilities capabilities() {
      return new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), false, expand, false, !hostPaths,
          List.of(), hostPaths);
    }

    @Override
    public boolean nodeLocal() {
      return true;
    }

    @Override
    public StorageDriver create(DriverEnvironment environment) {
      throw new UnsupportedOperationException("admission only");
    }
  }
}
