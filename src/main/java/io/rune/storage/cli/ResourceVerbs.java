package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The verbs every kind shares (list, get, delete), done the same way for each. */
final class ResourceVerbs {
  private final RuneCli rune;
  private final ResourceType type;

  ResourceVerbs(RuneCli rune, ResourceType type) {
    this.rune = rune;
    this.type = type;
  }

  /** @param namespace the namespace to list, or null for all (ignored for cluster-scoped kinds) */
  void list(String namespace, CommonOptions.Selection selection, OutputFormat format) {
    String shown = type.namespaced() ? namespace : null;
    JsonNode list = rune.client().list(type.collectionPath(shown), selection.labelSelector, selection.chunkSize);
    rune.printer().list(type, list, format, shown);
  }

  void get(String namespace, String name, OutputFormat format) {
    rune.printer().object(type, rune.client().get(type.objectPath(namespace, name), Map.of()), format);
  }

  /**
   * Deletes; a volume or snapshot answers in phase Deleting while its driver reclaims the
   * storage, and the line says so rather than claiming it is gone.
   */
  void delete(String namespace, String name, OutputFormat format) {
    JsonNode deleted = rune.client().delete(type.objectPath(namespace, name));
    boolean pending = "Deleting".equals(deleted.path("status").path("phase").asText());
    rune.printer().outcome(type, deleted, format, pending ? "marked for deletion" : "deleted");
  }
}
