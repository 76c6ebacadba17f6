package io.rune.storage.drivers.digitalocean;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An API token and where it came from. The value is only ever put in an Authorization
 * header: {@link #toString()} and every message use the secret's name, and the
 * fingerprint (a hash prefix) keys rate limits and breakers.
 *
 * @param source the secret reference the class names, e.g. {@code ops/do-token:token}
 */
record DoToken(String value, String source) {

  /** The first 12 hex digits of the token's SHA-256: tells tokens apart without revealing one. */
  String fingerprint() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "DoToken[from secret " + source + "]";
  }
}
