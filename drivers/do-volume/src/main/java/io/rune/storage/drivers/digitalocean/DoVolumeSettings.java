package io.rune.storage.drivers.digitalocean;

import java.time.Duration;

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

  static DoVolumeSettings defaults() {
    return new DoVolumeSettings(PUBLIC_API, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
  }
}
