package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ServiceSpec;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Service lint without a server: input checks, and admission against an in-memory store. */
class ServiceRulesTest {
  private static final Principal ADMIN = new Principal("a", Role.admin, Set.of());
  private static final Principal SCOPED = new Principal("s", Role.readwrite, Set.of("default"));

  private final Reads reads = new Reads();
  private final ServiceRules rules = new ServiceRules(DriverCatalog.discover());

  ServiceRulesTest() {
    reads.put(object(Kind.STORAGE_CLASS, "", "local", new JsonObject().put("driver", "local")
        .put("reclaimPolicy", "retain").put("default", true), new JsonObject()));
    reads.put(object(Kind.STORAGE_CLASS, "", "local-host", new JsonObject().put("driver", "local-host")
        .put("reclaimPolicy", "retain"), new JsonObject()));
    reads.put(volume("default", "web-data", "ReadWriteOnce", "Available"));
    reads.put(volume("default", "shared", "ReadWriteMany", "Available"));
    reads.put(volume("default", "assets", "ReadOnlyMany", "Available"));
    reads.put(volume("default", "going", "ReadWriteOnce", "Deleting"));
    reads.put(volume("prod", "pgdata", "ReadWriteOnce", "Available"));
  }

  @Test
  void lintRefusesScaleOutsideZeroToAThousand() {
    assertRefused(service(null), "Invalid", "scale");
    assertRefused(service(-1), "Invalid", "scale");
    assertRefused(service(1001), "Invalid", "scale");
    assertThat(lint(service(0)).volumes()).as("no volumes is an empty list").isEmpty();
    lint(service(1000));
  }

