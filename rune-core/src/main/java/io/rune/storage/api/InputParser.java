package io.rune.storage.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.rune.storage.model.JsonMapper;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.UserText;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Splits a client's JSON object into metadata and spec and converts the spec strictly:
 * an unknown field or a wrong type is a 400 naming the field, never silently dropped.
 * Server-written fields (uid, timestamps, status) are accepted and ignored, so that an
 * object read with GET can be edited and sent back with PUT.
 */
public final class InputParser {
  private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "resourceVersion");
  private static final Set<String> SERVER_WRITTEN = Set.of("uid", "createdAt", "updatedAt", "status");

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> SPEC_MAP =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private InputParser() {}

  public static <S> ResourceInput<S> parse(JsonObject body, Class<S> specType) {
    if (body == null) {
      throw ApiException.malformed("the body must be a JSON or YAML object", null);
    }
    StrictDocuments.checkStorable("", body); // REST bodies were checked as they were read; the event bus's were not
    JsonObject spec = new JsonObject();
    for (Map.Entry<String, Object> e : body) {
      if (!METADATA.contains(e.getKey()) && !SERVER_WRITTEN.contains(e.getKey())) {
        spec.put(e.getKey(), e.getValue());
      }
    }
    return new ResourceInput<>(
        text(body, "name"),
        text(body, "namespace"),
        labels(body),
        resourceVersion(body),
        convert(spec, specType));
  }

  /** A stored spec as its record (stored specs were validated on the way in). */
  public static <S> S read(JsonObject stored, Class<S> specType) {
    return convert(stored, specType);
  }

  /** The spec record back as JSON without null fields, as it is stored. */
  public static JsonObject toJson(Object spec) {
    return new JsonObject(JsonMapper.STRICT.convertValue(spec, SPEC_MAP));
  }

  private static <S> S convert(JsonObject spec, Class<S> specType) {
    try {
      return JsonMapper.STRICT.readValue(spec.encode(), specType);
    } catch (JsonMappingException e) {
      throw fromJackson(e);
    } catch (java.io.IOException e) {
      throw ApiException.malformed("the body could not be read: " + e.getMessage(), null);
    }
  }

  private static ApiException fromJackson(JsonMappingException e) {
    String path = "";
    for (JsonMappingException.Reference ref : e.getPath()) {
      path = ref.getFieldName() != null ? UserText.child(path, ref.getFieldName()) : path + "[" + ref.getIndex() + "]";
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      return ApiException.malformed("unknown field '" + path + "'; known fields here: "
          + unknown.getKnownPropertyIds(), path);
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return ApiException.malformed("field '" + path + "' must be " + describe(mismatch.getTargetType()), path);
    }
    return ApiException.malformed("field '" + path + "' could not be read: " + RequestBodies.problem(e), path);
  }

  private static String describe(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw ApiException.malformed("field '" + field + "' must be a string", field);
  }

  private static Map<String, String> labels(JsonObject body) {
    Object value = body.getValue("labels");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject json)) {
      throw ApiException.malformed("field 'labels' must be an object of string values", "labels");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json) {
      if (!(e.getValue() instanceof String) && !(e.getValue() instanceof Number)) {
        throw ApiException.malformed("label " + UserText.quote(e.getKey()) + " must be a string",
            UserText.child("labels", e.getKey()));
      }
      labels.put(e.getKey(), String.valueOf(e.getValue()));
    }
    Validation.check(() -> LabelSelector.checkLabels("labels", labels));
    return labels;
  }

  private static Long resourceVersion(JsonObject body) {
    Object value = body.getValue("resourceVersion");
    if (value == null) {
      return null;
    }
    try {
      return value instanceof Number n ? n.longValue() : Long.parseLong((String) value);
    } catch (RuntimeException e) {
      throw ApiException.malformed(
          "field 'resourceVersion' must be the resourceVersion string the server returned", "resourceVersion");
    }
  }
}
