package io.rune.storage.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects the ERROR events logged in this JVM while it is open: input a client got wrong
 * is the client's problem, logged at DEBUG or WARN, never as a server error.
 */
public final class ErrorLines implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        lines.add(event.getLoggerName() + ": " + event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName() + ": "
            + event.getThrowableProxy().getMessage() + ")"));
      }
    }
  };

  private ErrorLines() {
    appender.setName("error-lines");
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  public static ErrorLines collect() {
    return new ErrorLines();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
