package io.rune.storage.drivers.digitalocean;

import java.util.Set;

/** The region slugs where DigitalOcean offers block storage. */
final class DoRegions {
  static final Set<String> SLUGS = Set.of("ams1", "ams2", "ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3",
      "sfo1", "sfo2", "sfo3", "sgp1", "tor1", "syd1");

  private DoRegions() {}

  static boolean valid(String slug) {
    return SLUGS.contains(slug);
  }
}
