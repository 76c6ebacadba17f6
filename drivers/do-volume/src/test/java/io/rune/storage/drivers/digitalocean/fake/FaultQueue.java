package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.RequestMatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Queued faults, taken in the order they were queued by the first request each matches. */
final class FaultQueue {

  private static final class Entry {
    final RequestMatch match;
    final Fault fault;
    int left;

    Entry(RequestMatch match, Fault fault, int times) {
      this.match = match;
      this.fault = fault;
      this.left = times;
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  synchronized void add(int times, RequestMatch match, Fault fault) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be 1 or more, not " + times);
    }
    entries.add(new Entry(match, fault, times));
  }

  /** Takes one of the first queued fault of this kind that matches the request. */
  synchronized <F extends Fault> Optional<F> take(Class<F> kind, String method, String path) {
    Iterator<Entry> queued = entries.iterator();
    while (queued.hasNext()) {
      Entry entry = queued.next();
      if (kind.isInstance(entry.fault) && entry.match.matches(method, path)) {
        if (--entry.left == 0) {
          queued.remove();
        }
        return Optional.of(kind.cast(entry.fault));
      }
    }
    return Optional.empty();
  }

  /** The faults still queued, counting each of a queued N as one. */
  synchronized int pending() {
    return entries.stream().mapToInt(entry -> entry.left).sum();
  }

  synchronized void clear() {
    entries.clear();
  }
}
