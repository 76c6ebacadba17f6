package io.rune.storage.openapi;

import io.rune.storage.model.JsonMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Loads an OpenAPI 3.0 file (a class-path resource) as a vertx-openapi contract, for the
 * tests that check exchanges against one: the DigitalOcean fake against DigitalOcean's file,
 * the Rune server against its own openapi.yaml.
 *
 * <p>The file is used unchanged; two things vertx-openapi 5.0.7 cannot read as OpenAPI 3.0
 * means them are restated in memory before the contract is built:
 * <ul>
 *   <li>{@code nullable: true} (OpenAPI 3.0's way to allow null) is ignored by its draft-4
 *       JSON Schema validator, which would reject the nulls really sent. Such a schema becomes
 *       {@code anyOf: [schema, {enum: [null]}]}, which is what it means.</li>
 *   <li>A path parameter whose schema has no {@code type} (DigitalOcean's snapshot id:
 *       {@code anyOf} integer or string) makes contract loading fail; in a URL path every
 *       value is text, so it is read as {@code type: string}.</li>
 * </ul>
 * A third thing it ignores is left to the caller, who knows which way a contract is used:
 * {@code readOnly} and {@code writeOnly} properties (OpenAPI 3.0: a required readOnly
 * property is required in responses only, a writeOnly one in requests only, and a writeOnly
 * one is never sent back). {@link #requestView} and {@link #responseView} restate them.
 */
public final class ValidatorContracts {
  private ValidatorContracts() {}

  /** The contract of the resource {@code resource} (YAML or JSON), restated as above. */
  public static Future<OpenAPIContract> load(Vertx vertx, String resource) {
    return load(vertx, resource, UnaryOperator.identity());
  }

  /** As {@link #load(Vertx, String)}, with the caller's own restatement applied after these. */
  public static Future<OpenAPIContract> load(Vertx vertx, String resource, UnaryOperator<JsonObject> also) {
    return vertx.fileSystem().readFile(resource)
        .compose(yaml -> vertx.executeBlocking(() -> readYaml(yaml)))
        .compose(raw -> OpenAPIContract.from(vertx, also.apply(restate(raw))));
  }

  @SuppressWarnings("unchecked")
  private static JsonObject readYaml(Buffer yaml) throws Exception {
    return new JsonObject(JsonMapper.YAML.readValue(yaml.toString(), Map.class));
  }

  /** The contract {@code raw} as vertx-openapi 5.0.7 reads what it means (see the class comment). */
  public static JsonObject restate(JsonObject raw) {
    JsonObject copy = raw.copy();
    JsonObject parameters = copy.getJsonObject("components", new JsonObject())
        .getJsonObject("parameters", new JsonObject());
    for (String name : parameters.fieldNames()) {
      JsonObject parameter = parameters.getJsonObject(name);
      JsonObject schema = parameter.getJsonObject("schema");
      if ("path".equals(parameter.getString("in")) && schema != null
          && !schema.containsKey("type") && !schema.containsKey("$ref")) {
        parameter.put("schema", new JsonObject().put("type", "string"));
      }
    }
    return (JsonObject) allowNulls(copy);
  }

  /** The contract as requests must keep it: readOnly properties are not required. */
  public static JsonObject requestView(JsonObject contract) {
    return directed(contract, "readOnly", false);
  }

  /**
   * The contract as responses must keep it: writeOnly properties are not required, and not
   * allowed either (an object schema without them, so a closed schema refuses them).
   */
  public static JsonObject responseView(JsonObject contract) {
    return directed(contract, "writeOnly", true);
  }

  private static JsonObject directed(JsonObject contract, String flag, boolean remove) {
    JsonObject copy = contract.copy();
    JsonObject schemas = copy.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
    walk(copy, schemas, flag, remove);
    return copy;
  }

  private static void walk(Object node, JsonObject schemas, String flag, boolean remove) {
    if (node instanceof JsonObject object) {
      if (object.getValue("properties") instanceof JsonObject properties) {
        for (String name : java.util.List.copyOf(properties.fieldNames())) {
          if (properties.getValue(name) instanceof JsonObject property && flagged(property, schemas, flag)) {
            if (object.getValue("required") instanceof JsonArray required) {
              required.remove(name);
              if (required.isEmpty()) {
                object.remove("required");
              }
            }
            if (remove) {
              properties.remove(name);
            }
          }
        }
      }
      object.forEach(field -> walk(field.getValue(), schemas, flag, remove));
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> walk(item, schemas, flag, remove));
    }
  }

  /** Whether a property's schema, or the component it names, carries {@code flag}. */
  private static boolean flagged(JsonObject property, JsonObject schemas, String flag) {
    if (Boolean.TRUE.equals(property.getValue(flag))) {
      return true;
    }
    String ref = property.getString("$ref");
    return ref != null && ref.startsWith("#/components/schemas/")
        && schemas.getValue(ref.substring("#/components/schemas/".length())) instanceof JsonObject target
        && Boolean.TRUE.equals(target.getValue(flag));
  }

  private static Object allowNulls(Object node) {
    if (node instanceof JsonObject object) {
      JsonObject result = new JsonObject();
      object.forEach(field -> result.put(field.getKey(), allowNulls(field.getValue())));
      if (Boolean.TRUE.equals(result.remove("nullable"))) {
        return new JsonObject().put("anyOf", new JsonArray()
            .add(result)
            .add(new JsonObject().put("enum", new JsonArray().addNull())));
      }
      return result;
    }
    if (node instanceof JsonArray array) {
      JsonArray result = new JsonArray();
      array.forEach(item -> result.add(allowNulls(item)));
      return result;
    }
    return node;
  }
}
