package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverSettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runefile's {@code [storage.drivers.local]} table.
 *
 * @param enforcement the mode the operator asked for, or null for {@code auto} (the driver
 *     picks what the volume root's file system offers)
 */
record LocalSettings(Enforcement enforcement) {

  static final String AUTO = "auto";
  private static final List<String> KEYS = List.of("enforcement");

  /** @throws DriverSettingsException naming the key and what it may be */
  static LocalSettings from(Map<String, String> table) {
    for (String key : table.keySet()) {
      if (!KEYS.contains(key)) {
        throw new DriverSettingsException("runefile: unknown key 'storage.drivers.local." + key + "' (known keys: "
            + String.join(", ", KEYS) + ")");
      }
    }
    String wanted = table.getOrDefault("enforcement", AUTO);
    if (wanted.equals(AUTO)) {
      return new LocalSettings(null);
    }
    return new LocalSettings(Enforcement.named(wanted).orElseThrow(() -> {
      List<String> allowed = new ArrayList<>(List.of(AUTO));
      allowed.addAll(Enforcement.names());
      return new DriverSettingsException("runefile: 'storage.drivers.local.enforcement' must be one of "
          + String.join(", ", allowed) + ", got \"" + wanted + "\"");
    }));
  }
}
