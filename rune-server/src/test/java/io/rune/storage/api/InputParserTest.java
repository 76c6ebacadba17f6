package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.model.VolumeSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class InputParserTest {

  @Test
  void splitsMetadataFromSpecAndIgnoresServerWrittenFields() {
    ResourceInput<VolumeSpec> input = InputParser.parse(new JsonObject().put("name", "v").put("namespace", "a")
        .put("resourceVersion", "7").put("uid", "x").put("status", new JsonObject().put("phase", "Bound"))
        .put("labels", new JsonObject().put("app", "web")).put("size", 1073741824), VolumeSpec.class);
    assertThat(input.name()).isEqualTo("v");
    assertThat(input.namespace()).isEqualTo("a");
    assertThat(input.resourceVersion()).isEqualTo(7L);
    assertThat(input.labels()).containsEntry("app", "web");
    assertThat(input.spec().size()).as("YAML writes sizes as bare numbers").isEqualTo("1073741824");
  }

  @Test
  void wrongTypesNameTheFieldAndTheExpectedType() {
    assertMalformed(new JsonObject().put("size", true), "size", "field 'size' must be a string");
    assertMalformed(new JsonObject().put("size", "1Gi").put("parameters", new JsonArray()), "parameters",
        "field 'parameters' must be an object");
    assertMalformed(new JsonObject().put("size", "1Gi").put("createIfMissing", "yes"), "createIfMissing",
        "field 'createIfMissing' must be true or false");
    assertMalformed(new JsonObject().put("size", "1Gi").put("source", new JsonObject().put("snapshot", 1.5)),
        "source.snapshot", "field 'source.snapshot' must be a string");
  }

  @Test
  void unknownFieldsAreRefusedWithTheKnownOnes() {
    ApiException refused = assertMalformed(new JsonObject().put("sise", "1Gi"), "sise", "unknown field 'sise'");
    assertThat(refused.getMessage()).contains("size", "accessMode");
  }

  private static ApiException assertMalformed(JsonObject body, String field, String message) {
    ApiException refused = catchThrowableOfType(ApiException.class, () -> InputParser.parse(body, VolumeSpec.class));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("MalformedBody");
    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage()).contains(message);
    return refused;
  }
}
