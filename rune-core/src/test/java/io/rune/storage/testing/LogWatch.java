package io.rune.storage.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Reads every log event of this JVM (the in-process servers' included) for strings that
 * must never be logged, such as Secret values. While it watches, Rune's own loggers log at
 * DEBUG, so that debug logging is checked too.
 */
public final class LogWatch implements AutoCloseable {
  private final Set<String> forbidden;
  private final List<String> sightings = new CopyOnWriteArrayList<>();
  private final AtomicLong events = new AtomicLong();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger rune = (Logger) LoggerFactory.getLogger("io.rune");
  private final Level runeLevel = rune.getLevel();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.incrementAndGet();
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
      for (String value : forbidden) {
        if (text.contains(value)) {
          sightings.add(event.getLoggerName() + ": " + text);
        }
      }
    }
  };

  private LogWatch(Set<String> forbidden) {
    this.forbidden = Set.copyOf(forbidden);
    appender.setName("log-watch");
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    rune.setLevel(Level.DEBUG);
  }

  /** Starts watching for {@code forbidden}. */
  public static LogWatch start(Set<String> forbidden) {
    return new LogWatch(forbidden);
  }

  /** The log lines that contained a forbidden string. */
  public List<String> sightings() {
    return List.copyOf(sightings);
  }

  /** How many events were read: a watch that read nothing proves nothing. */
  public long events() {
    return events.get();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    rune.setLevel(runeLevel);
  }
}
