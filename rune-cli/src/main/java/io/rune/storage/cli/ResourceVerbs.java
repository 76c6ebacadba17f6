package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The verbs every kind shares (list, get, delete, and the answer to a write), done the same way for each. */
final class ResourceVerbs {
  private final RuneCli rune;
  private final ResourceType type;

  ResourceVerbs(RuneCli rune, ResourceType type) {
    this.rune = rune;
    this.type = type;
  }

  /**
   * @param namespace the namespace to list, or null for all (ignored for cluster-scoped kinds)
   * @param watch whether to go on with a line per change of what the list shows, from its version on
   */
  void list(String namespace, CommonOptions.Selection selection, OutputFormat format, boolean watch) {
    String shown = type.namespaced() ? namespace : null;
    JsonNode list = rune.client().list(type.collectionPath(shown), selection.query(), selection.chunkSize);
    rune.printer().list(type, list, format, shown);
    if (watch) {
      new ChangeFollower(rune, format, type.namespaced() && shown == null).follow(type.plural(), shown,
          list.path("resourceVersion").asLong(), ObjectFilter.of(selection.labelSelector, selection.fieldSelector),
          true);
    }
  }

  /** @param watch whether to go on with a line per change of the object */
  void get(String namespace, String name, OutputFormat format, boolean watch) {
    // The head before the object: a change between the two is shown again rather than missed.
    long head = watch ? rune.client().head(type.collectionPath(namespace)) : 0;
    rune.printer().object(type, rune.client().get(type.objectPath(namespace, name), Map.of()), format);
    if (watch) {
      new ChangeFollower(rune, format, false).follow(type.plural(), type.namespaced() ? namespace : null, head,
          object -> name.equals(object.path("name").asText()), true);
    }
  }

  /** Merges {@code mergePatch} into the object; the server answers the object as it now is. */
  void patch(String namespace, String name, JsonNode mergePatch, OutputFormat format) {
    JsonNode patched = rune.client().patch(type.objectPath(namespace, name), mergePatch);
    rune.printer().outcome(type, patched, format, "patched");
  }

  /**
   * Deletes; a volume, snapshot or service answers in phase Deleting while its controller
   * cleans up, and the line says so rather than claiming it is gone. With --wait, follows it
   * (and {@code alsoGoing}, what the delete took with it) until gone.
   *
   * @return the object the server answered with
   */
  JsonNode delete(String namespace, String name, Map<String, String> query, OutputFormat format,
      CommonOptions.Wait wait) {
    JsonNode deleted = rune.client().delete(type.objectPath(namespace, name), query);
    boolean pending = ServedStatus.deleting(type, deleted);
    rune.printer().outcome(type, deleted, format, pending ? "marked for deletion" : "deleted");
    if (pending) {
      rune.awaitIfAsked(wait, format, List.of(WaitTarget.untilGone(type, deleted)));
    }
    return deleted;
  }

  /**
   * The retry verb: starts the object's stopped operation over (provisioning, a snapshot, a
   * deletion). With --wait, follows it until ready, or gone when it was being deleted.
   */
  void retry(String namespace, String name, OutputFormat format, CommonOptions.Wait wait) {
    JsonNode retried = rune.client().post(type.objectPath(namespace, name) + "/retry", null);
    boolean deleting = ServedStatus.deleting(type, retried);
    if (deleting) {
      rune.printer().outcome(type, retried, format, "will be deleted again (its deletion starts over)");
      rune.awaitIfAsked(wait, format, List.of(WaitTarget.untilGone(type, retried)));
    } else {
      String phase = rune.dryRun() == DryRun.client ? "" : " (phase " + ServedStatus.phaseWord(type, retried) + ")";
      created(retried, format, wait, "will be " + (type == ResourceType.VOLUME ? "provisioned" : "taken")
          + " again" + phase);
    }
  }

  /**
   * The answer to a create or restore: the line (or, with -o, the object), then with --wait
   * the object followed until ready; in -o formats the object printed is the ready one.
   */
  void created(JsonNode object, OutputFormat format, CommonOptions.Wait wait, String what) {
    if (format.tabular() || !wait.active()) {
      rune.printer().outcome(type, object, format, what);
    }
    WaitTarget target = WaitTarget.untilReady(type, object);
    rune.awaitIfAsked(wait, format, List.of(target));
    if (!format.tabular() && wait.active()) {
      rune.printer().object(type, target.object(), format);
    }
  }
}
