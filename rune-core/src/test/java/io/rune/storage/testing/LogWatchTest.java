package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogWatchTest {

  @Test
  void seesForbiddenStringsInMessagesAndStackTracesAtDebug() {
    try (LogWatch watch = LogWatch.start(Set.of("s3cr3t-value"))) {
      LoggerFactory.getLogger("io.rune.storage.example").debug("nothing here");
      LoggerFactory.getLogger("io.rune.storage.example").debug("body {}", "{\"token\":\"s3cr3t-value\"}");
      LoggerFactory.getLogger("io.vertx.example").warn("failed", new IllegalStateException("had s3cr3t-value"));
      assertThat(watch.events()).isEqualTo(3);
      assertThat(watch.sightings()).hasSize(2);
    }
    assertThat(LoggerFactory.getLogger("io.rune.storage.example").isDebugEnabled()).as("level restored").isFalse();
  }
}
