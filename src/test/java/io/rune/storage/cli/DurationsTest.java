package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {
  private final Durations durations = new Durations();

  @Test
  void readsTheFormsPeopleWrite() {
    assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(durations.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(durations.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(durations.convert("2H")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void refusesAnythingElseSayingWhatItWants() {
    for (String bad : new String[] {"", "5", "soon", "1m1h", "-5s", "1.5m"}) {
      assertThatThrownBy(() -> durations.convert(bad)).isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("is not a duration like 90s, 5m or 1h30m");
    }
  }

  @Test
  void formatsTheShortestWay() {
    assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.format(Duration.ofSeconds(3601))).isEqualTo("1h1s");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
