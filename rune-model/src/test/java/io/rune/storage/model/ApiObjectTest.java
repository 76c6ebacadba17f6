package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An object read back from its JSON form (the change feed's) is the object that was written. */
class ApiObjectTest {
  private static final Instant CREATED = Instant.parse("2026-12-08T00:00:00.123456Z");

  @Test
  void aVolumeReadBackFromItsJsonIsTheSameVolume() {
    ApiObject volume = new ApiObject(Kind.VOLUME, "ns", "v1", "6a1e9f7c-0000-4000-8000-000000000001", 42,
        Map.of("app", "db"), new JsonObject().put("size", "1Gi").put("storageClassName", "local"),
        new JsonObject().put("phase", "Available"), CREATED, CREATED.plusSeconds(1));
    assertThat(ApiObject.fromJson(Kind.VOLUME, volume.toJson())).isEqualTo(volume);
  }

  @Test
  void aStorageClassHasNoStatusAndItsSpecIsEveryOtherField() {
    ApiObject storageClass = new ApiObject(Kind.STORAGE_CLASS, "", "local", "6a1e9f7c-0000-4000-8000-000000000002", 7,
        Map.of(), new JsonObject().put("driver", "local").put("default", true)
            .put("parameters", new JsonObject().put("root", "/srv")), null, CREATED, CREATED);
    ApiObject read = ApiObject.fromJson(Kind.STORAGE_CLASS, storageClass.toJson());
    assertThat(read).isEqualTo(storageClass);
    assertThat(read.spec().getBoolean("default")).isTrue();
    assertThat(read.resourceVersion()).isEqualTo(7);
  }

  @Test
  void itsNestedObjectsArePlainMapsAsInARowAndShareNothingWithTheJson() {
    JsonObject json = new JsonObject().put("name", "zoned").put("resourceVersion", "3").put("labels", new JsonObject())
        .put("driver", "local").put("allowedTopologies", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("matchLabels", new JsonObject().put("rune.io/zone", "a"))));
    ApiObject read = ApiObject.fromJson(Kind.STORAGE_CLASS, json);
    // A JsonObject inside a list would reach Jackson as a bean (a field "map"); a row holds a Map.
    assertThat(read.spec().getJsonArray("allowedTopologies").getList().get(0)).isInstanceOf(Map.class);
    json.getJsonArray("allowedTopologies").getJsonObject(0).put("matchLabels", new JsonObject());
    assertThat(read.spec().getJsonArray("allowedTopologies").getJsonObject(0).getJsonObject("matchLabels")
        .getString("rune.io/zone")).isEqualTo("a");
  }
}
