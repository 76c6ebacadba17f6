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
   * The body that would be sent (YAML read as JSON), with the object's {@code name} from the
   * path when the body has none, so the line saying what would happen can name it.
   */
  static ObjectNode wouldSend(String path, byte[] body, String contentType) {
    ObjectNode sent = CliJson.MAPPER.createObjectNode();
    if (body != null) {
      JsonNode parsed = parse(body, contentType);
      if (parsed.isObject()) {
        sent.setAll((ObjectNode) parsed);
      }
    }
    if (!sent.hasNonNull("name") && sent.size() == 1 && sent.elements().next().hasNonNull("name")) {
      // A document under a key naming its kind (storageClass: {...}): its name is inside.
      sent.put("name", sent.elements().next().get("name").asText());
    } else if (!sent.hasNonNull("name")) {
      List<String> segments = List.of(path.substring(1).split("/"));
      int last = segments.size() - 1;
      String name = ACTIONS.contains(segments.get(last)) ? segments.get(last - 1) : segments.get(last);
      sent.put("name", URLDecoder.decode(name, StandardCharsets.UTF_8));
    }
    return sent;
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
