package io.rune.storage.driver;

/**
 * Where a long driver operation (a snapshot or restore copy) reports how far it is. May be
 * called from any thread, as often as the driver likes: the receiving side decides how
 * often to pass it on (the controller writes it to status at a bounded rate).
 */
@FunctionalInterface
public interface Progress {
  Progress NONE = (bytesDone, bytesTotal) -> { };

  void report(long bytesDone, long bytesTotal);
}