  @Test
  void lintRefusesVolumesThatAreIllFormed() {
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("Data", "/data", "web-data"))),
        "Invalid", "volumes[0].name");
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", "/data", "web-data"))
        .add(claimed("data", "/logs", "web-data"))), "Invalid", "volumes[1].name");
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", null, "web-data"))),
        "Invalid", "volumes[0].mountPath");
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", "data", "web-data"))),
        "Invalid", "volumes[0].mountPath");
    assertRefused(service(1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
        .put("mountPath", "/data"))), "Invalid", "volumes[0]");
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", "/data", "web-data")
        .put("claimTemplate", new JsonObject().put("size", "1Gi")))), "Invalid", "volumes[0]");
    assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", "/data", "web.data"))),
        "Invalid", "volumes[0].claim.name");
    for (String subPath : new String[] {"", "/abs", "../up", "a/../../b"}) {
      assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", "/data", "web-data")
          .put("subPath", subPath))), "Invalid", "volumes[0].subPath");
    }
    assertThat(lint(service(1).put("volumes", new JsonArray().add(claimed("data", "/data", "web-data")
        .put("subPath", "logs/./today")))).volumes()).hasSize(1);
  }

  @Test
  void lintBlocksSystemMountPathsAndTwoVolumesOnOneDirectory() {
    for (String path : new String[] {"/", "/etc", "/etc/", "/proc/1", "//sys", "/srv/../etc", "/run/docker.sock"}) {
      assertRefused(service(1).put("volumes", new JsonArray().add(claimed("data", path, "web-data"))),
          "MountPathBlocked", "volumes[0].mountPath");
    }
    ApiException same = assertRefused(service(1).put("volumes", new JsonArray()
        .add(claimed("data", "/srv/data", "web-data")).add(claimed("other", "/srv//data/", "shared"))),
        "Invalid", "volumes[1].mountPath");
    assertThat(same.getMessage()).contains("'data'");
    lint(service(1).put("volumes", new JsonArray().add(claimed("data", "/etc/app", "web-data"))));
  }

  @Test
  void lintRefusesTemplatesWithoutAValidSizeModeOrPolicy() {
    assertRefused(service(1).put("volumes", new JsonArray().add(templated("pg", new JsonObject()))),
        "Invalid", "volumes[0].claimTemplate.size");
    assertRefused(service(1).put("volumes", new JsonArray().add(templated("pg", new JsonObject().put("size", "10GB")))),
        "Invalid", "volumes[0].claimTemplate.size");
    assertRefused(service(1).put("volumes", new JsonArray().add(templated("pg", new JsonObject().put("size", "1Gi")
        .put("accessMode", "RWZ")))), "Invalid", "volumes[0].claimTemplate.accessMode");
    assertRefused(service(1).put("volumes", new JsonArray().add(templated("pg", new JsonObject().put("size", "1Gi")
        .put("reclaimPolicy", "recycle")))), "Invalid", "volumes[0].claimTemplate.reclaimPolicy");
  }

  @Test
  void lintRefusesTemplateVolumeNamesOverTheLimit() {
    String volume = "v".repeat(40);
    JsonObject body = service(10).put("name", "s".repeat(20))
        .put("volumes", new JsonArray().add(templated(volume, new JsonObject().put("size", "1Gi"))));
    // 40 + "-" + 20 + "-" + "9" = 63: just fits; one more replica needs "10".
    ServiceVolumeLint.check(body.getString("name"), parse(body));
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> ServiceVolumeLint.check(body.getString("name"), parse(body.copy().put("scale", 11))));
    assertThat(e.field()).isEqualTo("volumes[0].name");
  }

  @Test
  void aClaimMustExistWhereTheCallerCanSeeIt() {
    assertThat(admitted(ADMIN, claimedService(1, "web-data")).getJsonArray("volumes").getJsonObject(0)
        .getBoolean("readOnly")).as("readOnly defaults to false").isFalse();
    assertAdmitRefused(ADMIN, claimedService(1, "missing"), "Invalid", "volumes[0].claim.name");
    admitted(ADMIN, claimedService(1, "pgdata.prod.rune"));
    ApiException hidden = assertAdmitRefused(SCOPED, claimedService(1, "pgdata.prod.rune"), "Invalid",
        "volumes[0].claim.name");
    ApiException missing = assertAdmitRefused(ADMIN, claimedService(1, "nothing.prod.rune"), "Invalid",
        "volumes[0].claim.name");
    assertThat(hidden.getMessage()).as("a hidden volume reads as a missing one")
        .isEqualTo(missing.getMessage().replace("'nothing'", "'pgdata'"));
    ApiException deleting = catchThrowableOfType(ApiException.class,
        () -> admitted(ADMIN, claimedService(1, "going")));
    assertThat(deleting.code()).isEqualTo("InvalidPhase");
  }

  @Test
  void scaleAboveOneNeedsAShareableClaim() {
    ApiException rwo = assertAdmitRefused(ADMIN, claimedService(2, "web-data"), "ScaleRequiresShareableVolume",
        "volumes[0].claim.name");
    assertThat(rwo.getMessage()).contains("ReadWriteOnce").contains("scale: 1").contains("ReadWriteMany");
    admitted(ADMIN, claimedService(3, "shared"));
    assertAdmitRefused(ADMIN, claimedService(3, "assets"), "ScaleRequiresShareableVolume", "volumes[0].claim.name");
    JsonObject readOnly = claimedService(3, "assets");
    readOnly.getJsonArray("volumes").getJsonObject(0).put("readOnly", true);
    admitted(ADMIN, readOnly);
    admitted(ADMIN, claimedService(0, "web-data"));
  }

  @Test
  void aTemplateGetsItsClassDefaultsAndIsCheckedAgainstTheDriver() {
    JsonObject spec = admitted(ADMIN, service(3).put("volumes", new JsonArray()
        .add(templated("pgdata", new JsonObject().put("size", "10Gi")))));
    assertThat(spec.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate")).isEqualTo(new JsonObject()
        .put("storageClassName", "local").put("size", "10Gi").put("accessMode", "ReadWriteOnce")
        .put("reclaimPolicy", "retain").put("parameters", new JsonObject()));
    assertAdmitRefused(ADMIN, templatedService(new JsonObject().put("size", "1Gi").put("storageClassName", "nope")),
        "Invalid", "volumes[0].claimTemplate.storageClassName");
    assertAdmitRefused(ADMIN, templatedService(new JsonObject().put("size", "1Gi").put("accessMode", "ReadWriteMany")),
        "UnsupportedAccessMode", "volumes[0].claimTemplate.accessMode");
    assertAdmitRefused(ADMIN, templatedService(new JsonObject().put("size", "1Gi")
        .put("storageClassName", "local-host")), "Invalid", "volumes[0].claimTemplate.storageClassName");
    assertAdmitRefused(ADMIN, templatedService(new JsonObject().put("size", "1Gi").put("storageClassName", "local-host")
        .put("reclaimPolicy", "delete")), "DeleteUnsupported", "volumes[0].claimTemplate.reclaimPolicy");
    reads.objects.remove("StorageClass//local");
    reads.put(object(Kind.STORAGE_CLASS, "", "local", new JsonObject().put("driver", "local")
        .put("reclaimPolicy", "retain"), new JsonObject()));
    assertAdmitRefused(ADMIN, templatedService(new JsonObject().put("size", "1Gi")), "Invalid",
        "volumes[0].claimTemplate.storageClassName");
  }

  @Test
  void anUpdateKeepsTemplatesAndRefusesADeletingService() {
    JsonObject spec = admitted(ADMIN, templatedService(new JsonObject().put("size", "10Gi")));
    ApiObject current = object(Kind.SERVICE, "default", "db", spec, rules.initialStatus());
    JsonObject restated = await(rules.admitUpdate(reads, ADMIN, current,
        parse(templatedService(new JsonObject().put("size", "10240Mi")).put("scale", 2))));
    assertThat(restated.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate"))
        .isEqualTo(spec.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate"));
    ApiException changed = catchThrowableOfType(ApiException.class, () -> await(rules.admitUpdate(reads, ADMIN,
        current, parse(templatedService(new JsonObject().put("size", "10Gi").put("reclaimPolicy", "delete"))))));
    assertThat(changed.field()).isEqualTo("volumes[0].claimTemplate");
    assertThat(changed.getMessage()).contains("new volume name");
    JsonObject toClaim = claimedService(1, "web-data");
    toClaim.getJsonArray("volumes").getJsonObject(0).put("name", "pgdata");
    assertThat(catchThrowableOfType(ApiException.class, () -> await(rules.admitUpdate(reads, ADMIN, current,
        parse(toClaim)))).field()).isEqualTo("volumes[0]");
    ApiObject deleting = current.withStatus(new JsonObject().put("phase", "Deleting"));
    assertThat(catchThrowableOfType(ApiException.class, () -> rules.admitUpdate(reads, ADMIN, deleting,
        parse(templatedService(new JsonObject().put("size", "10Gi"))))).code()).isEqualTo("InvalidPhase");
  }

  @Test
  void onlyAnAdminMayCascade() {
    ApiObject current = object(Kind.SERVICE, "default", "web", new JsonObject(), rules.initialStatus());
    await(rules.admitDelete(reads, SCOPED, current, false));
    await(rules.admitDelete(reads, ADMIN, current, true));
    assertThat(catchThrowableOfType(ApiException.class, () -> rules.admitDelete(reads, SCOPED, current, true))
        .code()).isEqualTo("Forbidden");
  }

  // --- helpers

  private static JsonObject service(Integer scale) {
    JsonObject body = new JsonObject().put("name", "web");
    return scale == null ? body : body.put("scale", scale);
  }

  private static JsonObject claimed(String name, String mountPath, String claim) {
    return new JsonObject().put("name", name).put("mountPath", mountPath)
        .put("claim", new JsonObject().put("name", claim));
  }

  private static JsonObject templated(String name, JsonObject template) {
    return new JsonObject().put("name", name).put("mountPath", "/var/lib/" + name).put("claimTemplate", template);
  }

  private static JsonObject claimedService(int scale, String claim) {
    return service(scale).put("volumes", new JsonArray().add(claimed("data", "/data", claim)));
  }

  private static JsonObject templatedService(JsonObject template) {
    return service(1).put("volumes", new JsonArray().add(templated("pgdata", template)));
  }

  private static ServiceSpec parse(JsonObject body) {
    return InputParser.parse(body, ServiceSpec.class).spec();
  }

  private static ServiceSpec lint(JsonObject body) {
    return ServiceVolumeLint.check(body.getString("name"), parse(body));
  }

  private ApiException assertRefused(JsonObject body, String code, String field) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> lint(body));
    assertThat(e).as("refusal of %s", body).isNotNull();
    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.status()).isEqualTo(422);
    return e;
  }

  private JsonObject admitted(Principal principal, JsonObject body) {
    return await(rules.admitCreate(reads, principal, "default", lint(body)));
  }

  private ApiException assertAdmitRefused(Principal principal, JsonObject body, String code, String field) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> admitted(principal, body));
    assertThat(e).as("refusal of %s", body).isNotNull();
    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    return e;
  }

  private static ApiObject volume(String namespace, String name, String mode, String phase) {
    return object(Kind.VOLUME, namespace, name, new JsonObject().put("storageClassName", "local").put("size", "1Gi")
        .put("accessMode", mode), new JsonObject().put("phase", phase));
  }

  private static ApiObject object(Kind kind, String namespace, String name, JsonObject spec, JsonObject status) {
    return new ApiObject(kind, namespace, name, "uid-" + name, 1, Map.of(), spec, status, null, null);
  }

  /** Admission runs on completed futures here; a failure is rethrown as the ApiException it carries. */
  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw api;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Reads implements StoreReader {
    private final Map<String, ApiObject> objects = new HashMap<>();

    void put(ApiObject object) {
      objects.put(object.kind().kindName() + "/" + object.namespace() + "/" + object.name(), object);
    }

    @Override
    public Future<ApiObject> get(Kind kind, String namespace, String name) {
      return Future.succeededFuture(objects.get(kind.kindName() + "/" + namespace + "/" + name));
    }

    @Override
    public Future<ApiObject> defaultStorageClass() {
      return Future.succeededFuture(objects.values().stream()
          .filter(o -> o.kind() == Kind.STORAGE_CLASS && o.spec().getBoolean("default", false))
          .findFirst().orElse(null));
    }

    @Override
    public Future<io.rune.storage.store.SealedSecret> sealedSecret(String namespace, String name) {
      return Future.succeededFuture(null);
    }
  }
}
