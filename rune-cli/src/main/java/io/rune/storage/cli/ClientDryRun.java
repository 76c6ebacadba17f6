package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code --dry-run=client}: the write is not sent; what would be sent stands in for the
 * server's answer. Only local checks run: the body must parse.
 */
final class ClientDryRun {
  /** The last path segments that are an action on the object before them, not an object's name. */
  private static final Set<String> ACTIONS = Set.of("restore", "detach", "retry", "set-default");

  private ClientDryRun() {}

  /**
   * What would be sent: for a create, the object (its body, YAML read as JSON); for any other
   * write, the request, {@code {"name", "request": "PATCH /api/v1/...", "body"}}, named after the
   * object in its path so the line saying what would happen can name it.
   */
  static ObjectNode wouldSend(String method, String path, byte[] body, String contentType) {
    JsonNode parsed = body == null ? null : parse(body, contentType);
    if (parsed != null && parsed.isObject() && parsed.hasNonNull("name")) {
      return (ObjectNode) parsed;
    }
    if (parsed != null && parsed.size() == 1 && parsed.elements().next().hasNonNull("name")) {
      // A document under a key naming its kind (storageClass: {...}): its name is inside.
      return (ObjectNode) parsed.elements().next();
    }
    List<String> segments = List.of(path.substring(1).split("/"));
    int last = segments.size() - 1;
    String name = ACTIONS.contains(segments.get(last)) ? segments.get(last - 1) : segments.get(last);
    ObjectNode request = CliJson.MAPPER.createObjectNode().put("name", URLDecoder.decode(name, StandardCharsets.UTF_8))
        .put("request", method + " " + RuneClient.API + path);
    if (parsed != null) {
      request.set("body", parsed);
    }
    return request;
  }

  private static JsonNode parse(byte[] body, String contentType) {
    try {
      if (contentType != null && contentType.contains("yaml")) {
        List<JsonNode> documents = CliJson.readYamlDocuments(body);
        return documents.size() == 1 ? documents.get(0) : CliJson.MAPPER.valueToTree(documents);
      }
      return CliJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new CliException("the body to send is not valid " + (contentType != null && contentType.contains("yaml")
          ? "YAML" : "JSON") + ": " + e.getMessage());
    }
  }
}
