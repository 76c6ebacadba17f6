package io.rune.storage.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every warning Vert.x's blocked-thread checker logs, for {@link NoBlockedEventLoops}. */
public final class BlockedThreadRecorder extends AppenderBase<ILoggingEvent> {
  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    WARNINGS.add(event.getThreadName() + ": " + event.getFormattedMessage());
  }

  public static List<String> warnings() {
    return List.copyOf(WARNINGS);
  }

  public static void clear() {
    WARNINGS.clear();
  }
}
