package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last changes of one object, from the change log the server still keeps: the watch
 * stream replays from {@code sinceSeq} (from the oldest change kept, which a Compacted error
 * names when 0 is too old) and a BOOKMARK marks the end of the replay. No endpoint of its own.
 */
final class ChangeHistory {
  private static final Duration REPLAY_FOR = Duration.ofSeconds(30);

  private ChangeHistory() {}

  /**
   * Up to {@code limit} frames of {@code object} (as GET answers it), oldest first.
   */
  static List<JsonNode> of(RuneClient client, ResourceType type, JsonNode object, int limit) {
    try {
      return replay(client, type, object, limit, 0);
    } catch (WatchFeed.Compacted compacted) {
      return replay(client, type, object, limit, compacted.oldestKept() - 1);
    }
  }

  /** Changes of this very object: its name, and its uid, so that an earlier object of the same name is left out. */
  private static boolean sameObject(JsonNode object, JsonNode changed) {
    return object.path("name").asText().equals(changed.path("name").asText())
        && object.path("uid").asText().equals(changed.path("uid").asText());
  }

  private static List<JsonNode> replay(RuneClient client, ResourceType type, JsonNode object, int limit,
      long sinceSeq) {
    String namespace = type.namespaced() ? object.path("namespace").asText() : null;
    Deque<JsonNode> last = new ArrayDeque<>();
    Instant deadline = Instant.now().plus(REPLAY_FOR);
    try (WatchFeed feed = WatchFeed.open(client, type.plural(), namespace, sinceSeq)) {
      while (true) {
        JsonNode frame = feed.next(deadline);
        if (frame == null || "BOOKMARK".equals(frame.path("type").asText())) {
          return List.copyOf(last); // the end of the replay (or of the time it may take)
        }
        if (sameObject(object, frame.path("object"))) {
          last.addLast(frame);
          if (last.size() > limit) {
            last.removeFirst();
          }
        }
      }
    }
  }
}
