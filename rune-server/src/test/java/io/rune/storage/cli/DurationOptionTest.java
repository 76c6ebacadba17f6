package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationOptionTest {
  @Test
  void readsTheRunefilesFormsAndRefusesOthersSayingWhatItWants() {
    DurationOption option = new DurationOption();
    assertThat(option.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(option.convert(" 5m")).isEqualTo(Duration.ofMinutes(5));
    for (String bad : new String[] {"", "5", "soon", "1h30m", "-5s"}) {
      assertThatThrownBy(() -> option.convert(bad)).isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("a whole number followed by ms, s, m, h or d");
    }
  }

  @Test
  void formatsTheShortestWay() {
    assertThat(DurationOption.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(DurationOption.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationOption.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(DurationOption.format(Duration.ZERO)).isEqualTo("0s");
  }
}
