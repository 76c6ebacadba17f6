package io.rune.storage.cli;

import java.util.Locale;

/** Byte counts in the binary units sizes are written in (512Mi, 1.5Gi). */
final class Sizes {
  private static final String[] UNITS = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};

  private Sizes() {}

  /** To one decimal, without one when the amount is whole: 0, 512, 1Ki, 1.5Gi. */
  static String bytes(long count) {
    double amount = count;
    int unit = 0;
    while (amount >= 1024 && unit < UNITS.length - 1) {
      amount /= 1024;
      unit++;
    }
    if (unit == 0) {
      return Long.toString(count);
    }
    return amount == Math.floor(amount) ? String.format(Locale.ROOT, "%.0f%s", amount, UNITS[unit])
        : String.format(Locale.ROOT, "%.1f%s", amount, UNITS[unit]);
  }
}
