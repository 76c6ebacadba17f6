package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code --wait}: follows objects on the watch stream, from the version each write
 * returned, until every one is done. The stream starts after the oldest of those versions,
 * so a change that lands between the write and the watch cannot be missed.
 */
final class Waiter {
  private final RuneClient client;
  private final WaitDisplay display;

  Waiter(RuneClient client, WaitDisplay display) {
    this.client = client;
    this.display = display;
  }

  /** Returns when every target is done; throws, naming the target, when one fails or time runs out. */
  void await(List<WaitTarget> targets, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try {
      targets.forEach(display::show);
      if (settled(targets)) {
        return;
      }
      long since = targets.stream().mapToLong(WaitTarget::version).min().orElse(0);
      try (WatchFeed feed = WatchFeed.open(client, kinds(targets), namespace(targets), since)) {
        while (!settled(targets)) {
          JsonNode frame = feed.next(deadline);
          if (frame == null) {
            throw timedOut(targets, timeout);
          }
          for (WaitTarget target : targets) {
            if (target.matches(frame)) {
              target.apply(frame);
              display.show(target);
            }
          }
        }
      }
    } finally {
      display.finish();
    }
  }

  /** True when all are done; throws for the first that failed. */
  private static boolean settled(List<WaitTarget> targets) {
    boolean allDone = true;
    for (WaitTarget target : targets) {
      switch (target.state()) {
        case FAILED -> throw new CliException(target.label() + " failed: " + target.situation());
        case WORKING -> allDone = false;
        case DONE -> { }
      }
    }
    return allDone;
  }

  private static CliException timedOut(List<WaitTarget> targets, Duration timeout) {
    WaitTarget first = targets.stream().filter(t -> t.state() == WaitTarget.State.WORKING).findFirst().orElseThrow();
    return new CliException("gave up waiting after " + DurationOption.format(timeout) + ": " + first.label() + " is "
        + first.situation() + "; the server goes on with it (see: rune " + first.type().word() + " get "
        + first.object().path("name").asText() + (first.type().namespaced()
            ? " -n " + first.object().path("namespace").asText() : "") + ")");
  }

  private static String kinds(List<WaitTarget> targets) {
    return targets.stream().map(t -> t.type().plural()).collect(Collectors.toCollection(TreeSet::new)).stream()
        .collect(Collectors.joining(","));
  }

  /** The one namespace all targets are in, or null to watch every namespace the token sees. */
  private static String namespace(List<WaitTarget> targets) {
    Set<String> namespaces = targets.stream().filter(t -> t.type().namespaced())
        .map(t -> t.object().path("namespace").asText()).collect(Collectors.toSet());
    boolean clusterScoped = targets.stream().anyMatch(t -> !t.type().namespaced());
    return namespaces.size() == 1 && !clusterScoped ? namespaces.iterator().next() : null;
  }
}
