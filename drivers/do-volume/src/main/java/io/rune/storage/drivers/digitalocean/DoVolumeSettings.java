package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverSettingsException;
import io.rune.storage.model.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server-side settings of the do-volume driver. The API's base URL is here, set by the
 * operator, and never a class or volume parameter: a token is only ever sent where the
 * operator said.
 *
 * @param apiUrl the DigitalOcean API, {@code https://api.digitalocean.com} unless set
 * @param requestTimeout how long one HTTP request may take
 * @param actionPollInterval how often an attach, detach or resize action is looked at
 * @param actionTimeout how long an action may stay in progress before the call fails (to be retried)
 */
record DoVolumeSettings(String apiUrl, Duration requestTimeout, Duration actionPollInterval,
    Duration actionTimeout) {
  static final String PUBLIC_API = "https://api.digitalocean.com";
  private static final List<String> KEYS = List.of("apiUrl", "requestTimeout", "actionPollInterval", "actionTimeout");

  static DoVolumeSettings defaults() {
    return new DoVolumeSettings(PUBLIC_API, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
  }

  /**
   * From the runefile's {@code [storage.drivers.do-volume]} table; what it leaves out keeps
   * its default.
   *
   * @throws DriverSettingsException naming an unknown key or a bad value
   */
  static DoVolumeSettings from(Map<String, String> table) {
    DoVolumeSettings defaults = defaults();
    for (String key : table.keySet()) {
      if (!KEYS.contains(key)) {
        throw new DriverSettingsException("runefile: unknown key 'storage.drivers.do-volume." + key + "' (known keys: "
            + String.join(", ", KEYS) + ")");
      }
    }
    String apiUrl = table.getOrDefault("apiUrl", defaults.apiUrl());
    URI uri;
    try {
      uri = URI.create(apiUrl);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !Set.of("http", "https").contains(uri.getScheme())) {
      throw new DriverSettingsException("runefile: 'storage.drivers.do-volume.apiUrl' must be an http(s) URL such as "
          + PUBLIC_API + ", got \"" + apiUrl + "\"");
    }
    return new DoVolumeSettings(apiUrl, duration(table, "requestTimeout", defaults.requestTimeout()),
        duration(table, "actionPollInterval", defaults.actionPollInterval()),
        duration(table, "actionTimeout", defaults.actionTimeout()));
  }

  private static Duration duration(Map<String, String> table, String key, Duration otherwise) {
    String text = table.get(key);
    if (text == null) {
      return otherwise;
    }
    Duration value;
    try {
      value = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new DriverSettingsException("runefile: 'storage.drivers.do-volume." + key + "': " + e.getMessage());
    }
    if (value.isZero()) {
      throw new DriverSettingsException("runefile: 'storage.drivers.do-volume." + key + "' must be longer than 0");
    }
    return value;
  }
}
