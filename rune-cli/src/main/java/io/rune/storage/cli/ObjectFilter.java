package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.LabelSelector;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which objects of the watch stream a {@code list -w} shows: the stream has no selectors, so
 * the list's are applied here. The server has already accepted both selectors for the list,
 * so they are known to be well formed. Labels are matched by the model's {@link LabelSelector}
 * (the server's own rules); a field selector's terms ({@code a=b}, {@code a==b}, {@code a!=b})
 * compare the field at its place in the object.
 */
final class ObjectFilter {
  private ObjectFilter() {}

  static Predicate<JsonNode> of(String labelSelector, String fieldSelector) {
    LabelSelector labels = LabelSelector.parse(labelSelector);
    Predicate<JsonNode> wanted = object -> labels.matches(labels(object.path("labels")));
    if (fieldSelector != null && !fieldSelector.isBlank()) {
      for (String term : fieldSelector.split(",")) {
        wanted = wanted.and(fieldTerm(term.trim()));
      }
    }
    return wanted;
  }

  private static Predicate<JsonNode> fieldTerm(String term) {
    int not = term.indexOf("!=");
    int eq = term.indexOf('=');
    boolean negated = not >= 0 && not < eq;
    int at = negated ? not : eq;
    if (at <= 0) {
      return object -> true; // the server refused this form already; nothing to add
    }
    String field = term.substring(0, at).trim();
    String value = term.substring(at + (negated || term.startsWith("==", at) ? 2 : 1)).trim();
    return object -> value.equals(field(object, field)) != negated;
  }

  /** A field selector's field in the object as the API writes it: metadata and spec fields are top-level. */
  private static String field(JsonNode object, String field) {
    String path = field.startsWith("metadata.") ? field.substring("metadata.".length())
        : field.startsWith("spec.") ? field.substring("spec.".length()) : field;
    if (path.equals("volumeName")) {
      path = "source.volume";
    }
    JsonNode node = object;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node.isValueNode() ? node.asText() : "";
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> map = new HashMap<>();
    labels.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
