package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "1, 1",
    "1073741824, 1073741824",
    "1Ki, 1024",
    "500Mi, 524288000",
    "10Gi, 10737418240",
    "1Ti, 1099511627776",
    "1Pi, 1125899906842624",
    "1k, 1000",
    "1M, 1000000",
    "1G, 1000000000",
    "2T, 2000000000000",
    "1P, 1000000000000000",
    "1.5Gi, 1610612736",
    "0.5Ki, 512",
    "2.25Mi, 2359296",
    "1.5k, 1500",
    "1.0, 1",
    "0.001M, 1000",
    "007, 7",
    "1125899906842624, 1125899906842624"
  })
  void parses(String text, long bytes) {
    assertThat(Quantity.parseBytes("size", text)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10737418240, 10Gi",
    "1500, 1500",
    "1000, 1000",
    "1, 1",
    "0, 0",
    "1024, 1Ki",
    "1536, 1536",
    "3072, 3Ki",
    "1610612736, 1536Mi",
    "524288000, 500Mi",
    "1099511627776, 1Ti",
    "1125899906842624, 1Pi",
    "1152921504606846976, 1Ei",
    "1000000000, 1000000000",
    "-2048, -2Ki"
  })
  void formatsInTheShortestExactBinaryForm(long bytes, String text) {
    assertThat(Quantity.format(bytes)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      longs = {1, 2, 999, 1000, 1023, 1024, 1025, 4096, 1_000_000, 1L << 20, 3L << 30, 5L << 40,
          1610612736, (1L << 50) - 1, 1L << 50, 10737418240L + 512})
  void roundTripsThroughFormat(long bytes) {
    assertThat(Quantity.parseBytes("size", Quantity.format(bytes))).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10Gi", "500Mi", "1G", "1073741824", "1.5Gi", "3k", "1Pi"})
  void roundTripsThroughParse(String text) {
    long bytes = Quantity.parseBytes("size", text);
    assertThat(Quantity.parseBytes("size", Quantity.format(bytes))).isEqualTo(bytes);
  }

  @Test
  void theExampleMessageNamesTheFieldAndTheSuffixes() {
    ValidationException e = rejected("10Gb");
    assertThat(e.getMessage())
        .isEqualTo(
            "size \"10Gb\" has an unknown suffix \"Gb\" (suffixes are case-sensitive): use a"
                + " number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E"
                + " (for example 10Gi)");
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("size");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10GB", "10gi", "10Kb", "10K", "10m", "10b", "10Gii", "1iB"})
  void rejectsUnknownSuffixes(String text) {
    assertThat(rejected(text).getMessage())
        .contains("\"" + text + "\"")
        .contains("Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void requiresAValue(String text) {
    assertThat(rejected(text).getMessage()).startsWith("size is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0Gi", "0.0", "000k"})
  void rejectsZero(String text) {
    assertThat(rejected(text).getMessage()).contains("is zero");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-10Gi", "-0.5Mi"})
  void rejectsNegative(String text) {
    assertThat(rejected(text).getMessage()).contains("is negative");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10 Gi", " 10Gi", "10Gi ", "10\tGi", "1 0"})
  void rejectsWhitespace(String text) {
    assertThat(rejected(text).getMessage()).contains("contains spaces");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2Pi", "1Ei", "1E", "1025Ti", "1125899906842625", "8Ei", "16Ei",
      "99999999999999999999999999999", "1.0000001Pi"})
  void rejectsAbsurdSizesAndOverflow(String text) {
    assertThat(rejected(text).getMessage())
        .contains("is too large")
        .contains("the maximum is 1Pi (1125899906842624 bytes)");
  }

  @Test
  void rejectsTextTooLongToBeASize() {
    assertThat(rejected("1".repeat(65)).getMessage()).contains("too long");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "0.1Ki", "1.0000001Gi", "0.0003k"})
  void rejectsFractionsOfAByte(String text) {
    assertThat(rejected(text).getMessage()).contains("not a whole number of bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e3", "1E3", "1.5e9", "2e-3", "1E+6"})
  void rejectsExponentNotation(String text) {
    assertThat(rejected(text).getMessage()).contains("exponent notation");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Gi", ".5Gi", "1.", "1..5Gi", "+1Gi", "1,5Gi", "0x10", "ten", "1Gi2", "1/2"})
  void rejectsWhatIsNotANumber(String text) {
    assertThat(rejected(text).getMessage()).contains("\"" + text + "\"");
  }

  private static ValidationException rejected(String text) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Quantity.parseBytes("size", text));
    assertThat(e).as("parseBytes(%s) should fail", text).isNotNull();
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("size");
    return e;
  }
}
