package io.rune.storage.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes written as Kubernetes-style quantities: a whole or decimal number, optionally
 * followed by a binary suffix ({@code Ki Mi Gi Ti Pi Ei}, powers of 1024) or a decimal
 * suffix ({@code k M G T P E}, powers of 1000). A number without a suffix is bytes. The
 * value must come to a whole number of bytes, more than zero and at most {@link #MAX_BYTES}.
 */
public final class Quantity {

  /** The largest size accepted: 1Pi. Anything above is a typo rather than a real request. */
  public static final long MAX_BYTES = 1L << 50;

  /**
   * Longest text accepted; longer input is refused before any arithmetic so that a huge
   * number cannot cost time.
   */
  private static final int MAX_TEXT_LENGTH = 64;

  private static final String SUFFIXES =
      "use a number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E"
          + " (for example 10Gi)";

  private static final Map<String, BigInteger> MULTIPLIERS =
      Map.ofEntries(
          Map.entry("", BigInteger.ONE),
          Map.entry("Ki", BigInteger.ONE.shiftLeft(10)),
          Map.entry("Mi", BigInteger.ONE.shiftLeft(20)),
          Map.entry("Gi", BigInteger.ONE.shiftLeft(30)),
          Map.entry("Ti", BigInteger.ONE.shiftLeft(40)),
          Map.entry("Pi", BigInteger.ONE.shiftLeft(50)),
          Map.entry("Ei", BigInteger.ONE.shiftLeft(60)),
          Map.entry("k", BigInteger.TEN.pow(3)),
          Map.entry("M", BigInteger.TEN.pow(6)),
          Map.entry("G", BigInteger.TEN.pow(9)),
          Map.entry("T", BigInteger.TEN.pow(12)),
          Map.entry("P", BigInteger.TEN.pow(15)),
          Map.entry("E", BigInteger.TEN.pow(18)));

  /** Binary suffixes from the largest down, for {@link #format}. */
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};

  private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([A-Za-z]*)");
  private static final Pattern EXPONENT = Pattern.compile("[0-9.]+[eE][-+]?[0-9]+");

  private Quantity() {}

  /**
   * Parses the quantity {@code value} of {@code field} into bytes.
   *
   * @throws ValidationException with code {@code Invalid} and the field, when the text is not
   *     a quantity, or is zero, negative, not a whole number of bytes or above 1Pi
   */
  public static long parseBytes(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw ValidationException.invalid(field, field + " is required: " + SUFFIXES);
    }
    String quoted = field + " " + UserText.quote(value);
    if (value.length() > MAX_TEXT_LENGTH) {
      throw ValidationException.invalid(field, field + " is too long to be a size: " + SUFFIXES);
    }
    if (value.chars().anyMatch(Character::isWhitespace)) {
      throw ValidationException.invalid(
          field,
          quoted + " contains spaces: write the number and suffix together (for example 10Gi)");
    }
    if (value.startsWith("-")) {
      throw ValidationException.invalid(
          field, quoted + " is negative: a size must be more than zero (for example 10Gi)");
    }
    if (EXPONENT.matcher(value).matches()) {
      throw ValidationException.invalid(
          field, quoted + " uses exponent notation, which is not supported: " + SUFFIXES);
    }
    Matcher m = QUANTITY.matcher(value);
    if (!m.matches()) {
      throw ValidationException.invalid(field, quoted + " is not a quantity: " + SUFFIXES);
    }
    BigInteger multiplier = MULTIPLIERS.get(m.group(2));
    if (multiplier == null) {
      throw ValidationException.invalid(
          field,
          quoted + " has an unknown suffix \"" + m.group(2) + "\" (suffixes are case-sensitive): "
              + SUFFIXES);
    }
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(multiplier));
    if (bytes.signum() == 0) {
      throw ValidationException.invalid(
          field, quoted + " is zero: a size must be more than zero (for example 10Gi)");
    }
    if (bytes.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
      throw ValidationException.invalid(
          field, quoted + " is too large: the maximum is 1Pi (" + MAX_BYTES + " bytes)");
    }
    BigDecimal whole = bytes.stripTrailingZeros();
    if (whole.scale() > 0) {
      throw ValidationException.invalid(
          field,
          quoted + " is not a whole number of bytes (" + bytes.toPlainString()
              + "): round it, or write it in a smaller unit (for example 1536Mi)");
    }
    return whole.longValueExact();
  }

  /**
   * The shortest exact form of {@code bytes} with a binary suffix, or the plain number when
   * no binary unit divides it: 10737418240 gives {@code 10Gi}, 1500 gives {@code 1500}.
   */
  public static String format(long bytes) {
    if (bytes != 0) {
      for (int i = 0; i < BINARY.length; i++) {
        int shift = 10 * (BINARY.length - i);
        long unit = 1L << shift;
        if (bytes % unit == 0) {
          return (bytes >> shift) + BINARY[i];
        }
      }
    }
    return Long.toString(bytes);
  }
}
