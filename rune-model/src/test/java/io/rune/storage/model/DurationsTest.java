package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void parsesEveryUnit() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("0s")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "1h30m", "-1s", "1.5h", " 5s", "5 s", "5S", "10sec", "h"})
  void rejectsOtherFormsNamingTheAcceptedOnes(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid duration \"" + text + "\": use a whole number followed by ms, s, m, h"
            + " or d, e.g. \"500ms\", \"10s\", \"5m\", \"24h\", \"7d\"");
  }

  @Test
  void rejectsNullAndOverflow() {
    assertThatThrownBy(() -> Durations.parse(null)).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration \"99999999999999999999d\" is too large");
    assertThatThrownBy(() -> Durations.parse("999999999999999999d"))
        .hasMessage("duration \"999999999999999999d\" is too large");
  }
}
