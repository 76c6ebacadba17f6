package io.rune.storage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * The watch stream after a list or get ({@code -w/--watch}), and {@code rune watch}: a line
 * per change until Ctrl-C or SIGTERM, which end it with exit status 0 (the output flushed), as
 * kubectl's watch does. A dropped connection resumes after the last sequence shown
 * ({@link WatchFeed}).
 */
final class ChangeFollower {
  private static final Duration FOREVER = Duration.ofDays(3650);
  /** True while following: a shutdown then comes from a signal, not from the end of the command. */
  private static volatile boolean following;

  private final RuneCli rune;
  private final OutputFormat format;
  private final boolean withNamespace;

  /** @param withNamespace whether lines name the namespace (a watch of every namespace) */
  ChangeFollower(RuneCli rune, OutputFormat format, boolean withNamespace) {
    this.rune = rune;
    this.format = format;
    this.withNamespace = withNamespace;
  }

  /**
   * Prints every change after {@code sinceSeq} whose object {@code wanted} accepts, until the
   * process is stopped.
   *
   * @param kinds plurals separated by commas ("volumes,snapshots")
   * @param namespace the namespace, or null for every one the token may see
   */
  void follow(String kinds, String namespace, long sinceSeq, Predicate<JsonNode> wanted, boolean header) {
    PrintWriter out = rune.out();
    endCleanlyOnSignal(out);
    following = true;
    try (WatchFeed feed = WatchFeed.open(rune.client(), kinds, namespace, sinceSeq)) {
      if (header && format.tabular()) {
        out.println(WatchLine.header(withNamespace));
        out.flush();
      }
      while (true) {
        JsonNode frame = feed.next(Instant.now().plus(FOREVER));
        if (frame != null && wanted.test(frame.path("object"))) {
          print(out, frame);
        }
      }
    } finally {
      following = false; // an error ends the watch: its exit status stands
    }
  }

  private void print(PrintWriter out, JsonNode frame) {
    boolean bookmark = "BOOKMARK".equals(frame.path("type").asText());
    ResourceType type = ResourceType.ofKindName(frame.path("kind").asText()).orElse(null);
    switch (format) {
      case json -> out.println(compact(frame));
      case yaml -> out.print("---\n" + CliJson.yaml(frame));
      case jsonpath -> {
        if (!bookmark) {
          rune.printer().document(frame.path("object"), format);
        }
      }
      case name -> {
        if (!bookmark && type != null) {
          out.println(type.qualified(frame.path("object").path("name").asText()));
        }
      }
      case table, wide -> {
        if (!bookmark && type != null) {
          out.println(WatchLine.of(frame, type, withNamespace));
        }
      }
    }
    out.flush();
  }

  /**
   * Ctrl-C (SIGINT) and SIGTERM are how a watch ends: the JVM runs its shutdown hooks, and
   * this one makes the exit status 0 instead of 130 or 143 once the output is flushed.
   */
  private static void endCleanlyOnSignal(PrintWriter out) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (following) {
        out.flush();
        Runtime.getRuntime().halt(0);
      }
    }, "rune-watch-end"));
  }

  private static String compact(JsonNode frame) {
    try {
      return CliJson.MAPPER.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
